package org.easel.nodes.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.easel.nodes.imaging.ImageScaling.Crop;
import org.easel.nodes.imaging.ImageScaling.Method;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.Test;

class ImageScalingTest {

    /** A one-row planar tensor [1,1,1,W]. */
    private static FloatTensor row(float... v) { return FloatTensor.of(v, 1, 1, 1, v.length); }

    private static float[] scaleRow(FloatTensor t, int w, Method m) {
        return ImageScaling.scalePlanar(t, w, 1, m, Crop.DISABLED).toArray();
    }

    @Test
    void constantImageStaysConstantForEveryMethodUpAndDown() {
        float c = 100 / 255f; // exactly representable after the uint8 trip used by lanczos
        int[][] sizes = {{7, 5, 19, 13}, {19, 13, 7, 5}, {8, 8, 3, 11}};
        for (int[] s : sizes) {
            float[] d = new float[2 * s[1] * s[0] * 3];
            Arrays.fill(d, c);
            FloatTensor img = FloatTensor.of(d, 2, s[1], s[0], 3);
            for (Method m : Method.values()) {
                FloatTensor out = ImageScaling.scaleImage(img, s[2], s[3], m, Crop.DISABLED);
                assertArrayEquals(new int[] {2, s[3], s[2], 3}, out.shape(), m.name());
                float[] o = out.toArray();
                for (int i = 0; i < o.length; i++) assertEquals(c, o[i], 1e-6, m + " " + Arrays.toString(s) + " at " + i);
            }
        }
    }

    @Test
    void nearestExactIndicesByHand() {
        // floor((i + 0.5) * in/out), clamped: 4 -> 6 and 6 -> 4
        assertArrayEquals(new float[] {0, 1, 1, 2, 3, 3}, scaleRow(row(0, 1, 2, 3), 6, Method.NEAREST_EXACT));
        assertArrayEquals(new float[] {0, 2, 3, 5}, scaleRow(row(0, 1, 2, 3, 4, 5), 4, Method.NEAREST_EXACT));
        // the legacy "nearest" (floor(i*in/out)) would give 0,0,1,2,2,3 for 4 -> 6
    }

    @Test
    void bilinearRampByHandKeepsCentreAndMean() {
        // align_corners=False: src = 0.5*(i+0.5)-0.5 clamped at 0; last sample clamps to the border
        float[] out = scaleRow(row(0, 1, 2, 3), 8, Method.BILINEAR);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1.25f, 1.75f, 2.25f, 2.75f, 3f}, out, 1e-6f);
        double mean = 0;
        for (float v : out) mean += v;
        assertEquals(1.5, mean / out.length, 1e-6);
        // downscale 8 -> 4 of a ramp 0..7: src = 2*(i+0.5)-0.5 = 0.5, 2.5, ... -> midpoints
        assertArrayEquals(new float[] {0.5f, 2.5f, 4.5f, 6.5f}, scaleRow(row(0, 1, 2, 3, 4, 5, 6, 7), 4, Method.BILINEAR), 1e-6f);
    }

    @Test
    void bilinearIn2dIsSeparableProduct() {
        // 2x2 -> 4x4: value(x,y) from a bilinear function x + 10y must be reproduced inside.
        FloatTensor t = FloatTensor.of(new float[] {0, 1, 10, 11}, 1, 1, 2, 2);
        float[] o = ImageScaling.scalePlanar(t, 4, 4, Method.BILINEAR, Crop.DISABLED).toArray();
        float[] coord = {0f, 0.25f, 0.75f, 1f};
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) assertEquals(coord[x] + 10 * coord[y], o[y * 4 + x], 1e-5);
    }

    @Test
    void areaDownscaleByTwoIsBlockMean() {
        float[] d = new float[2 * 4 * 6];
        Random r = new Random(1);
        for (int i = 0; i < d.length; i++) d[i] = r.nextFloat();
        FloatTensor t = FloatTensor.of(d, 2, 1, 4, 6); // batch 2, non-square
        float[] o = ImageScaling.scalePlanar(t, 3, 2, Method.AREA, Crop.DISABLED).toArray();
        for (int b = 0; b < 2; b++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    int base = b * 24;
                    float sum = d[base + (2 * y) * 6 + 2 * x] + d[base + (2 * y) * 6 + 2 * x + 1]
                            + d[base + (2 * y + 1) * 6 + 2 * x] + d[base + (2 * y + 1) * 6 + 2 * x + 1];
                    assertEquals(sum / 2 / 2, o[b * 6 + y * 3 + x], 0f);
                }
            }
        }
    }

    @Test
    void areaUpscaleUsesAdaptiveWindows() {
        // adaptive_avg_pool 2 -> 3: windows [0,1), [0,2), [1,2)
        assertArrayEquals(new float[] {2f, 3f, 4f}, scaleRow(row(2, 4), 3, Method.AREA), 0f);
        // 5 -> 2: windows [0,3), [2,5)
        assertArrayEquals(new float[] {1f, 3f}, scaleRow(row(0, 1, 2, 3, 4), 2, Method.AREA), 1e-6f);
    }

    @Test
    void bicubicMatchesPyTorchFormulaByHand() {
        // A = -0.75; weights for t=0.25: [-0.10546875, 0.87890625, 0.26171875, -0.03515625], t=0.75 reversed.
        // Input impulse at index 1, 4 -> 8, indices clamped at the borders, no output clamping.
        float[] out = scaleRow(row(0, 1, 0, 0), 8, Method.BICUBIC);
        float[] expected = {-0.10546875f, 0.26171875f, 0.87890625f, 0.87890625f, 0.26171875f, -0.10546875f, -0.03515625f, 0f};
        assertArrayEquals(expected, out, 1e-6f);
        // border clamping: impulse at index 0 gets the weight of all taps that fall off the left edge
        float[] edge = scaleRow(row(1, 0, 0, 0), 8, Method.BICUBIC);
        // x=0: t=0.75, taps -2,-1,0 -> 0 : -0.03515625 + 0.26171875 + 0.87890625
        assertEquals(-0.03515625f + 0.26171875f + 0.87890625f, edge[0], 1e-6f);
        // x=1: t=0.25, taps -1,0 -> 0 : -0.10546875 + 0.87890625
        assertEquals(-0.10546875f + 0.87890625f, edge[1], 1e-6f);
    }

    /** Independent PIL-style Lanczos-3 reference in double precision (no fixed point, no uint8). */
    private static double lanczosRef(double x) {
        if (x <= -3 || x >= 3) return 0;
        if (x == 0) return 1;
        double px = Math.PI * x;
        return 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
    }

    private static double[] lanczosReference1d(double[] in, int out) {
        double scale = (double) in.length / out;
        double fs = Math.max(1, scale);
        double[] res = new double[out];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale, sum = 0, wsum = 0;
            for (int x = 0; x < in.length; x++) {
                double w = lanczosRef((x + 0.5 - center) / fs);
                sum += w * in[x];
                wsum += w;
            }
            res[o] = sum / wsum;
        }
        return res;
    }

    @Test
    void lanczosAgreesWithKernelDefinitionWithinQuantisation() {
        int[] bytes = {10, 200, 50, 255, 0, 128, 90, 30, 220, 5};
        float[] in = new float[bytes.length];
        double[] ref = new double[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            in[i] = bytes[i] / 255f;
            ref[i] = bytes[i];
        }
        for (int outW : new int[] {4, 5, 7, 13, 23}) { // down (support scaled by in/out) and up
            float[] got = scaleRow(row(in), outW, Method.LANCZOS);
            double[] exp = lanczosReference1d(ref, outW);
            for (int i = 0; i < outW; i++) {
                double e = Math.max(0, Math.min(255, exp[i]));
                assertEquals(e, got[i] * 255.0, 1.0, "out " + outW + " index " + i);
                // outputs are uint8 / 255
                assertEquals(Math.round(got[i] * 255.0), got[i] * 255.0, 1e-3);
            }
        }
    }

    @Test
    void lanczosTwoDimensionsAndRgba() {
        // separable: a 2D image varying only along x keeps being the 1D result in every row
        int[] bytes = {0, 255, 0, 255, 0, 255};
        float[] d = new float[3 * 6];
        for (int y = 0; y < 3; y++) for (int x = 0; x < 6; x++) d[y * 6 + x] = bytes[x] / 255f;
        float[] o = ImageScaling.scalePlanar(FloatTensor.of(d, 1, 1, 3, 6), 4, 5, Method.LANCZOS, Crop.DISABLED).toArray();
        double[] exp = lanczosReference1d(new double[] {0, 255, 0, 255, 0, 255}, 4);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 4; x++) assertEquals(Math.max(0, Math.min(255, exp[x])), o[y * 4 + x] * 255, 1.5);
        }
        // RGBA: fully transparent pixels do not bleed their colour (PIL resizes premultiplied)
        float[] rgba = new float[2 * 4 * 4];
        for (int p = 0; p < 8; p++) {
            boolean transparent = p % 4 >= 2;
            rgba[p * 4] = transparent ? 1f : 0f; // red only where transparent
            rgba[p * 4 + 3] = transparent ? 0f : 1f;
        }
        float[] out = ImageScaling.scaleImage(FloatTensor.of(rgba, 1, 2, 4, 4), 8, 2, Method.LANCZOS, Crop.DISABLED).toArray();
        for (int p = 0; p < 16; p++) assertEquals(0f, out[p * 4], 0f, "red leaked at " + p);
    }

    @Test
    void centerCropAspect() {
        // 4 wide x 6 high -> 4x4: y = round((6 - 6*(4/6)/1)/2) = 1 -> rows 1..4
        float[] d = new float[6 * 4];
        for (int y = 0; y < 6; y++) for (int x = 0; x < 4; x++) d[y * 4 + x] = y * 10 + x;
        float[] o = ImageScaling.scalePlanar(FloatTensor.of(d, 1, 1, 6, 4), 4, 4, Method.BILINEAR, Crop.CENTER).toArray();
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) assertEquals((y + 1) * 10 + x, o[y * 4 + x], 1e-6);
        // 6 wide x 4 high -> 4x4: x = 1 -> columns 1..4
        float[] d2 = new float[4 * 6];
        for (int y = 0; y < 4; y++) for (int x = 0; x < 6; x++) d2[y * 6 + x] = y * 10 + x;
        float[] o2 = ImageScaling.scalePlanar(FloatTensor.of(d2, 1, 1, 4, 6), 4, 4, Method.NEAREST_EXACT, Crop.CENTER).toArray();
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) assertEquals(y * 10 + x + 1, o2[y * 4 + x], 0);
        // 5x4 -> 4x4: offset round(0.5) = 0 with Python's half-to-even, so no crop at all
        float[] d3 = new float[4 * 5];
        for (int i = 0; i < d3.length; i++) d3[i] = i;
        FloatTensor t3 = FloatTensor.of(d3, 1, 1, 4, 5);
        assertArrayEquals(ImageScaling.scalePlanar(t3, 4, 4, Method.NEAREST_EXACT, Crop.DISABLED).toArray(),
                ImageScaling.scalePlanar(t3, 4, 4, Method.NEAREST_EXACT, Crop.CENTER).toArray());
    }

    @Test
    void centerCropPortrait512x768To512x512() {
        // IMAGE [1,768,512,1] with value = row; center crop keeps rows 128..639
        float[] d = new float[768 * 512];
        for (int y = 0; y < 768; y++) Arrays.fill(d, y * 512, (y + 1) * 512, y);
        FloatTensor out = ImageScaling.scaleImage(FloatTensor.of(d, 1, 768, 512, 1), 512, 512, Method.BILINEAR, Crop.CENTER);
        assertArrayEquals(new int[] {1, 512, 512, 1}, out.shape());
        assertEquals(128f, out.get(0), 1e-4);
        assertEquals(639f, out.get(511 * 512 + 100), 1e-4);
    }

    @Test
    void batchAndChannelsAreIndependent() {
        Random r = new Random(7);
        float[] d = new float[2 * 5 * 7 * 3];
        int item = 5 * 7 * 3;
        for (int i = 0; i < item; i++) {
            d[i] = r.nextFloat();
            d[item + i] = d[i] * 0.5f;
        }
        FloatTensor img = FloatTensor.of(d, 2, 5, 7, 3);
        for (Method m : new Method[] {Method.NEAREST_EXACT, Method.BILINEAR, Method.AREA, Method.BICUBIC}) {
            float[] o = ImageScaling.scaleImage(img, 11, 3, m, Crop.DISABLED).toArray();
            int oi = 3 * 11 * 3;
            assertEquals(2 * oi, o.length);
            for (int i = 0; i < oi; i++) assertEquals(o[i] * 0.5f, o[oi + i], 1e-6, m + " at " + i);
        }
        // channel order preserved: nearest at same size is identity
        assertArrayEquals(d, ImageScaling.scaleImage(img, 7, 5, Method.NEAREST_EXACT, Crop.DISABLED).toArray());
    }

    @Test
    void nodeSizeRules() {
        assertNull(ImageScaling.imageScaleSize(512, 768, 0, 0));
        assertArrayEquals(new int[] {341, 512}, ImageScaling.imageScaleSize(512, 768, 0, 512));
        assertArrayEquals(new int[] {512, 768}, ImageScaling.imageScaleSize(512, 768, 512, 0));
        assertArrayEquals(new int[] {1, 1}, ImageScaling.imageScaleSize(1, 1000, 0, 1));
        // Python round: 7.5 -> 8, 4.5 -> 4
        assertArrayEquals(new int[] {8, 4}, ImageScaling.scaleBySize(5, 3, 1.5));
        assertArrayEquals(new int[] {1024, 1024}, ImageScaling.totalPixelsSize(512, 512, 1.0, 1));
        assertArrayEquals(new int[] {1448, 724}, ImageScaling.totalPixelsSize(1000, 500, 1.0, 1));
        assertArrayEquals(new int[] {1448, 728}, ImageScaling.totalPixelsSize(1000, 500, 1.0, 8));
        assertThrows(IllegalArgumentException.class, () -> ImageScaling.scaleBySize(5, 3, 0.01));
        assertThrows(IllegalArgumentException.class, () -> Method.fromName("bislerp"));

        FloatTensor img = FloatTensor.zeros(2, 768, 512, 3);
        assertArrayEquals(new int[] {2, 512, 341, 3}, ImageScaling.imageScale(img, "area", 0, 512, "disabled").shape());
        assertEquals(img, ImageScaling.imageScale(img, "area", 0, 0, "disabled"));
        assertArrayEquals(new int[] {2, 1152, 768, 3}, ImageScaling.imageScaleBy(img, "nearest-exact", 1.5).shape());
    }

    @Test
    void maskScaling() {
        FloatTensor m = FloatTensor.of(new float[] {0, 1, 1, 0}, 1, 2, 2);
        FloatTensor o = ImageScaling.scaleMask(m, 4, 4, Method.NEAREST_EXACT, Crop.DISABLED);
        assertArrayEquals(new int[] {1, 4, 4}, o.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0}, o.toArray());
    }
}
