package org.easel.nodes.latent;

import static org.easel.nodes.image.ToolboxHarness.filled;
import static org.easel.nodes.image.ToolboxHarness.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.easel.engine.NodeRegistry;
import org.easel.nodes.image.ToolboxHarness.Graph;
import org.easel.nodes.image.ToolboxHarness;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latent toolbox nodes, run through the real Validator and Executor. */
class LatentNodesTest {
    @TempDir Path tmp;
    ToolboxHarness h;

    @BeforeEach
    void setUp() {
        h = new ToolboxHarness(tmp);
    }

    private static void assertShape(FloatTensor t, int... shape) {
        assertArrayEquals(shape, t.shape(), () -> "shape of " + t);
    }

    private static void assertValues(float[] expected, FloatTensor t) {
        assertArrayEquals(expected, t.toArray(), 1e-5f, () -> "values of " + t);
    }

    private static void assertMentions(String message, String input) {
        assertTrue(message.contains(input), () -> "error should name '" + input + "': " + message);
    }

    private Latent runLatent(String type, Latent samples, Object... kv) {
        Graph g = h.graph();
        Object[] all = new Object[kv.length + 2];
        all[0] = "samples";
        all[1] = g.latent(samples);
        System.arraycopy(kv, 0, all, 2, kv.length);
        g.capture(g.node(type, all));
        return g.runOne(Latent.class);
    }

    @Test
    void everyNodeIsRegisteredWithComfyInputOrder() {
        NodeRegistry reg = NodeRegistry.load();
        Map<String, List<String>> required = Map.of(
                "LatentUpscale", List.of("samples", "upscale_method", "width", "height", "crop"),
                "LatentUpscaleBy", List.of("samples", "upscale_method", "scale_by"),
                "LatentFromBatch", List.of("samples", "batch_index", "length"),
                "RepeatLatentBatch", List.of("samples", "amount"),
                "LatentComposite", List.of("samples_to", "samples_from", "x", "y", "feather"),
                "LatentBlend", List.of("samples1", "samples2", "blend_factor"));
        for (Map.Entry<String, List<String>> e : required.entrySet()) {
            assertNotNull(reg.get(e.getKey()), e.getKey() + " missing from NodeRegistry.load()");
            assertEquals(e.getValue(), h.inputOrder(e.getKey()).get("required"), e.getKey());
            assertEquals(List.of("LATENT"), reg.get(e.getKey()).schema().toObjectInfo(h.env).get("output"));
        }
        assertEquals(List.of("nearest-exact", "bilinear", "area", "bicubic", "bislerp"),
                reg.get("LatentUpscale").schema().input("upscale_method").choices(h.env));
        assertEquals(1.5, reg.get("LatentUpscaleBy").schema().input("scale_by").defaultValue());
        assertEquals("latent/batch", reg.get("LatentFromBatch").schema().category());
        assertEquals("Upscale Latent", reg.get("LatentUpscale").schema().displayName());
    }

    // ---- LatentUpscale / LatentUpscaleBy -----------------------------------------------------------

    @Test
    void latentUpscaleMinimumAndAspect() {
        FloatTensor mask = filled(1f, 2, 1, 1);
        Latent in = new Latent(t(new float[] {1, 2}, 2, 1, 1, 1), mask, 3);
        // 16 px asked, but the minimum is 64 px = 8 latent pixels
        Latent out = runLatent("LatentUpscale", in, "upscale_method", "nearest-exact", "width", 16, "height", 64, "crop", "disabled");
        assertShape(out.samples(), 2, 1, 8, 8);
        float[] v = out.samples().toArray();
        for (int i = 0; i < 64; i++) assertEquals(1f, v[i]);
        for (int i = 64; i < 128; i++) assertEquals(2f, v[i]);
        assertSame(mask, out.noiseMask(), "noise mask kept as is");
        assertEquals(3, out.batchIndex());
        // width 0: round(2 * 128 / 1) = 256 px wide for a 1x2 latent at 128 px high
        Latent wide = new Latent(filled(0.5f, 1, 4, 1, 2));
        Latent o2 = runLatent("LatentUpscale", wide, "upscale_method", "bilinear", "width", 0, "height", 128, "crop", "disabled");
        assertShape(o2.samples(), 1, 4, 16, 32);
        // both 0: unchanged
        Latent o3 = runLatent("LatentUpscale", wide, "upscale_method", "bilinear", "width", 0, "height", 0, "crop", "disabled");
        assertShape(o3.samples(), 1, 4, 1, 2);
        // width 0 at height 16384 of a 1x2 latent would be 32768 px wide
        Graph g = h.graph();
        g.capture(g.node("LatentUpscale", "samples", g.latent(wide), "upscale_method", "bilinear", "width", 0, "height", 16384, "crop", "disabled"));
        assertMentions(g.runFailing("LatentUpscale"), "height");
        Graph g2 = h.graph();
        g2.capture(g2.node("LatentUpscale", "samples", g2.latent(wide), "upscale_method", "bilinear", "width", 16392, "height", 64, "crop", "disabled"));
        assertEquals("value_bigger_than_max", g2.invalid("LatentUpscale", "width"));
    }

    @Test
    void bislerpByHand() {
        // two 2-channel latent pixels a = (1, 0) and b = (0, 1), side by side (1 high x 2 wide); scale by 2 -> 2 x 4.
        // Along the width the ratios are 0, .25, .75, 1 (well: 0, 0.25, 0.75 and the clamped last pixel);
        // slerp of orthogonal unit vectors gives (cos(r*pi/2), sin(r*pi/2)); lengths stay 1.
        Latent in = new Latent(t(new float[] {1, 0, 0, 1}, 1, 2, 1, 2));
        Latent out = runLatent("LatentUpscaleBy", in, "upscale_method", "bislerp", "scale_by", 2.0);
        assertShape(out.samples(), 1, 2, 2, 4);
        float c = (float) Math.cos(Math.PI / 8), s = (float) Math.sin(Math.PI / 8);
        assertValues(new float[] {1, c, s, 0, 1, c, s, 0, 0, s, c, 1, 0, s, c, 1}, out.samples());
        // bilinear would instead give the straight line 1, .75, .25, 0
        Latent lin = runLatent("LatentUpscaleBy", in, "upscale_method", "bilinear", "scale_by", 2.0);
        assertValues(new float[] {1, .75f, .25f, 0, 1, .75f, .25f, 0, 0, .25f, .75f, 1, 0, .25f, .75f, 1}, lin.samples());
    }

    @Test
    void bislerpInterpolatesLengthAndHandlesOppositeVectors() {
        float[] out = new float[2];
        // a = (2, 0), b = (0, 1), r = .25: direction as above, length 2*.75 + 1*.25 = 1.75
        LatentScaling.slerp(new float[] {2, 0}, new float[] {0, 1}, 0.25f, out);
        assertArrayEquals(new float[] {1.75f * (float) Math.cos(Math.PI / 8), 1.75f * (float) Math.sin(Math.PI / 8)}, out, 1e-5f);
        // opposite directions fall back to a lerp
        LatentScaling.slerp(new float[] {1, 0}, new float[] {-3, 0}, 0.5f, out);
        assertArrayEquals(new float[] {-1, 0}, out, 1e-6f);
        // (nearly) equal directions keep the first vector
        LatentScaling.slerp(new float[] {1, 1}, new float[] {2, 2}, 0.5f, out);
        assertArrayEquals(new float[] {1, 1}, out, 1e-6f);
    }

    @Test
    void bislerpOnABatchWithCenterCrop() {
        // 2 items, 1 channel, 1 high x 3 wide to 8x8 latent pixels: the center crop to aspect 1 keeps the middle column
        // (x = round((3 - 3 * 1/3) / 2) = 1), so every output pixel is that column's value
        Latent in = new Latent(t(new float[] {1, 2, 3, 4, 5, 6}, 2, 1, 1, 3));
        Latent out = runLatent("LatentUpscale", in, "upscale_method", "bislerp", "width", 64, "height", 64, "crop", "center");
        assertShape(out.samples(), 2, 1, 8, 8);
        float[] v = out.samples().toArray();
        for (int i = 0; i < 64; i++) assertEquals(2f, v[i], 0f);
        for (int i = 64; i < 128; i++) assertEquals(5f, v[i], 0f);
        // a 1x4 latent cropped to aspect 1 would be empty (x = round(1.5) = 2): a clear error about crop
        Graph g = h.graph();
        g.capture(g.node("LatentUpscale", "samples", g.latent(new Latent(filled(0f, 1, 1, 1, 4))), "upscale_method", "bislerp",
                "width", 64, "height", 64, "crop", "center"));
        assertMentions(g.runFailing("LatentUpscale"), "crop");
    }

    @Test
    void latentUpscaleByLimits() {
        Latent in = new Latent(t(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
        Latent out = runLatent("LatentUpscaleBy", in, "upscale_method", "nearest-exact", "scale_by", 1.5);
        assertShape(out.samples(), 1, 1, 3, 3);
        assertValues(new float[] {1, 2, 2, 3, 4, 4, 3, 4, 4}, out.samples());
        Graph g = h.graph();
        g.capture(g.node("LatentUpscaleBy", "samples", g.latent(new Latent(filled(0f, 1, 1, 1, 300))), "upscale_method", "nearest-exact",
                "scale_by", 8.0));
        assertMentions(g.runFailing("LatentUpscaleBy"), "scale_by");
        Graph g2 = h.graph();
        g2.capture(g2.node("LatentUpscaleBy", "samples", g2.latent(in), "upscale_method", "nearest-exact", "scale_by", 0.01));
        assertMentions(g2.runFailing("LatentUpscaleBy"), "scale_by");
    }

    // ---- batches ---------------------------------------------------------------------------------

    @Test
    void latentFromBatchSlicesSamplesMaskAndIndex() {
        Latent in = new Latent(t(new float[] {0, 1, 2, 3}, 4, 1, 1, 1), t(new float[] {10, 20}, 2, 1, 1), 5);
        Latent out = runLatent("LatentFromBatch", in, "batch_index", 1, "length", 2);
        assertValues(new float[] {1, 2}, out.samples());
        // the mask batch of 2 is first repeated to 4: 10, 20, 10, 20
        assertValues(new float[] {20, 10}, out.noiseMask());
        assertEquals(6, out.batchIndex());
        // start clamped to the last item, length to what remains
        Latent last = runLatent("LatentFromBatch", in, "batch_index", 10, "length", 4);
        assertValues(new float[] {3}, last.samples());
        assertValues(new float[] {20}, last.noiseMask());
        assertEquals(8, last.batchIndex());
        // a single mask is kept; no mask stays null
        Latent single = runLatent("LatentFromBatch", in.withNoiseMask(t(new float[] {7}, 1, 1, 1)), "batch_index", 2, "length", 1);
        assertValues(new float[] {7}, single.noiseMask());
        assertNull(runLatent("LatentFromBatch", new Latent(in.samples()), "batch_index", 0, "length", 1).noiseMask());
        Graph g = h.graph();
        g.capture(g.node("LatentFromBatch", "samples", g.latent(in), "batch_index", 64, "length", 0));
        assertEquals("value_bigger_than_max", g.invalid("LatentFromBatch", "batch_index"));
        assertEquals("value_smaller_than_min", g.invalid("LatentFromBatch", "length"));
    }

    @Test
    void repeatLatentBatchRepeatsMask() {
        Latent in = new Latent(t(new float[] {1, 2}, 2, 1, 1, 1), t(new float[] {.5f, .25f}, 2, 1, 1), 4);
        Latent out = runLatent("RepeatLatentBatch", in, "amount", 3);
        assertShape(out.samples(), 6, 1, 1, 1);
        assertValues(new float[] {1, 2, 1, 2, 1, 2}, out.samples());
        assertValues(new float[] {.5f, .25f, .5f, .25f, .5f, .25f}, out.noiseMask());
        assertEquals(4, out.batchIndex());
        // a mask of batch one applies to every item and is kept
        Latent one = runLatent("RepeatLatentBatch", in.withNoiseMask(t(new float[] {.9f}, 1, 1, 1)), "amount", 2);
        assertShape(one.noiseMask(), 1, 1, 1);
        Graph g = h.graph();
        g.capture(g.node("RepeatLatentBatch", "samples", g.latent(in), "amount", 65));
        assertEquals("value_bigger_than_max", g.invalid("RepeatLatentBatch", "amount"));
    }

    // ---- LatentComposite / LatentBlend ---------------------------------------------------------------

    private Latent composite(Latent to, Latent from, int x, int y, int feather) {
        Graph g = h.graph();
        g.capture(g.node("LatentComposite", "samples_to", g.latent(to), "samples_from", g.latent(from), "x", x, "y", y, "feather", feather));
        return g.runOne(Latent.class);
    }

    @Test
    void latentCompositePastesAndClips() {
        FloatTensor mask = filled(1f, 1, 4, 4);
        Latent to = new Latent(filled(0f, 2, 1, 4, 4), mask, 2);
        Latent out = composite(to, new Latent(filled(1f, 1, 1, 2, 2)), 16, 8, 0);     // (2, 1) in latent pixels
        float[] item = {0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0};
        assertValues(concat(item, item), out.samples());
        assertSame(mask, out.noiseMask());
        assertEquals(2, out.batchIndex());
        // x = 24 -> 3: only one column fits; y = 7 -> 0 (floor division)
        Latent clipped = composite(to, new Latent(filled(1f, 1, 1, 2, 2)), 24, 7, 0);
        float[] item2 = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        assertValues(concat(item2, item2), clipped.samples());
        // entirely outside: unchanged
        assertValues(new float[32], composite(to, new Latent(filled(1f, 1, 1, 2, 2)), 64, 0, 0).samples());
    }

    @Test
    void latentCompositeFeather() {
        // to 6x6 of .2, from 4x4 of 1 at (1, 1), feather 16 -> 2: edge rows/cols inside `to` fade by .5, then 1
        Latent out = composite(new Latent(filled(.2f, 1, 1, 6, 6)), new Latent(filled(1f, 1, 1, 4, 4)), 8, 8, 16);
        float[] f = {.5f, 1, 1, .5f};
        float[] expected = new float[36];
        Arrays.fill(expected, .2f);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                float m = f[i] * f[j];
                expected[(1 + i) * 6 + 1 + j] = m + .2f * (1 - m);
            }
        }
        assertValues(expected, out.samples());
        // at the origin the top/left edges are not feathered (y = x = 0)
        Latent corner = composite(new Latent(filled(0f, 1, 1, 3, 3)), new Latent(filled(1f, 1, 1, 2, 2)), 0, 0, 8);
        // feather 1: t = 0 multiplies the inner edges by 1/1 = 1 -> plain paste
        assertValues(new float[] {1, 1, 0, 1, 1, 0, 0, 0, 0}, corner.samples());
    }

    @Test
    void latentCompositeBatchAndChannelErrors() {
        Graph g = h.graph();
        g.capture(g.node("LatentComposite", "samples_to", g.latent(new Latent(filled(0f, 2, 4, 4, 4))),
                "samples_from", g.latent(new Latent(filled(0f, 3, 4, 2, 2))), "x", 0, "y", 0, "feather", 0));
        assertMentions(g.runFailing("LatentComposite"), "samples_from");
        Graph g2 = h.graph();
        g2.capture(g2.node("LatentComposite", "samples_to", g2.latent(new Latent(filled(0f, 1, 4, 4, 4))),
                "samples_from", g2.latent(new Latent(filled(0f, 1, 16, 2, 2))), "x", 0, "y", 0, "feather", 0));
        assertMentions(g2.runFailing("LatentComposite"), "samples_from");
    }

    @Test
    void latentBlendWeighsSamples1() {
        Latent s1 = new Latent(t(new float[] {1, 2, 3, 4}, 2, 1, 1, 2), filled(1f, 2, 1, 2), 1);
        Latent s2 = new Latent(t(new float[] {5, 9}, 1, 1, 1, 2));
        Graph g = h.graph();
        g.capture(g.node("LatentBlend", "samples1", g.latent(s1), "samples2", g.latent(s2), "blend_factor", 0.25));
        Latent out = g.runOne(Latent.class);
        // samples1 * .25 + samples2 * .75, samples2 broadcast over the batch
        assertValues(new float[] {4, 7.25f, 4.5f, 7.75f}, out.samples());
        assertSame(s1.noiseMask(), out.noiseMask());
        assertEquals(1, out.batchIndex());
        // a samples2 of another size is resized (bicubic, center crop): a constant stays constant
        Graph g2 = h.graph();
        g2.capture(g2.node("LatentBlend", "samples1", g2.latent(s1), "samples2", g2.latent(new Latent(filled(3f, 2, 1, 4, 4))), "blend_factor", 0.5));
        assertValues(new float[] {2, 2.5f, 3, 3.5f}, g2.runOne(Latent.class).samples());
        Graph bad = h.graph();
        bad.capture(bad.node("LatentBlend", "samples1", bad.latent(s1), "samples2", bad.latent(new Latent(filled(0f, 3, 1, 1, 2))), "blend_factor", 0.5));
        assertMentions(bad.runFailing("LatentBlend"), "samples2");
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
