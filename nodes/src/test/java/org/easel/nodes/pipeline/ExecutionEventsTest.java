package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.easel.engine.exec.ExecutionResult;
import org.easel.nodes.pipeline.Pipeline.Picture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress, interrupt and latent previews while KSampler runs on the demo model. */
class ExecutionEventsTest {
    @TempDir
    static Path base;
    static Pipeline pipe;

    @BeforeAll
    static void setUp() {
        pipe = new Pipeline(base);
    }

    static long num(Object o) {
        return ((Number) o).longValue();
    }

    @Test
    void progressReachesStepsOfSteps() {
        Pipeline.Recording rec = new Pipeline.Recording();
        pipe.run(Pipeline.textToImage("a red circle", "", 128, 128, 3, 9, 4.5, "euler", "sgm_uniform", "prog"), null, rec);
        List<Map<String, Object>> ks = rec.progress.stream().filter(e -> "3".equals(e.get("node"))).toList();
        assertFalse(ks.isEmpty(), "KSampler reports progress: " + rec.progress);
        long prev = -1;
        for (Map<String, Object> e : ks) {
            assertEquals(9, num(e.get("max")), e.toString());
            assertTrue(num(e.get("value")) >= prev, "progress does not go back: " + ks);
            prev = num(e.get("value"));
        }
        assertEquals(9, num(ks.get(ks.size() - 1).get("value")), "last progress is 9/9: " + ks);
        assertTrue(ks.stream().anyMatch(e -> num(e.get("value")) == 1), "per-step progress");
        assertEquals("execution_success", rec.types.get(rec.types.size() - 1));
    }

    @Test
    void progressForSamplersThatDropThePenultimateSigma() {
        // dpm_2 / uni_pc run on a schedule of steps+1 with the penultimate sigma dropped: still steps/steps
        Pipeline.Recording rec = new Pipeline.Recording();
        pipe.run(Pipeline.textToImage("a red circle", "", 128, 128, 3, 7, 4.5, "uni_pc", "sgm_uniform", "prog"), null, rec);
        List<Map<String, Object>> ks = rec.progress.stream().filter(e -> "3".equals(e.get("node"))).toList();
        Map<String, Object> last = ks.get(ks.size() - 1);
        assertEquals(7, num(last.get("max")), ks.toString());
        assertEquals(7, num(last.get("value")), ks.toString());
    }

    @Test
    void interruptFromTheProgressListenerStopsKSamplerAndTheNextRunWorks() {
        ObjectNode prompt = Pipeline.textToImage("a blue circle", "", 256, 256, 77, 20, 4.5, "euler", "sgm_uniform", "intr");
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        Pipeline.Recording rec = new Pipeline.Recording() {
            @Override
            public void onEvent(String type, Map<String, Object> data) {
                super.onEvent(type, data);
                if (type.equals("progress") && "3".equals(data.get("node"))) {
                    seen.add(num(data.get("value")));
                    if (num(data.get("value")) == 3) pipe.executor.interrupt();
                }
            }
        };
        ExecutionResult r = pipe.execute(prompt, null, rec);
        assertFalse(r.success());
        assertTrue(r.interrupted(), "interrupted: " + r.error());
        assertEquals("3", r.error().get("node_id"));
        assertEquals("KSampler", r.error().get("node_type"));
        assertTrue(rec.types.contains("execution_interrupted"), rec.types.toString());
        assertFalse(rec.types.contains("execution_error"), rec.types.toString());
        assertFalse(r.executed().contains("3"), "KSampler did not finish");
        assertFalse(r.executed().contains("9"), "nothing saved");
        assertTrue(seen.get(seen.size() - 1) <= 4, "stopped at the next step: " + seen);
        assertFalse(r.outputs().containsKey("9"));

        // the executor is usable again; the loader and encoders come from the cache
        Pipeline.Recording rec2 = new Pipeline.Recording();
        ExecutionResult again = pipe.run(prompt, null, rec2);
        assertTrue(again.success());
        assertTrue(again.cached().containsAll(List.of("4", "6", "7", "5")), "cached: " + again.cached());
        assertTrue(again.executed().containsAll(List.of("3", "8", "9")), again.executed().toString());
        Picture p = Picture.read(pipe.saved(again, "9").get(0));
        assertTrue(p.fraction(p::blue) > 0.06, "a blue shape after the interrupted run: " + p.fraction(p::blue));
    }

    @Test
    void previewsAreDecodableJpegsDuringSampling() throws Exception {
        List<byte[]> previews = Collections.synchronizedList(new ArrayList<>());
        List<String> types = Collections.synchronizedList(new ArrayList<>());
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Pipeline.Recording rec = new Pipeline.Recording() {
            @Override
            public void onEvent(String type, Map<String, Object> data) {
                super.onEvent(type, data);
                if (type.equals("progress")) order.add("progress");
            }

            @Override
            public void onPreview(String promptId, String nodeId, byte[] encoded, String mimeType) {
                assertEquals("3", nodeId);
                assertNotNull(promptId);
                previews.add(encoded);
                types.add(mimeType);
                order.add("preview");
            }

            @Override
            public boolean wantsPreviews() { return true; }
        };
        pipe.run(Pipeline.textToImage("a red circle in the center", "", 256, 192, 5, 8, 4.5, "euler", "sgm_uniform", "prev"), null, rec);
        // every second step and the last: 0, 2, 4, 6, 7
        assertEquals(5, previews.size(), "previews: " + previews.size());
        assertTrue(types.stream().allMatch("image/jpeg"::equals), types.toString());
        assertTrue(order.indexOf("preview") < order.lastIndexOf("progress"), "previews come during sampling: " + order);
        BufferedImage last = null;
        for (byte[] jpeg : previews) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertNotNull(img, "decodable JPEG");
            assertEquals(256 / 8, img.getWidth(), "latent-resolution preview");
            assertEquals(192 / 8, img.getHeight());
            last = img;
        }
        Picture p = Picture.of(last);
        System.out.printf("last preview: red centre %.3f corners %.3f%n", p.fraction(p::red, 0.4, 0.4, 0.6, 0.6), p.corners(p::red));
        assertTrue(p.fraction(p::red, 0.4, 0.4, 0.6, 0.6) > 0.6, "the last preview shows the red circle");
        assertTrue(p.corners(p::background) > 0.8, "on the light background");

        // nobody watching: no previews are made
        previews.clear();
        Pipeline.Recording quiet = new Pipeline.Recording() {
            @Override
            public void onPreview(String promptId, String nodeId, byte[] encoded, String mimeType) {
                previews.add(encoded);
            }
        };
        pipe.run(Pipeline.textToImage("a red circle in the center", "", 256, 192, 6, 8, 4.5, "euler", "sgm_uniform", "prev"), null, quiet);
        assertTrue(previews.isEmpty());
    }
}
