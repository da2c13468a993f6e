package org.easel.nodes.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.easel.nodes.codec.ImageConvert;
import org.easel.nodes.codec.PngWriter;
import org.easel.nodes.image.SaveImagePaths.SavePath;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveImagePathsTest {
    @TempDir
    Path out;

    @Test
    void counterIsOnePlusHighestMatching() throws IOException {
        SavePath p = SaveImagePaths.get("ComfyUI", out, 512, 512);
        assertEquals(1, p.counter());
        assertEquals("", p.subfolder());
        assertEquals("ComfyUI", p.filename());
        assertEquals(out.toAbsolutePath().normalize(), p.fullOutputFolder());
        assertEquals("ComfyUI_00001_.png", p.fileName(0));
        assertEquals("ComfyUI_00002_.png", p.fileName(1));

        for (String f : List.of("ComfyUI_00001_.png", "ComfyUI_00007_.png", "ComfyUI_foo.png", "ComfyUIx_00099_.png",
                "comfyui_00050_.png", "ComfyUI_00003_.webp", "other_00100_.png")) {
            Files.createFile(out.resolve(f));
        }
        assertEquals(8, SaveImagePaths.get("ComfyUI", out, 0, 0).counter());
        assertEquals(100, SaveImagePaths.get("ComfyUIx", out, 0, 0).counter());
        assertEquals(1, SaveImagePaths.get("Comfy", out, 0, 0).counter());
    }

    @Test
    void savingABatchIncrementsTheCounter() throws IOException {
        FloatTensor batch = FloatTensor.zeros(3, 4, 4, 3);
        for (int round = 0; round < 2; round++) {
            SavePath p = SaveImagePaths.get("run", out, 4, 4);
            for (int i = 0; i < batch.dim(0); i++) {
                PngWriter.write(p.file(i), ImageConvert.toBufferedImage(batch, i), Map.of("prompt", "{}"), 4);
            }
        }
        try (var s = Files.list(out)) {
            assertEquals(List.of("run_00001_.png", "run_00002_.png", "run_00003_.png", "run_00004_.png", "run_00005_.png",
                    "run_00006_.png"), s.map(x -> x.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void subfolderAndPlaceholders() {
        SavePath p = SaveImagePaths.get("foo/bar/baz", out, 0, 0);
        assertEquals("foo/bar", p.subfolder());
        assertEquals("baz", p.filename());
        assertEquals(out.toAbsolutePath().normalize().resolve("foo/bar"), p.fullOutputFolder());
        assertTrue(Files.isDirectory(p.fullOutputFolder()));

        LocalDateTime t = LocalDateTime.of(2024, 3, 5, 7, 8, 9);
        SavePath q = SaveImagePaths.get("%year%-%month%-%day%/img_%width%x%height%_%hour%%minute%%second%", out, 640, 480, t);
        assertEquals("2024-03-05", q.subfolder());
        assertEquals("img_640x480_070809", q.filename());

        // inner ".." that stays inside is normalised like os.path.normpath (ComfyUI accepts it)
        SavePath r = SaveImagePaths.get("a/./b/../c//name", out, 0, 0);
        assertEquals("a/c", r.subfolder());
        assertEquals("name", r.filename());
        assertEquals("x_00001_.png", SaveImagePaths.get("x/", out, 0, 0).fileName(0));
        assertEquals("img_1_00001_.png", SaveImagePaths.get("img_%batch_num%", out, 0, 0).fileName(1).replace("00002", "00001"));
    }

    @Test
    void escapesAreRejected() {
        for (String bad : List.of("../x", "../../etc/passwd", "/tmp/x", "foo/../../x", "a/b/../../../x", "..", "//x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SaveImagePaths.get(bad, out, 0, 0), bad);
            assertTrue(e.getMessage().contains("outside the output folder"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SaveImagePaths.get("a\0b", out, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SaveImagePaths.reserve("../x", out, 0, 0, 1));
    }

    @Test
    void normpathLikePython() {
        assertEquals(".", SaveImagePaths.normpath(""));
        assertEquals("a/b", SaveImagePaths.normpath("a//b/"));
        assertEquals("../a", SaveImagePaths.normpath("x/../../a"));
        assertEquals("/a", SaveImagePaths.normpath("/../a"));
        assertEquals("b", SaveImagePaths.normpath("./a/../b"));
    }

    @Test
    void pythonIntParsing() {
        assertEquals(12, SaveImagePaths.parsePythonInt("00012"));
        assertEquals(0, SaveImagePaths.parsePythonInt("12.png"));
        assertEquals(-3, SaveImagePaths.parsePythonInt("-3"));
        assertEquals(0, SaveImagePaths.parsePythonInt(""));
    }

    @Test
    void concurrentReservationsNeverCollide() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(8);
        try {
            List<Future<SavePath>> fs = new ArrayList<>();
            for (int i = 0; i < 16; i++) fs.add(ex.submit(() -> SaveImagePaths.reserve("sub/par", out, 0, 0, 2)));
            Set<String> names = new HashSet<>();
            for (Future<SavePath> f : fs) {
                SavePath p = f.get();
                assertTrue(names.add(p.fileName(0)), p.fileName(0));
                assertTrue(names.add(p.fileName(1)), p.fileName(1));
                assertTrue(Files.exists(p.file(0)));
            }
            assertEquals(32, names.size());
            assertEquals(33, SaveImagePaths.get("sub/par", out, 0, 0).counter());
        } finally {
            ex.shutdownNow();
        }
    }
}
