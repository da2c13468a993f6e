package org.easel.nodes.image;

import static org.easel.nodes.image.ToolboxHarness.filled;
import static org.easel.nodes.image.ToolboxHarness.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.easel.engine.NodeRegistry;
import org.easel.nodes.image.ToolboxHarness.Graph;
import org.easel.nodes.image.ToolboxHarness.Ref;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image and mask toolbox nodes, run through the real Validator and Executor. */
class ImageNodesTest {
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
        assertArrayEquals(expected, t.toArray(), 1e-6f, () -> "values of " + t);
    }

    private static void assertAll(float v, FloatTensor t) {
        for (float x : t.toArray()) assertEquals(v, x, 1e-6f, () -> "values of " + t);
    }

    private static void assertMentions(String message, String input) {
        assertTrue(message.contains(input), () -> "error should name '" + input + "': " + message);
    }

    /** One node on one image, captured. */
    private FloatTensor runImage(String type, FloatTensor image, Object... kv) {
        Graph g = h.graph();
        Ref src = g.image(image);
        Object[] all = new Object[kv.length + 2];
        all[0] = "image";
        all[1] = src;
        System.arraycopy(kv, 0, all, 2, kv.length);
        g.capture(g.node(type, all));
        return g.runOne(FloatTensor.class);
    }

    // ---- registration ------------------------------------------------------------------------

    @Test
    void everyNodeIsRegisteredWithComfyInputOrder() {
        NodeRegistry reg = NodeRegistry.load();
        Map<String, List<String>> required = Map.ofEntries(
                Map.entry("ImageScale", List.of("image", "upscale_method", "width", "height", "crop")),
                Map.entry("ImageScaleBy", List.of("image", "upscale_method", "scale_by")),
                Map.entry("ImageScaleToTotalPixels", List.of("image", "upscale_method", "megapixels")),
                Map.entry("ImageBatch", List.of("image1", "image2")),
                Map.entry("ImageInvert", List.of("image")),
                Map.entry("ImageBlend", List.of("image1", "image2", "blend_factor", "blend_mode")),
                Map.entry("ImageCrop", List.of("image", "width", "height", "x", "y")),
                Map.entry("ImagePadForOutpaint", List.of("image", "left", "top", "right", "bottom", "feathering")),
                Map.entry("ImageCompositeMasked", List.of("destination", "source", "x", "y", "resize_source")),
                Map.entry("SolidMask", List.of("value", "width", "height")),
                Map.entry("InvertMask", List.of("mask")),
                Map.entry("MaskToImage", List.of("mask")),
                Map.entry("ImageToMask", List.of("image", "channel")),
                Map.entry("EmptyImage", List.of("width", "height", "batch_size", "color")));
        for (Map.Entry<String, List<String>> e : required.entrySet()) {
            assertNotNull(reg.get(e.getKey()), e.getKey() + " missing from NodeRegistry.load()");
            assertEquals(e.getValue(), h.inputOrder(e.getKey()).get("required"), e.getKey());
        }
        assertEquals(List.of("mask"), h.inputOrder("ImageCompositeMasked").get("optional"));
        assertEquals(List.of("resolution_steps"), h.inputOrder("ImageScaleToTotalPixels").get("optional"));
        var pad = reg.get("ImagePadForOutpaint").schema().toObjectInfo(h.env);
        assertEquals(List.of("IMAGE", "MASK"), pad.get("output"));
        assertEquals("image/upscaling", reg.get("ImageScale").schema().category());
        assertEquals("Upscale Image", reg.get("ImageScale").schema().displayName());
        assertEquals("image/transform", reg.get("ImageCrop").schema().category());
        assertEquals("mask", reg.get("SolidMask").schema().category());
        assertEquals(40L, reg.get("ImagePadForOutpaint").schema().input("feathering").defaultValue());
        assertEquals(List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos"),
                reg.get("ImageScale").schema().input("upscale_method").choices(h.env));
        assertEquals(List.of("normal", "multiply", "screen", "overlay", "soft_light", "difference"),
                reg.get("ImageBlend").schema().input("blend_mode").choices(h.env));
        assertEquals(List.of("red", "green", "blue", "alpha"), reg.get("ImageToMask").schema().input("channel").choices(h.env));
    }

    // ---- ImageScale / ImageScaleBy / ImageScaleToTotalPixels ----------------------------------

    @Test
    void imageScaleBilinearByHandOnABatch() {
        // two 1x2 grey images [0, 1] and [1, 0]; bilinear to 4 wide: src = max(0, 0.5*(i+0.5)-0.5)
        FloatTensor img = t(new float[] {0, 1, 1, 0}, 2, 1, 2, 1);
        FloatTensor out = runImage("ImageScale", img, "upscale_method", "bilinear", "width", 4, "height", 1, "crop", "disabled");
        assertShape(out, 2, 1, 4, 1);
        assertValues(new float[] {0, 0.25f, 0.75f, 1, 1, 0.75f, 0.25f, 0}, out);
    }

    @Test
    void imageScaleNearestAndZeroSides() {
        FloatTensor img = t(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 1, 2, 2, 1);
        FloatTensor out = runImage("ImageScale", img, "upscale_method", "nearest-exact", "width", 4, "height", 4, "crop", "disabled");
        assertShape(out, 1, 4, 4, 1);
        assertValues(new float[] {.1f, .1f, .2f, .2f, .1f, .1f, .2f, .2f, .3f, .3f, .4f, .4f, .3f, .3f, .4f, .4f}, out);
        // both 0: passes through
        assertValues(img.toArray(), runImage("ImageScale", img, "upscale_method", "bilinear", "width", 0, "height", 0, "crop", "disabled"));
        // width 0 keeps the aspect ratio: a 2 high x 4 wide image at height 1 becomes 2 wide
        FloatTensor wide = filled(0.5f, 3, 2, 4, 3);
        FloatTensor o2 = runImage("ImageScale", wide, "upscale_method", "area", "width", 0, "height", 1, "crop", "disabled");
        assertShape(o2, 3, 1, 2, 3);
        assertAll(0.5f, o2);
    }

    @Test
    void imageScaleCenterCrop() {
        // 1 high x 4 wide [0, .1, .2, .3] to 1x2 with center crop keeps the middle two columns
        FloatTensor img = t(new float[] {0f, .1f, .2f, .3f}, 1, 1, 4, 1);
        FloatTensor out = runImage("ImageScale", img, "upscale_method", "nearest-exact", "width", 2, "height", 1, "crop", "center");
        assertValues(new float[] {.1f, .2f}, out);
    }

    @Test
    void imageScaleErrors() {
        // the computed width of a 1x2 image at height 16384 would be 32768
        Graph g = h.graph();
        g.capture(g.node("ImageScale", "image", g.image(filled(0f, 1, 1, 2, 3)), "upscale_method", "nearest-exact",
                "width", 0, "height", 16384, "crop", "disabled"));
        String msg = g.runFailing("ImageScale");
        assertMentions(msg, "height");
        assertMentions(msg, "16384");
        // over the limit and negative sizes are rejected by validation, naming the input
        Graph g2 = h.graph();
        g2.capture(g2.node("ImageScale", "image", g2.image(filled(0f, 1, 2, 2, 3)), "upscale_method", "bilinear",
                "width", 16385, "height", -1, "crop", "disabled"));
        assertEquals("value_bigger_than_max", g2.invalid("ImageScale", "width"));
        assertEquals("value_smaller_than_min", g2.invalid("ImageScale", "height"));
        // an unknown method is a validation error too
        Graph g3 = h.graph();
        g3.capture(g3.node("ImageScale", "image", g3.image(filled(0f, 1, 2, 2, 3)), "upscale_method", "bislerp",
                "width", 8, "height", 8, "crop", "disabled"));
        assertEquals("value_not_in_list", g3.invalid("ImageScale", "upscale_method"));
    }

    @Test
    void imageScaleByRoundsAndChecksLimits() {
        FloatTensor img = t(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f}, 2, 2, 2, 1);
        FloatTensor out = runImage("ImageScaleBy", img, "upscale_method", "nearest-exact", "scale_by", 1.5);
        assertShape(out, 2, 3, 3, 1);      // round(2 * 1.5) = 3
        // nearest-exact 2 -> 3: src = floor((i + 0.5) * 2/3) = 0, 1, 1
        assertValues(new float[] {.1f, .2f, .2f, .3f, .4f, .4f, .3f, .4f, .4f, .5f, .6f, .6f, .7f, .8f, .8f, .7f, .8f, .8f}, out);
        // area down by half averages 2x2 blocks
        FloatTensor four = t(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 1, 4, 4, 1);
        assertValues(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, runImage("ImageScaleBy", four, "upscale_method", "area", "scale_by", 0.5));
        // 2049 * 8 = 16392 > 16384
        Graph g = h.graph();
        g.capture(g.node("ImageScaleBy", "image", g.image(filled(0f, 1, 1, 2049, 1)), "upscale_method", "nearest-exact", "scale_by", 8.0));
        assertMentions(g.runFailing("ImageScaleBy"), "scale_by");
        // 0.01 * 2 rounds to 0: an empty image is an error, not a crash
        Graph g2 = h.graph();
        g2.capture(g2.node("ImageScaleBy", "image", g2.image(filled(0f, 1, 2, 2, 1)), "upscale_method", "nearest-exact", "scale_by", 0.01));
        assertMentions(g2.runFailing("ImageScaleBy"), "scale_by");
    }

    @Test
    void imageScaleToTotalPixels() {
        // 4 wide x 2 high, 0.01 MP = 10485.76 px: s = sqrt(10485.76 / 8) = 36.20; 4s = 144.8 -> 145, 2s = 72.4 -> 72
        FloatTensor img = filled(0.25f, 2, 2, 4, 3);
        FloatTensor out = runImage("ImageScaleToTotalPixels", img, "upscale_method", "bilinear", "megapixels", 0.01);
        assertShape(out, 2, 72, 145, 3);
        assertAll(0.25f, out);
        // resolution_steps 8: round(144.8 / 8) * 8 = 144, round(72.4 / 8) * 8 = 72
        FloatTensor o8 = runImage("ImageScaleToTotalPixels", img, "upscale_method", "bilinear", "megapixels", 0.01, "resolution_steps", 8);
        assertShape(o8, 2, 72, 144, 3);
        // 16 MP of a 1x64 strip would be 32768 wide
        Graph g = h.graph();
        g.capture(g.node("ImageScaleToTotalPixels", "image", g.image(filled(0f, 1, 1, 64, 3)), "upscale_method", "bilinear", "megapixels", 16.0));
        assertMentions(g.runFailing("ImageScaleToTotalPixels"), "megapixels");
    }

    // ---- ImageBatch ------------------------------------------------------------------------------

    @Test
    void imageBatchResizesSecondWithCenterCrop() {
        FloatTensor a = filled(0.2f, 1, 1, 2, 1);
        // image2: 2 items of 1 high x 4 wide; center crop to aspect 2:1 keeps columns 1..2 (same size, no resampling)
        FloatTensor b = t(new float[] {0f, .1f, .2f, .3f, .4f, .5f, .6f, .7f}, 2, 1, 4, 1);
        Graph g = h.graph();
        g.capture(g.node("ImageBatch", "image1", g.image(a), "image2", g.image(b)));
        FloatTensor out = g.runOne(FloatTensor.class);
        assertShape(out, 3, 1, 2, 1);
        assertValues(new float[] {.2f, .2f, .1f, .2f, .5f, .6f}, out);
    }

    @Test
    void imageBatchBilinearResizeAndChannelPadding() {
        FloatTensor a = t(new float[] {.1f, .2f, .3f, .4f, .5f, .6f, .7f, .8f, .9f, 1f, .1f, .2f}, 1, 2, 2, 3);
        FloatTensor b = filled(0.7f, 2, 4, 4, 4);       // RGBA, larger
        Graph g = h.graph();
        g.capture(g.node("ImageBatch", "image1", g.image(a), "image2", g.image(b)));
        FloatTensor out = g.runOne(FloatTensor.class);
        assertShape(out, 3, 2, 2, 4);
        float[] v = out.toArray();
        // image1 got an alpha channel copied from its blue channel
        assertArrayEquals(new float[] {.1f, .2f, .3f, .3f, .4f, .5f, .6f, .6f, .7f, .8f, .9f, .9f, 1f, .1f, .2f, .2f},
                Arrays.copyOf(v, 16), 1e-6f);
        for (int i = 16; i < v.length; i++) assertEquals(0.7f, v[i], 1e-6f);

        Graph bad = h.graph();
        bad.capture(bad.node("ImageBatch", "image1", bad.image(filled(0f, 1, 2, 2, 3)), "image2", bad.image(filled(0f, 1, 2, 2, 1))));
        assertMentions(bad.runFailing("ImageBatch"), "image2");
    }

    // ---- ImageInvert / ImageBlend / ImageCrop ------------------------------------------------------

    @Test
    void imageInvertBatch() {
        FloatTensor out = runImage("ImageInvert", t(new float[] {0f, .25f, 1f, .5f, .75f, .9f}, 2, 1, 1, 3));
        assertShape(out, 2, 1, 1, 3);
        assertValues(new float[] {1f, .75f, 0f, .5f, .25f, .1f}, out);
    }

    @Test
    void imageBlendBroadcastsAndChecksBatches() {
        FloatTensor a = t(new float[] {.2f, .4f, .6f, .8f, 1f, 0f}, 2, 1, 1, 3);
        FloatTensor b = t(new float[] {.6f, .5f, .5f}, 1, 1, 1, 3);
        Graph g = h.graph();
        Ref ia = g.image(a), ib = g.image(b);
        String normal = g.capture(g.node("ImageBlend", "image1", ia, "image2", ib, "blend_factor", 0.25, "blend_mode", "normal"));
        String multiply = g.capture(g.node("ImageBlend", "image1", ia, "image2", ib, "blend_factor", 1.0, "blend_mode", "multiply"));
        Map<String, Object> out = g.run();
        // image1*(1-f) + image2*f
        assertValues(new float[] {.3f, .425f, .575f, .75f, .875f, .125f}, (FloatTensor) out.get(normal));
        assertValues(new float[] {.12f, .2f, .3f, .48f, .5f, 0f}, (FloatTensor) out.get(multiply));

        Graph bad = h.graph();
        bad.capture(bad.node("ImageBlend", "image1", bad.image(filled(0f, 2, 1, 1, 3)), "image2", bad.image(filled(0f, 3, 1, 1, 3)),
                "blend_factor", 0.5, "blend_mode", "normal"));
        assertMentions(bad.runFailing("ImageBlend"), "image2");
    }

    @Test
    void imageCropClipsLikeComfy() {
        float[] v = new float[24];
        for (int i = 0; i < 24; i++) v[i] = i / 24f;
        FloatTensor img = FloatTensor.of(v, 2, 3, 4, 1);    // 2 items of 3 high x 4 wide
        FloatTensor out = runImage("ImageCrop", img, "width", 2, "height", 2, "x", 1, "y", 1);
        assertShape(out, 2, 2, 2, 1);
        assertValues(new float[] {5 / 24f, 6 / 24f, 9 / 24f, 10 / 24f, 17 / 24f, 18 / 24f, 21 / 24f, 22 / 24f}, out);
        // x past the edge is clamped to the last column; the region is clipped
        FloatTensor edge = runImage("ImageCrop", img, "width", 512, "height", 512, "x", 100, "y", 0);
        assertShape(edge, 2, 3, 1, 1);
        assertValues(new float[] {3 / 24f, 7 / 24f, 11 / 24f, 15 / 24f, 19 / 24f, 23 / 24f}, edge);
        Graph g = h.graph();
        g.capture(g.node("ImageCrop", "image", g.image(img), "width", 0, "height", 1, "x", 0, "y", 0));
        assertEquals("value_smaller_than_min", g.invalid("ImageCrop", "width"));
    }

    // ---- ImagePadForOutpaint ---------------------------------------------------------------------

    @Test
    void padForOutpaintWithoutFeathering() {
        Graph g = h.graph();
        Ref pad = g.node("ImagePadForOutpaint", "image", g.image(filled(1f, 2, 2, 2, 3)), "left", 1, "top", 0, "right", 0, "bottom", 0,
                "feathering", 0);
        String img = g.capture(pad);
        String mask = g.capture(new Ref(pad.id(), 1));
        Map<String, Object> out = g.run();
        FloatTensor i = (FloatTensor) out.get(img), m = (FloatTensor) out.get(mask);
        assertShape(i, 2, 2, 3, 3);
        float[] v = i.toArray();
        for (int p = 0; p < 12; p++) {
            float expected = p % 3 == 0 ? 0.5f : 1f;     // column 0 is padding
            for (int c = 0; c < 3; c++) assertEquals(expected, v[p * 3 + c], 0f);
        }
        assertShape(m, 1, 2, 3);
        assertValues(new float[] {1, 0, 0, 1, 0, 0}, m);
    }

    @Test
    void padForOutpaintFeathering() {
        Graph g = h.graph();
        Ref pad = g.node("ImagePadForOutpaint", "image", g.image(filled(0.3f, 1, 6, 6, 3)), "left", 2, "top", 0, "right", 0, "bottom", 0,
                "feathering", 2);
        g.capture(new Ref(pad.id(), 1));
        FloatTensor m = g.runOne(FloatTensor.class);
        assertShape(m, 1, 6, 8);
        // distance to the padded left edge d = j: ((2 - d) / 2)^2 -> 1, 0.25, then 0
        float[] row = {1, 1, 1, 0.25f, 0, 0, 0, 0};
        float[] v = m.toArray();
        for (int y = 0; y < 6; y++) assertArrayEquals(row, Arrays.copyOfRange(v, y * 8, y * 8 + 8), 1e-6f);
    }

    @Test
    void padForOutpaintLimits() {
        Graph g = h.graph();
        g.capture(g.node("ImagePadForOutpaint", "image", g.image(filled(0f, 1, 2, 4, 3)), "left", 0, "top", 0, "right", 16384, "bottom", 0,
                "feathering", 0));
        assertMentions(g.runFailing("ImagePadForOutpaint"), "right");
        Graph g2 = h.graph();
        g2.capture(g2.node("ImagePadForOutpaint", "image", g2.image(filled(0f, 1, 2, 4, 3)), "left", 0, "top", 16385, "right", 0, "bottom", 0,
                "feathering", 0));
        assertEquals("value_bigger_than_max", g2.invalid("ImagePadForOutpaint", "top"));
    }

    // ---- ImageCompositeMasked -----------------------------------------------------------------------

    @Test
    void compositeMaskedClipsAtTheEdge() {
        Graph g = h.graph();
        g.capture(g.node("ImageCompositeMasked", "destination", g.image(filled(0f, 2, 3, 3, 1)), "source", g.image(filled(1f, 1, 2, 2, 1)),
                "x", 2, "y", 1, "resize_source", false));
        FloatTensor out = g.runOne(FloatTensor.class);
        assertShape(out, 2, 3, 3, 1);
        float[] item = {0, 0, 0, 0, 0, 1, 0, 0, 1};
        assertValues(concat(item, item), out);
    }

    @Test
    void compositeMaskedWithMaskAndRepeatedSourceBatch() {
        FloatTensor dst = filled(0.2f, 4, 2, 2, 1);
        FloatTensor src = t(new float[] {1, 1, 1, 1, .6f, .6f, .6f, .6f}, 2, 2, 2, 1);
        FloatTensor mask = t(new float[] {1, 0, .5f, 0}, 2, 2);     // a rank-2 mask is one mask
        Graph g = h.graph();
        g.capture(g.node("ImageCompositeMasked", "destination", g.image(dst), "source", g.image(src), "x", 0, "y", 0,
                "resize_source", false, "mask", g.mask(mask)));
        FloatTensor out = g.runOne(FloatTensor.class);
        assertShape(out, 4, 2, 2, 1);
        // source items repeat 0,1,0,1 (repeat_to_batch_size); out = m*src + (1-m)*dst
        float[] a = {1, .2f, .6f, .2f}, b = {.6f, .2f, .4f, .2f};
        assertValues(concat(a, b, a, b), out);
    }

    @Test
    void compositeMaskedResizeSourceAndErrors() {
        Graph g = h.graph();
        g.capture(g.node("ImageCompositeMasked", "destination", g.image(filled(0f, 1, 3, 3, 3)), "source", g.image(filled(.8f, 1, 1, 1, 3)),
                "x", 0, "y", 0, "resize_source", true));
        FloatTensor out = g.runOne(FloatTensor.class);
        assertShape(out, 1, 3, 3, 3);
        assertAll(.8f, out);

        Graph bad = h.graph();
        bad.capture(bad.node("ImageCompositeMasked", "destination", bad.image(filled(0f, 1, 3, 3, 3)), "source", bad.image(filled(.8f, 1, 1, 1, 4)),
                "x", 0, "y", 0, "resize_source", false));
        assertMentions(bad.runFailing("ImageCompositeMasked"), "source");
        Graph bad2 = h.graph();
        bad2.capture(bad2.node("ImageCompositeMasked", "destination", bad2.image(filled(0f, 1, 3, 3, 3)), "source", bad2.image(filled(.8f, 1, 1, 1, 3)),
                "x", 0, "y", 0, "resize_source", false, "mask", bad2.mask(filled(1f, 1, 1, 2, 2, 2))));
        assertMentions(bad2.runFailing("ImageCompositeMasked"), "mask");
    }

    // ---- masks -----------------------------------------------------------------------------------

    @Test
    void solidMaskInvertMaskMaskToImage() {
        Graph g = h.graph();
        Ref solid = g.node("SolidMask", "value", 0.3, "width", 3, "height", 2);
        String s = g.capture(solid);
        String inv = g.capture(g.node("InvertMask", "mask", solid));
        String img = g.capture(g.node("MaskToImage", "mask", g.mask(t(new float[] {.1f, .9f, .4f, .6f}, 2, 1, 2))));
        String inv2 = g.capture(g.node("InvertMask", "mask", g.mask(t(new float[] {.1f, .9f}, 1, 2))));
        Map<String, Object> out = g.run();
        FloatTensor sm = (FloatTensor) out.get(s);
        assertShape(sm, 1, 2, 3);
        assertAll(.3f, sm);
        assertShape((FloatTensor) out.get(inv), 1, 2, 3);
        assertAll(.7f, (FloatTensor) out.get(inv));
        FloatTensor im = (FloatTensor) out.get(img);
        assertShape(im, 2, 1, 2, 3);
        assertValues(new float[] {.1f, .1f, .1f, .9f, .9f, .9f, .4f, .4f, .4f, .6f, .6f, .6f}, im);
        FloatTensor i2 = (FloatTensor) out.get(inv2);
        assertShape(i2, 1, 1, 2);
        assertValues(new float[] {.9f, .1f}, i2);

        Graph bad = h.graph();
        bad.capture(bad.node("SolidMask", "value", 1.0, "width", 0, "height", 16385));
        assertEquals("value_smaller_than_min", bad.invalid("SolidMask", "width"));
        assertEquals("value_bigger_than_max", bad.invalid("SolidMask", "height"));
    }

    @Test
    void imageToMaskChannels() {
        FloatTensor rgb = t(new float[] {.1f, .2f, .3f, .4f, .5f, .6f}, 2, 1, 1, 3);
        FloatTensor green = runImage("ImageToMask", rgb, "channel", "green");
        assertShape(green, 2, 1, 1);
        assertValues(new float[] {.2f, .5f}, green);
        FloatTensor rgba = t(new float[] {.1f, .2f, .3f, .4f}, 1, 1, 1, 4);
        assertValues(new float[] {.4f}, runImage("ImageToMask", rgba, "channel", "alpha"));

        Graph bad = h.graph();
        bad.capture(bad.node("ImageToMask", "image", bad.image(rgb), "channel", "alpha"));
        assertMentions(bad.runFailing("ImageToMask"), "channel");
    }

    @Test
    void emptyImageColor() {
        Graph g = h.graph();
        g.capture(g.node("EmptyImage", "width", 2, "height", 1, "batch_size", 2, "color", 0xFF8000));
        FloatTensor out = g.runOne(FloatTensor.class);
        assertShape(out, 2, 1, 2, 3);
        float[] px = {1f, 128 / 255f, 0f};
        assertValues(concat(px, px, px, px), out);
        Graph bad = h.graph();
        bad.capture(bad.node("EmptyImage", "width", 16385, "height", 1, "batch_size", 1, "color", 0));
        assertEquals("value_bigger_than_max", bad.invalid("EmptyImage", "width"));
    }

    @Test
    void nonImageInputIsAClearError() {
        // a MASK [B,H,W] linked where an IMAGE is expected (both are tensors): the node names the input
        Graph g = h.graph();
        g.capture(g.node("ImageInvert", "image", new Ref(g.node("SolidMask", "value", 1.0, "width", 2, "height", 2).id(), 0)));
        // SolidMask outputs MASK, which validation refuses for an IMAGE input
        assertEquals("return_type_mismatch", g.invalid("ImageInvert", "image"));
        Graph g2 = h.graph();
        g2.capture(g2.node("ImageInvert", "image", g2.image(filled(0f, 2, 2, 2))));
        assertMentions(g2.runFailing("ImageInvert"), "image");
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
