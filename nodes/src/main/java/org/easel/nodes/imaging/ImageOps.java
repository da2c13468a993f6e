package org.easel.nodes.imaging;

import java.util.Arrays;
import org.easel.nodes.imaging.ImageScaling.Crop;
import org.easel.nodes.imaging.ImageScaling.Method;
import org.easel.nodes.types.FloatTensor;

/** Small IMAGE [B,H,W,C] and MASK [B,H,W] operations behind ComfyUI's core image nodes. */
public final class ImageOps {
    private ImageOps() {}

    /** ImageInvert: {@code 1 - x}. */
    public static FloatTensor invert(FloatTensor image) {
        float[] d = image.toArray();
        for (int i = 0; i < d.length; i++) d[i] = 1f - d[i];
        return FloatTensor.wrap(d, image.shape());
    }

    /** InvertMask: {@code 1 - m}. */
    public static FloatTensor invertMask(FloatTensor mask) { return invert(mask); }

    /** ImageBlend modes. */
    public enum BlendMode {
        NORMAL("normal"), MULTIPLY("multiply"), SCREEN("screen"), OVERLAY("overlay"), SOFT_LIGHT("soft_light"), DIFFERENCE("difference");

        private final String comfyName;

        BlendMode(String n) { comfyName = n; }

        public String comfyName() { return comfyName; }

        public static BlendMode fromName(String n) {
            for (BlendMode m : values()) if (m.comfyName.equals(n)) return m;
            throw new IllegalArgumentException("unknown blend_mode '" + n + "'");
        }
    }

    /**
     * ImageBlend: when shapes differ, image2 is first resized to image1's size with bicubic and
     * center crop; then {@code clamp(image1*(1-f) + mode(image1,image2)*f, 0, 1)}.
     * A batch of one broadcasts against the other batch.
     */
    public static FloatTensor blend(FloatTensor image1, FloatTensor image2, double blendFactor, BlendMode mode) {
        ImageScaling.requireImage(image1);
        ImageScaling.requireImage(image2);
        int b1 = image1.dim(0), h = image1.dim(1), w = image1.dim(2), c = image1.dim(3);
        if (image2.dim(1) != h || image2.dim(2) != w) {
            image2 = ImageScaling.scaleImage(image2, w, h, Method.BICUBIC, Crop.CENTER);
        }
        if (image2.dim(3) != c) throw new IllegalArgumentException("channel counts differ: " + image1 + " vs " + image2);
        int b2 = image2.dim(0);
        if (b1 != b2 && b1 != 1 && b2 != 1) throw new IllegalArgumentException("batch sizes differ: " + b1 + " vs " + b2);
        int b = Math.max(b1, b2), item = h * w * c;
        float[] a = image1.toArray(), o = image2.toArray(), out = new float[b * item];
        float f = (float) blendFactor;
        for (int bi = 0; bi < b; bi++) {
            int ia = (b1 == 1 ? 0 : bi) * item, io = (b2 == 1 ? 0 : bi) * item;
            for (int i = 0; i < item; i++) {
                float x = a[ia + i], y = o[io + i];
                float m = switch (mode) {
                    case NORMAL -> y;
                    case MULTIPLY -> x * y;
                    case SCREEN -> 1 - (1 - x) * (1 - y);
                    case OVERLAY -> x <= 0.5f ? 2 * x * y : 1 - 2 * (1 - x) * (1 - y);
                    case SOFT_LIGHT -> y <= 0.5f ? x - (1 - 2 * y) * x * (1 - x) : x + (2 * y - 1) * (softLightG(x) - x);
                    case DIFFERENCE -> x - y;
                };
                float v = x * (1 - f) + m * f;
                out[bi * item + i] = Math.min(1f, Math.max(0f, v));
            }
        }
        return FloatTensor.wrap(out, b, h, w, c);
    }

    static float softLightG(float x) {
        return x <= 0.25f ? ((16 * x - 12) * x + 4) * x : (float) Math.sqrt(x);
    }

    /**
     * ImageCrop: {@code x = min(x, W-1)}, {@code y = min(y, H-1)}, then the region
     * {@code [y, y+height) x [x, x+width)} clipped to the image (Python slicing).
     */
    public static FloatTensor crop(FloatTensor image, int width, int height, int x, int y) {
        ImageScaling.requireImage(image);
        int b = image.dim(0), h = image.dim(1), w = image.dim(2), c = image.dim(3);
        if (width < 1 || height < 1 || x < 0 || y < 0) throw new IllegalArgumentException("bad crop " + width + "x" + height + "+" + x + "+" + y);
        x = Math.min(x, w - 1);
        y = Math.min(y, h - 1);
        int x1 = Math.min(w, x + width), y1 = Math.min(h, y + height);
        int ow = x1 - x, oh = y1 - y;
        float[] s = image.toArray(), d = new float[b * oh * ow * c];
        for (int bi = 0; bi < b; bi++) {
            for (int yy = 0; yy < oh; yy++) {
                System.arraycopy(s, ((bi * h + y + yy) * w + x) * c, d, ((bi * oh + yy) * ow) * c, ow * c);
            }
        }
        return FloatTensor.wrap(d, b, oh, ow, c);
    }

    /** ImagePadForOutpaint's two outputs. */
    public record Padded(FloatTensor image, FloatTensor mask) {}

    /**
     * ImagePadForOutpaint: pads with 0.5 grey; the mask is 1 in the padding and, when
     * {@code feathering > 0} and {@code 2*feathering} is smaller than both image sides, inside the
     * original area {@code ((feathering - d)/feathering)^2} for pixels closer than {@code feathering}
     * to a padded edge ({@code d} = distance to the nearest padded side), else 0. Mask is [1,H',W'].
     */
    public static Padded padForOutpaint(FloatTensor image, int left, int top, int right, int bottom, int feathering) {
        ImageScaling.requireImage(image);
        if (left < 0 || top < 0 || right < 0 || bottom < 0 || feathering < 0) throw new IllegalArgumentException("padding must be >= 0");
        int b = image.dim(0), h = image.dim(1), w = image.dim(2), c = image.dim(3);
        int nh = h + top + bottom, nw = w + left + right;
        float[] s = image.toArray(), d = new float[b * nh * nw * c];
        Arrays.fill(d, 0.5f);
        for (int bi = 0; bi < b; bi++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(s, ((bi * h + y) * w) * c, d, ((bi * nh + y + top) * nw + left) * c, w * c);
            }
        }
        float[] m = new float[nh * nw];
        Arrays.fill(m, 1f);
        boolean feather = feathering > 0 && feathering * 2 < h && feathering * 2 < w;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                float v = 0f;
                if (feather) {
                    int dt = top != 0 ? i : h;
                    int db = bottom != 0 ? h - i : h;
                    int dl = left != 0 ? j : w;
                    int dr = right != 0 ? w - j : w;
                    int dist = Math.min(Math.min(dt, db), Math.min(dl, dr));
                    if (dist < feathering) {
                        float t = (float) (feathering - dist) / feathering;
                        v = t * t;
                    }
                }
                m[(i + top) * nw + j + left] = v;
            }
        }
        return new Padded(FloatTensor.wrap(d, b, nh, nw, c), FloatTensor.wrap(m, 1, nh, nw));
    }

    /**
     * ImageCompositeMasked: pastes {@code source} onto {@code destination} at (x, y), optionally
     * resizing the source to the destination first (bilinear) and weighting by {@code mask}
     * (bilinear-resized to the source size; null = all ones). Parts falling outside the
     * destination are clipped (negative offsets cut off the source's left/top). Batches of one
     * broadcast to the destination batch.
     */
    public static FloatTensor compositeMasked(FloatTensor destination, FloatTensor source, int x, int y,
                                              boolean resizeSource, FloatTensor mask) {
        ImageScaling.requireImage(destination);
        ImageScaling.requireImage(source);
        int b = destination.dim(0), dh = destination.dim(1), dw = destination.dim(2), c = destination.dim(3);
        if (source.dim(3) != c) throw new IllegalArgumentException("channel counts differ: " + destination + " vs " + source);
        if (resizeSource) source = ImageScaling.scaleImage(source, dw, dh, Method.BILINEAR, Crop.DISABLED);
        int sb = source.dim(0), sh = source.dim(1), sw = source.dim(2);
        float[] mk = null;
        int mb = 1;
        if (mask != null) {
            FloatTensor m = mask.rank() == 2 ? mask.reshape(1, mask.dim(0), mask.dim(1)) : mask;
            m = ImageScaling.scaleMask(m, sw, sh, Method.BILINEAR, Crop.DISABLED);
            mk = m.toArray();
            mb = m.dim(0);
        }
        float[] d = destination.toArray(), s = source.toArray();
        for (int bi = 0; bi < b; bi++) {
            int sbi = Math.min(bi, sb - 1), mbi = Math.min(bi, mb - 1);
            for (int yy = Math.max(0, -y); yy < sh && y + yy < dh; yy++) {
                for (int xx = Math.max(0, -x); xx < sw && x + xx < dw; xx++) {
                    float a = mk == null ? 1f : mk[(mbi * sh + yy) * sw + xx];
                    int di = ((bi * dh + y + yy) * dw + x + xx) * c, si = ((sbi * sh + yy) * sw + xx) * c;
                    for (int ci = 0; ci < c; ci++) d[di + ci] = a * s[si + ci] + (1 - a) * d[di + ci];
                }
            }
        }
        return FloatTensor.wrap(d, b, dh, dw, c);
    }

    /** ImageToMask: one channel (0=red, 1=green, 2=blue, 3=alpha) as MASK [B,H,W]. */
    public static FloatTensor imageToMask(FloatTensor image, int channel) {
        ImageScaling.requireImage(image);
        int b = image.dim(0), h = image.dim(1), w = image.dim(2), c = image.dim(3);
        if (channel < 0 || channel >= c) throw new IllegalArgumentException("image has no channel " + channel);
        float[] s = image.toArray(), d = new float[b * h * w];
        for (int i = 0; i < d.length; i++) d[i] = s[i * c + channel];
        return FloatTensor.wrap(d, b, h, w);
    }

    /** MaskToImage: MASK [B,H,W] → IMAGE [B,H,W,3] (gray). */
    public static FloatTensor maskToImage(FloatTensor mask) {
        FloatTensor m = mask.rank() == 2 ? mask.reshape(1, mask.dim(0), mask.dim(1)) : mask;
        if (m.rank() != 3) throw new IllegalArgumentException("MASK must be [B,H,W], got " + mask);
        float[] s = m.toArray(), d = new float[s.length * 3];
        for (int i = 0; i < s.length; i++) d[3 * i] = d[3 * i + 1] = d[3 * i + 2] = s[i];
        return FloatTensor.wrap(d, m.dim(0), m.dim(1), m.dim(2), 3);
    }

    /** SolidMask: [1,H,W] filled with {@code value}. */
    public static FloatTensor solidMask(float value, int width, int height) {
        float[] d = new float[width * height];
        Arrays.fill(d, value);
        return FloatTensor.wrap(d, 1, height, width);
    }

    /** ThresholdMask: 1 where {@code m > value}, else 0. */
    public static FloatTensor thresholdMask(FloatTensor mask, float value) {
        float[] d = mask.toArray();
        for (int i = 0; i < d.length; i++) d[i] = d[i] > value ? 1f : 0f;
        return FloatTensor.wrap(d, mask.shape());
    }
}
