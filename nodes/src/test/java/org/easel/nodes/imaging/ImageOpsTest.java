package org.easel.nodes.imaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.easel.nodes.imaging.ImageOps.BlendMode;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.Test;

class ImageOpsTest {
    private static FloatTensor px(float... rgb) { return FloatTensor.of(rgb, 1, 1, rgb.length / 3, 3); }

    @Test
    void invert() {
        assertArrayEquals(new float[] {1f, 0.75f, 0f}, ImageOps.invert(px(0f, 0.25f, 1f)).toArray(), 0f);
    }

    @Test
    void blendModesByHand() {
        FloatTensor a = px(0.2f, 0.6f, 0.9f);
        FloatTensor b = px(0.5f, 0.3f, 0.8f);
        assertArrayEquals(new float[] {0.5f, 0.3f, 0.8f}, ImageOps.blend(a, b, 1.0, BlendMode.NORMAL).toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.1f, 0.18f, 0.72f}, ImageOps.blend(a, b, 1.0, BlendMode.MULTIPLY).toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.6f, 0.72f, 0.98f}, ImageOps.blend(a, b, 1.0, BlendMode.SCREEN).toArray(), 1e-6f);
        // overlay: a<=0.5 -> 2ab, else 1-2(1-a)(1-b)
        assertArrayEquals(new float[] {0.2f, 1 - 2 * 0.4f * 0.7f, 1 - 2 * 0.1f * 0.2f}, ImageOps.blend(a, b, 1.0, BlendMode.OVERLAY).toArray(), 1e-6f);
        // soft light: b<=0.5 -> a-(1-2b)a(1-a); else a+(2b-1)(g(a)-a), g(a)=sqrt(a) above 0.25
        float r0 = 0.2f - 0 * 0.2f * 0.8f;
        float r1 = 0.6f - (1 - 0.6f) * 0.6f * 0.4f;
        float r2 = 0.9f + (1.6f - 1) * ((float) Math.sqrt(0.9) - 0.9f);
        assertArrayEquals(new float[] {r0, r1, r2}, ImageOps.blend(a, b, 1.0, BlendMode.SOFT_LIGHT).toArray(), 1e-6f);
        assertEquals(((16 * 0.2f - 12) * 0.2f + 4) * 0.2f, ImageOps.softLightG(0.2f), 1e-7f);
        // difference is a - b (clamped at 0), factor mixes with image1
        assertArrayEquals(new float[] {0f, 0.3f, 0.1f}, ImageOps.blend(a, b, 1.0, BlendMode.DIFFERENCE).toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.35f, 0.45f, 0.85f}, ImageOps.blend(a, b, 0.5, BlendMode.NORMAL).toArray(), 1e-6f);
    }

    @Test
    void blendResizesSecondImage() {
        FloatTensor a = FloatTensor.zeros(2, 4, 6, 3);
        float[] ones = new float[3 * 3 * 3];
        Arrays.fill(ones, 1f);
        FloatTensor out = ImageOps.blend(a, FloatTensor.of(ones, 1, 3, 3, 3), 1.0, BlendMode.NORMAL);
        assertArrayEquals(new int[] {2, 4, 6, 3}, out.shape());
        for (float v : out.toArray()) assertEquals(1f, v, 1e-6f);
    }

    @Test
    void cropClampsLikeSlicing() {
        float[] d = new float[4 * 5 * 3];
        for (int i = 0; i < d.length; i++) d[i] = i;
        FloatTensor img = FloatTensor.of(d, 1, 4, 5, 3);
        FloatTensor c = ImageOps.crop(img, 2, 2, 1, 1);
        assertArrayEquals(new int[] {1, 2, 2, 3}, c.shape());
        assertEquals(d[(1 * 5 + 1) * 3], c.get(0));
        assertEquals(d[(2 * 5 + 2) * 3 + 2], c.get(11));
        assertArrayEquals(new int[] {1, 1, 2, 3}, ImageOps.crop(img, 10, 10, 3, 99).shape()); // y -> H-1
    }

    @Test
    void padForOutpaintFeathering() {
        FloatTensor img = FloatTensor.zeros(1, 10, 10, 3);
        ImageOps.Padded p = ImageOps.padForOutpaint(img, 4, 0, 0, 0, 3);
        assertArrayEquals(new int[] {1, 10, 14, 3}, p.image().shape());
        assertArrayEquals(new int[] {1, 10, 14}, p.mask().shape());
        assertEquals(0.5f, p.image().get(0));
        assertEquals(0f, p.image().get(4 * 3));
        float[] m = p.mask().toArray();
        float[] row = Arrays.copyOfRange(m, 5 * 14, 5 * 14 + 8);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 4 / 9f, 1 / 9f, 0}, row, 1e-6f);
        // feathering too large for the image: hard mask
        float[] hard = ImageOps.padForOutpaint(img, 4, 0, 0, 0, 5).mask().toArray();
        assertEquals(0f, hard[5 * 14 + 4]);
    }

    @Test
    void compositeMaskedClipsAndBlends() {
        FloatTensor dst = FloatTensor.zeros(1, 3, 3, 3);
        float[] s = new float[2 * 2 * 3];
        Arrays.fill(s, 1f);
        FloatTensor src = FloatTensor.of(s, 1, 2, 2, 3);
        float[] out = ImageOps.compositeMasked(dst, src, 2, -1, false, null).toArray();
        // only source pixel (x=0,y=1) lands, at destination (2,0)
        for (int p = 0; p < 9; p++) assertEquals(p == 2 ? 1f : 0f, out[p * 3], 0f, "pixel " + p);
        FloatTensor half = FloatTensor.of(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 1, 2, 2);
        float[] o2 = ImageOps.compositeMasked(dst, src, 0, 0, false, half).toArray();
        assertEquals(0.5f, o2[0], 1e-6f);
        assertEquals(0f, o2[(2 * 3 + 2) * 3], 0f);
    }

    @Test
    void maskHelpers() {
        FloatTensor img = FloatTensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 1, 1, 2, 3);
        assertArrayEquals(new float[] {0.2f, 0.5f}, ImageOps.imageToMask(img, 1).toArray(), 0f);
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f, 0.5f, 0.5f, 0.5f},
                ImageOps.maskToImage(ImageOps.imageToMask(img, 1)).toArray(), 0f);
        assertArrayEquals(new float[] {0f, 1f}, ImageOps.thresholdMask(FloatTensor.of(new float[] {0.2f, 0.7f}, 1, 1, 2), 0.5f).toArray(), 0f);
        assertArrayEquals(new int[] {1, 3, 2}, ImageOps.solidMask(1f, 2, 3).shape());
    }
}
