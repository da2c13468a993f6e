package org.easel.nodes.latent;

import java.util.List;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.types.FloatTensor;

/**
 * Latent resizing for LatentUpscale/LatentUpscaleBy: ComfyUI's {@code common_upscale} on [B,C,h,w] with the
 * methods {@code nearest-exact, bilinear, area, bicubic} (delegated to {@link ImageScaling}) and
 * {@code bislerp} ({@code comfy.utils.bislerp}: a separable bilinear pass where each pair of C-vectors is
 * slerped — direction interpolated on the sphere, length linearly — instead of lerped).
 */
public final class LatentScaling {
    private LatentScaling() {}

    public static final List<String> UPSCALE_METHODS = List.of("nearest-exact", "bilinear", "area", "bicubic", "bislerp");

    /** {@code common_upscale(samples, width, height, method, crop)}. */
    public static FloatTensor upscale(FloatTensor samples, int width, int height, String method, String crop) {
        ImageScaling.Crop c = ImageScaling.Crop.fromName(crop);
        if (!method.equals("bislerp")) {
            return ImageScaling.scalePlanar(samples, width, height, ImageScaling.Method.fromName(method), c);
        }
        return bislerp(c == ImageScaling.Crop.CENTER ? centerCrop(samples, width, height) : samples, width, height);
    }

    /** common_upscale's center crop: narrow the source to the target aspect (offsets rounded half-to-even). */
    static FloatTensor centerCrop(FloatTensor t, int width, int height) {
        int b = t.dim(0), c = t.dim(1), h = t.dim(2), w = t.dim(3);
        double oldAspect = (double) w / h, newAspect = (double) width / height;
        int x = 0, y = 0;
        if (oldAspect > newAspect) x = (int) Math.rint((w - w * (newAspect / oldAspect)) / 2);
        else if (oldAspect < newAspect) y = (int) Math.rint((h - h * (oldAspect / newAspect)) / 2);
        if (x == 0 && y == 0) return t;
        int cw = w - 2 * x, ch = h - 2 * y;
        if (cw <= 0 || ch <= 0) throw new IllegalArgumentException("center crop of " + w + "x" + h + " to aspect " + width + "x" + height + " is empty");
        float[] s = t.toArray(), d = new float[b * c * ch * cw];
        for (int p = 0; p < b * c; p++) {
            for (int yy = 0; yy < ch; yy++) System.arraycopy(s, (p * h + yy + y) * w + x, d, (p * ch + yy) * cw, cw);
        }
        return FloatTensor.wrap(d, b, c, ch, cw);
    }

    /** {@code generate_bilinear_data}: per output index the two source indices and the ratio. */
    record Taps(int[] c1, int[] c2, float[] ratio) {
        static Taps of(int oldLen, int newLen) {
            int[] c1 = new int[newLen], c2 = new int[newLen];
            float[] ratio = new float[newLen];
            float scale = (float) oldLen / newLen;
            for (int i = 0; i < newLen; i++) {
                // PyTorch bilinear (align_corners=False) applied to arange(old) and to arange(old)+1 (last one minus 1)
                float real = scale * (i + 0.5f) - 0.5f;
                if (real < 0f) real = 0f;
                int i0 = Math.min((int) Math.floor(real), oldLen - 1);
                float l1 = Math.min(Math.max(real - i0, 0f), 1f), l0 = 1f - l1;
                int i1 = i0 + (i0 < oldLen - 1 ? 1 : 0);
                float v1 = l0 * i0 + l1 * i1;
                float v2 = l0 * plusOne(i0, oldLen) + l1 * plusOne(i1, oldLen);
                c1[i] = (int) v1;
                ratio[i] = v1 - (float) Math.floor(v1);
                c2[i] = (int) v2;
            }
            return new Taps(c1, c2, ratio);
        }

        private static float plusOne(int k, int len) { return k == len - 1 ? k : k + 1; }
    }

    /** {@code comfy.utils.bislerp(samples, width, height)} on [B,C,H,W]. */
    public static FloatTensor bislerp(FloatTensor samples, int width, int height) {
        if (samples.rank() != 4) throw new IllegalArgumentException("expected [B,C,H,W], got " + samples);
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        int n = samples.dim(0), c = samples.dim(1), h = samples.dim(2), w = samples.dim(3);
        float[] src = samples.toArray();
        float[] v1 = new float[c], v2 = new float[c], res = new float[c];
        // along the width
        Taps tx = Taps.of(w, width);
        float[] mid = new float[n * c * h * width];
        int planeIn = h * w, planeMid = h * width;
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int ox = 0; ox < width; ox++) {
                    for (int ci = 0; ci < c; ci++) {
                        int base = (b * c + ci) * planeIn + y * w;
                        v1[ci] = src[base + tx.c1[ox]];
                        v2[ci] = src[base + tx.c2[ox]];
                    }
                    slerp(v1, v2, tx.ratio[ox], res);
                    for (int ci = 0; ci < c; ci++) mid[(b * c + ci) * planeMid + y * width + ox] = res[ci];
                }
            }
        }
        // along the height
        Taps ty = Taps.of(h, height);
        float[] out = new float[n * c * height * width];
        int planeOut = height * width;
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < height; oy++) {
                for (int x = 0; x < width; x++) {
                    for (int ci = 0; ci < c; ci++) {
                        int base = (b * c + ci) * planeMid + x;
                        v1[ci] = mid[base + ty.c1[oy] * width];
                        v2[ci] = mid[base + ty.c2[oy] * width];
                    }
                    slerp(v1, v2, ty.ratio[oy], res);
                    for (int ci = 0; ci < c; ci++) out[(b * c + ci) * planeOut + oy * width + x] = res[ci];
                }
            }
        }
        return FloatTensor.wrap(out, n, c, height, width);
    }

    /** ComfyUI's slerp of two C-vectors at ratio r, including its edge cases (near-equal / opposite directions). */
    static void slerp(float[] b1, float[] b2, float r, float[] out) {
        int c = b1.length;
        float n1 = 0f, n2 = 0f;
        for (int i = 0; i < c; i++) {
            n1 += b1[i] * b1[i];
            n2 += b2[i] * b2[i];
        }
        n1 = (float) Math.sqrt(n1);
        n2 = (float) Math.sqrt(n2);
        float dot = 0f;
        for (int i = 0; i < c; i++) {
            float a = n1 == 0f ? 0f : b1[i] / n1, b = n2 == 0f ? 0f : b2[i] / n2;
            dot += a * b;
        }
        if (dot > 1 - 1e-5f) {
            System.arraycopy(b1, 0, out, 0, c);
            return;
        }
        if (dot < 1e-5f - 1) {
            for (int i = 0; i < c; i++) out[i] = b1[i] * (1f - r) + b2[i] * r;
            return;
        }
        float omega = (float) Math.acos(dot), so = (float) Math.sin(omega);
        float k1 = (float) Math.sin((1f - r) * omega) / so, k2 = (float) Math.sin(r * omega) / so;
        float len = n1 * (1f - r) + n2 * r;
        for (int i = 0; i < c; i++) {
            float a = n1 == 0f ? 0f : b1[i] / n1, b = n2 == 0f ? 0f : b2[i] / n2;
            out[i] = (k1 * a + k2 * b) * len;
        }
    }
}
