package org.easel.nodes.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.easel.engine.NodeException;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session reuse, LRU unloading within a budget, leases, the optimised-model cache, device errors. */
class OnnxRuntimeTest {
    @TempDir
    static Path models;
    static Path decoder;
    static Path encoder;
    static Path upscaler;

    @BeforeAll
    static void demo() throws Exception {
        DemoModels.ensure(models);
        decoder = models.resolve(DemoModels.VAE + "/vae_decoder/model.onnx");
        encoder = models.resolve(DemoModels.VAE + "/vae_encoder/model.onnx");
        upscaler = models.resolve(DemoModels.UPSCALER);
    }

    @Test
    void physicalMemoryMatchesTheManagementBean() {
        // read from /proc and the cgroup files on Linux; the bean (container-aware) is the reference
        long bean = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        long ours = OnnxRuntime.physicalMemory();
        assertTrue(ours > 0);
        assertTrue(Math.abs(ours - bean) <= bean / 50, "within 2% of the bean: " + ours + " vs " + bean);
    }

    @Test
    void sessionsAreReusedAndUnloadedLeastRecentlyUsedFirst() throws Exception {
        long budget = Files.size(decoder) + Files.size(encoder) + 10;     // room for two small models
        try (OnnxRuntime rt = new OnnxRuntime("cpu", null, budget)) {
            ModelSession first;
            try (OnnxRuntime.Lease l = rt.acquire(decoder)) {
                first = l.session();
            }
            try (OnnxRuntime.Lease l = rt.acquire(decoder)) {
                assertSame(first, l.session(), "same session for the same file");
            }
            try (OnnxRuntime.Lease l = rt.acquire(encoder)) {
                assertEquals(2, rt.loadedCount());
            }
            try (OnnxRuntime.Lease l = rt.acquire(upscaler)) {      // over budget: the decoder (LRU) goes
                assertTrue(rt.loadedCount() <= 2, "loaded " + rt.loadedCount());
            }
            try (OnnxRuntime.Lease l = rt.acquire(decoder)) {
                assertNotSame(first, l.session(), "reloaded after being unloaded");
            }
        }
    }

    @Test
    void preloadedAndConcurrentlyAcquiredModelsLoadOnce() throws Exception {
        try (OnnxRuntime rt = new OnnxRuntime("cpu", null, 1L << 30)) {
            rt.preload(List.of(decoder, encoder));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<ModelSession>> got = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Path file = i % 2 == 0 ? decoder : encoder;
                    got.add(pool.submit(() -> {
                        try (OnnxRuntime.Lease l = rt.acquire(file)) {
                            return l.session();
                        }
                    }));
                }
                for (int i = 2; i < 8; i++) assertSame(got.get(i % 2).get(), got.get(i).get(), "one session per file");
                assertNotSame(got.get(0).get(), got.get(1).get());
            } finally {
                pool.shutdown();
            }
            assertEquals(2, rt.loadedCount());
        }
        try (OnnxRuntime rt = new OnnxRuntime("cpu", null, 1)) {           // does not fit: nothing preloads
            rt.preload(List.of(decoder));
            Thread.sleep(200);
            assertEquals(0, rt.loadedCount());
        }
    }

    @Test
    void aLeasedSessionIsNeverUnloaded() throws Exception {
        try (OnnxRuntime rt = new OnnxRuntime("cpu", null, 1)) {        // a budget smaller than any model
            try (OnnxRuntime.Lease held = rt.acquire(decoder); OnnxRuntime.Lease other = rt.acquire(encoder)) {
                float[] z = new float[16 * 2 * 2];
                FloatTensor px = held.session().run(Map.of("latent_sample", ModelSession.Input.of(z, 1, 16, 2, 2))).get("sample");
                assertEquals(List.of(1, 3, 16, 16), List.of(px.dim(0), px.dim(1), px.dim(2), px.dim(3)));
                assertEquals(2, rt.loadedCount());
            }
            rt.unloadAll();
            assertEquals(0, rt.loadedCount());
        }
    }

    @Test
    void optimisedCopiesAreCachedAndABrokenOneIsReplaced(@TempDir Path cache) throws Exception {
        try (OnnxRuntime rt = new OnnxRuntime("cpu", cache, 1L << 30); OnnxRuntime.Lease l = rt.acquire(upscaler)) {
            assertTrue(l.session().outputNames().size() == 1);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(cache)) {
            files = s.toList();
        }
        assertEquals(1, files.size(), "one optimised copy written");
        Files.write(files.get(0), new byte[]{1, 2, 3});            // as if a crash cut it short
        try (OnnxRuntime rt = new OnnxRuntime("cpu", cache, 1L << 30); OnnxRuntime.Lease l = rt.acquire(upscaler)) {
            float[] img = new float[3 * 8 * 8];
            FloatTensor out = l.session().run(Map.of(l.session().inputNames().iterator().next(),
                    ModelSession.Input.of(img, 1, 3, 8, 8))).values().iterator().next();
            assertEquals(16, out.dim(2), "still upscales ×2");
        }
    }

    @Test
    void missingModelsAndCudaOnACpuBuildAreClearErrors() {
        try (OnnxRuntime rt = new OnnxRuntime("cpu", null, 1L << 30)) {
            NodeException e = assertThrows(NodeException.class, () -> rt.acquire(models.resolve("nope.onnx")));
            assertTrue(e.getMessage().contains("model file not found"), e.getMessage());
        }
        if (!Device.cudaBuildPresent()) {
            NodeException e = assertThrows(NodeException.class, () -> new OnnxRuntime("cuda", null, 1L << 30));
            assertTrue(e.getMessage().contains("CPU-only ONNX Runtime") && e.getMessage().contains("EASEL_GPU=1"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        assertEquals("cuda:1", Device.parse("cuda:1").toString());
    }
}
