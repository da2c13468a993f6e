package org.easel.nodes.codec;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Limits;

/**
 * Conversions between IMAGE tensors [B,H,W,C] (float 0..1) and {@link BufferedImage}, and
 * ComfyUI LoadImage semantics for files.
 *
 * <p>Float to 8 bit is numpy's {@code np.clip(255. * x, 0, 255).astype(np.uint8)} on float32,
 * i.e. <b>truncation</b> (0.5 becomes 127), NaN becomes 0. 8 bit to float is {@code v / 255f}.
 *
 * <p>Pixels are read like PIL's {@code convert("RGB")}: raw samples, no ICC or gamma
 * conversion (Java's gray color space would otherwise re-gamma grayscale images).
 */
public final class ImageConvert {
    private ImageConvert() {}

    /** LoadImage's outputs: IMAGE [N,H,W,3] and MASK [N,h,w] (1 − alpha, or zeros 64×64 without alpha). */
    public record Loaded(FloatTensor image, FloatTensor mask, String format, int frames) {}

    // ---- tensor -> BufferedImage ---------------------------------------------------------------

    /** numpy {@code np.clip(255. * x, 0, 255).astype(np.uint8)} for a float32 value. */
    public static int toUint8(float x) { return ImageScaling.toUint8(x); }

    /**
     * Item {@code batchIndex} of an IMAGE as a BufferedImage: C=3 → TYPE_INT_RGB, C=4 →
     * TYPE_INT_ARGB (not premultiplied), C=1 → TYPE_BYTE_GRAY. Negative indices count from the end.
     */
    public static BufferedImage toBufferedImage(FloatTensor image, int batchIndex) {
        float[] px = item(image, batchIndex);
        int h = image.dim(1), w = image.dim(2), c = image.dim(3), n = h * w;
        BufferedImage out;
        switch (c) {
            case 1 -> {
                out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                WritableRaster r = out.getRaster();
                int[] row = new int[w];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) row[x] = toUint8(px[y * w + x]);
                    r.setSamples(0, y, w, 1, 0, row);
                }
            }
            case 3, 4 -> {
                out = new BufferedImage(w, h, c == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
                int[] argb = new int[n];
                for (int i = 0; i < n; i++) {
                    int o = i * c;
                    // the ints these two image types store (what setRGB would store, without its per-pixel colour model calls)
                    int a = c == 4 ? toUint8(px[o + 3]) : 0;
                    argb[i] = a << 24 | toUint8(px[o]) << 16 | toUint8(px[o + 1]) << 8 | toUint8(px[o + 2]);
                }
                out.getRaster().setDataElements(0, 0, w, h, argb);
            }
            default -> throw notAPicture(c);
        }
        return out;
    }

    /**
     * Item {@code batchIndex} of an IMAGE as 8-bit samples for {@link PngWriter} (values truncated like
     * {@link #toUint8}): straight from the tensor, without a {@link BufferedImage}.
     */
    public static PngWriter.Samples toSamples(FloatTensor image, int batchIndex) {
        float[] px = item(image, batchIndex);
        int h = image.dim(1), w = image.dim(2), c = image.dim(3), n = px.length;
        if (c == 2 || c > 4) throw notAPicture(c);
        byte[] out = new byte[n];
        Slices.run(n, 128 * 1024, (from, to) -> {
            for (int i = from; i < to; i++) {        // toUint8, written out: NaN fails both tests and gives 0
                float v = 255f * px[i];
                out[i] = (byte) (v >= 255f ? 255 : v > 0f ? (int) v : 0);
            }
        });
        return new PngWriter.Samples(out, w, h, c);
    }

    /** The values of item {@code batchIndex} (negative counts from the end) of a non-empty IMAGE [B,H,W,C]. */
    private static float[] item(FloatTensor image, int batchIndex) {
        ImageScaling.requireImage(image);
        int b = image.dim(0), n = image.dim(1) * image.dim(2) * image.dim(3);
        int bi = batchIndex < 0 ? b + batchIndex : batchIndex;
        if (bi < 0 || bi >= b) throw new IllegalArgumentException("batch index " + batchIndex + " out of range for batch size " + b);
        if (image.dim(1) == 0 || image.dim(2) == 0) throw new IllegalArgumentException("cannot convert an empty image " + image);
        float[] px = new float[n];
        image.copyTo(bi * n, px, 0, n);
        return px;
    }

    private static IllegalArgumentException notAPicture(int channels) {
        return new IllegalArgumentException("cannot make a picture of an image with " + channels + " channels (expected 1, 3 or 4)");
    }

    /** One BufferedImage per batch item. */
    public static List<BufferedImage> toBufferedImages(FloatTensor image) {
        ImageScaling.requireImage(image);
        List<BufferedImage> list = new ArrayList<>(image.dim(0));
        for (int i = 0; i < image.dim(0); i++) list.add(toBufferedImage(image, i));
        return list;
    }

    // ---- batch selection ---------------------------------------------------------------------

    /** Item {@code index} of a batched tensor (any rank ≥ 1), kept as a batch of one. Negative counts from the end. */
    public static FloatTensor selectBatch(FloatTensor t, int index) { return selectBatch(t, index, 1); }

    /**
     * Items {@code index .. index+length-1} (clamped to the batch like ComfyUI's ImageFromBatch:
     * the start is clamped to B-1 and the length to what remains).
     */
    public static FloatTensor selectBatch(FloatTensor t, int index, int length) {
        if (t.rank() < 1) throw new IllegalArgumentException("tensor has no batch dimension: " + t);
        int b = t.dim(0);
        if (b == 0) throw new IllegalArgumentException("empty batch: " + t);
        if (length < 1) throw new IllegalArgumentException("length must be >= 1, got " + length);
        int start = index < 0 ? b + index : index;
        if (start < 0) throw new IllegalArgumentException("batch index " + index + " out of range for batch size " + b);
        start = Math.min(start, b - 1);
        int len = Math.min(length, b - start);
        int item = t.size() / b;
        float[] d = new float[item * len];
        t.copyTo(start * item, d, 0, d.length);
        int[] shape = t.shape();
        shape[0] = len;
        return FloatTensor.wrap(d, shape);
    }

    // ---- BufferedImage -> tensor ---------------------------------------------------------------

    /** Decoded 8-bit pixels: rgb interleaved, alpha (null when the image has none). */
    record Pixels(int width, int height, int[] rgb, int[] alpha) {}

    static Pixels pixels(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight(), n = w * h;
        int[] rgb = new int[n * 3];
        int[] alpha = null;
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int tt = r.getTransferType();
        int csType = cm.getColorSpace().getType();
        boolean raw = cm instanceof ComponentColorModel
                && (tt == DataBuffer.TYPE_BYTE || tt == DataBuffer.TYPE_USHORT)
                && (csType == ColorSpace.TYPE_GRAY || csType == ColorSpace.TYPE_RGB)
                && bands == cm.getNumComponents();
        if (raw) {
            int shift = tt == DataBuffer.TYPE_USHORT ? 8 : 0;
            int colors = csType == ColorSpace.TYPE_GRAY ? 1 : 3;
            boolean hasA = cm.hasAlpha() && bands > colors;
            if (hasA) alpha = new int[n];
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int s = x * bands, o = (y * w + x) * 3;
                    if (colors == 1) {
                        int g = row[s] >>> shift;
                        rgb[o] = g; rgb[o + 1] = g; rgb[o + 2] = g;
                    } else {
                        rgb[o] = row[s] >>> shift; rgb[o + 1] = row[s + 1] >>> shift; rgb[o + 2] = row[s + 2] >>> shift;
                    }
                    if (hasA) alpha[y * w + x] = row[s + colors] >>> shift;
                }
            }
        } else {
            int type = img.getType();
            int[] argb;
            if (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB) {
                // the stored ints are already getRGB's values (opaque ones lacking only the alpha byte, unused below)
                argb = new int[n];
                r.getDataElements(0, 0, w, h, argb);
            } else {
                argb = img.getRGB(0, 0, w, h, null, 0, w);
            }
            boolean hasA = cm.hasAlpha() && (!(cm instanceof IndexColorModel icm) || icm.getTransparency() != Transparency.OPAQUE);
            if (hasA) alpha = new int[n];
            for (int i = 0; i < n; i++) {
                int p = argb[i];
                rgb[3 * i] = (p >> 16) & 255; rgb[3 * i + 1] = (p >> 8) & 255; rgb[3 * i + 2] = p & 255;
                if (hasA) alpha[i] = p >>> 24;
            }
        }
        return new Pixels(w, h, rgb, alpha);
    }

    /** A BufferedImage as IMAGE [1,H,W,3] (alpha dropped, like PIL's convert("RGB")). */
    public static FloatTensor fromBufferedImage(BufferedImage img) {
        Pixels p = pixels(img);
        return rgbTensor(List.of(p));
    }

    /** Several same-sized BufferedImages as one IMAGE batch [N,H,W,3]. */
    public static FloatTensor fromBufferedImages(List<BufferedImage> imgs) {
        if (imgs.isEmpty()) throw new IllegalArgumentException("no images");
        List<Pixels> ps = new ArrayList<>();
        for (BufferedImage i : imgs) ps.add(pixels(i));
        return rgbTensor(ps);
    }

    /** LoadImage's mask of one picture: [1,H,W] = 1 − alpha/255, or zeros [1,64,64] when it has no alpha. */
    public static FloatTensor maskOf(BufferedImage img) {
        return maskTensor(List.of(pixels(img)));
    }

    private static FloatTensor rgbTensor(List<Pixels> ps) {
        int w = ps.get(0).width(), h = ps.get(0).height(), n = w * h;
        float[] d = new float[ps.size() * n * 3];
        for (int k = 0; k < ps.size(); k++) {
            Pixels p = ps.get(k);
            if (p.width() != w || p.height() != h) {
                throw new IllegalArgumentException("images differ in size: " + w + "x" + h + " vs " + p.width() + "x" + p.height());
            }
            int base = k * n * 3;
            for (int i = 0; i < n * 3; i++) d[base + i] = p.rgb()[i] / 255.0f;
        }
        return FloatTensor.wrap(d, ps.size(), h, w, 3);
    }

    private static FloatTensor maskTensor(List<Pixels> ps) {
        boolean anyAlpha = ps.stream().anyMatch(p -> p.alpha() != null);
        if (!anyAlpha) return FloatTensor.zeros(ps.size(), 64, 64);
        int w = ps.get(0).width(), h = ps.get(0).height(), n = w * h;
        float[] d = new float[ps.size() * n];
        for (int k = 0; k < ps.size(); k++) {
            int[] a = ps.get(k).alpha();
            if (a == null) continue; // a frame without alpha: fully opaque, mask 0
            for (int i = 0; i < n; i++) d[k * n + i] = 1.0f - a[i] / 255.0f;
        }
        return FloatTensor.wrap(d, ps.size(), h, w);
    }

    // ---- files -----------------------------------------------------------------------------

    /**
     * ComfyUI LoadImage: IMAGE [N,H,W,3] and MASK. Frames of a multi-frame file (animated WebP,
     * TIFF...) that have the first frame's size become a batch; differently sized frames are
     * skipped. GIF and JPEG (MPO) load their first frame only. EXIF orientation (JPEG APP1, PNG
     * eXIf, WebP EXIF) is applied like PIL's {@code ImageOps.exif_transpose}.
     *
     * @throws IllegalArgumentException for a missing, unreadable, empty or oversized (> 16384 px per side) image
     */
    public static Loaded load(Path file) {
        if (file == null) throw new IllegalArgumentException("no image file given");
        if (!Files.exists(file)) throw new IllegalArgumentException("Invalid image file: " + file + " (file not found)");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("Invalid image file: " + file + " (not a regular file)");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid image file: " + file + " (cannot read: " + e.getMessage() + ")", e);
        }
        return load(bytes, file.toString());
    }

    /** {@link #load(Path)} on in-memory file bytes; {@code name} is used in error messages. */
    public static Loaded load(byte[] bytes, String name) {
        if (bytes.length == 0) throw new IllegalArgumentException("Invalid image file: " + name + " (empty file)");
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> it = ImageIO.getImageReaders(iis);
            if (!it.hasNext()) {
                throw new IllegalArgumentException("Invalid image file: " + name + " (not a recognised image format)");
            }
            ImageReader reader = it.next();
            try {
                reader.setInput(iis, false, true);
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                checkSize(name, w, h);
                boolean multi = !(format.contains("gif") || format.contains("jpeg") || format.contains("jpg") || format.contains("png"));
                int frames = 1;
                if (multi) {
                    try {
                        frames = Math.max(1, reader.getNumImages(true));
                    } catch (IOException | RuntimeException e) {
                        frames = 1;
                    }
                }
                int orientation = ExifOrientation.find(bytes);
                List<Pixels> ps = new ArrayList<>();
                for (int i = 0; i < frames; i++) {
                    if (i > 0 && (reader.getWidth(i) != w || reader.getHeight(i) != h)) continue;
                    BufferedImage img = reader.read(i);
                    if (img.getWidth() != w || img.getHeight() != h) {
                        if (i == 0) checkSize(name, img.getWidth(), img.getHeight());
                        else continue;
                    }
                    ps.add(ExifOrientation.apply(pixels(img), orientation));
                }
                return new Loaded(rgbTensor(ps), maskTensor(ps), format, ps.size());
            } finally {
                reader.dispose();
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Invalid image file: " + name + " (cannot decode: " + e.getMessage() + ")", e);
        }
    }

    private static void checkSize(String name, int w, int h) {
        if (w <= 0 || h <= 0) throw new IllegalArgumentException("Invalid image file: " + name + " (image has zero size " + w + "x" + h + ")");
        if (w > Limits.MAX_RESOLUTION || h > Limits.MAX_RESOLUTION) {
            throw new IllegalArgumentException("Invalid image file: " + name + " (image " + w + "x" + h
                    + " is larger than " + Limits.MAX_RESOLUTION + " px per side)");
        }
    }

    /** EXIF orientation lookup and PIL exif_transpose equivalent. */
    static final class ExifOrientation {
        private ExifOrientation() {}

        /** Orientation 1..8 from JPEG APP1, PNG eXIf or WebP EXIF; 1 when absent or unparsable. */
        static int find(byte[] b) {
            try {
                if (b.length > 4 && (b[0] & 255) == 0xFF && (b[1] & 255) == 0xD8) return jpeg(b);
                if (b.length > 8 && (b[0] & 255) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return png(b);
                if (b.length > 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                        && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') return webp(b);
            } catch (RuntimeException e) {
                return 1;
            }
            return 1;
        }

        private static int jpeg(byte[] b) {
            int p = 2;
            while (p + 4 <= b.length) {
                if ((b[p] & 255) != 0xFF) return 1;
                int marker = b[p + 1] & 255;
                if (marker == 0xFF) { p++; continue; }
                if (marker == 0xDA || marker == 0xD9) return 1;
                int len = (b[p + 2] & 255) << 8 | (b[p + 3] & 255);
                if (marker == 0xE1 && len >= 8 && p + 4 + 6 <= b.length
                        && b[p + 4] == 'E' && b[p + 5] == 'x' && b[p + 6] == 'i' && b[p + 7] == 'f' && b[p + 8] == 0 && b[p + 9] == 0) {
                    return tiff(b, p + 10, Math.min(b.length, p + 2 + len));
                }
                p += 2 + len;
            }
            return 1;
        }

        private static int png(byte[] b) {
            int p = 8;
            while (p + 12 <= b.length) {
                int len = (b[p] & 255) << 24 | (b[p + 1] & 255) << 16 | (b[p + 2] & 255) << 8 | (b[p + 3] & 255);
                String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
                if (len < 0) return 1;
                if (type.equals("eXIf")) return tiff(b, p + 8, Math.min(b.length, p + 8 + len));
                if (type.equals("IDAT") || type.equals("IEND")) return 1;
                p += 12 + len;
            }
            return 1;
        }

        private static int webp(byte[] b) {
            int p = 12;
            while (p + 8 <= b.length) {
                String type = new String(b, p, 4, StandardCharsets.ISO_8859_1);
                int len = (b[p + 4] & 255) | (b[p + 5] & 255) << 8 | (b[p + 6] & 255) << 16 | (b[p + 7] & 255) << 24;
                if (len < 0) return 1;
                if (type.equals("EXIF")) {
                    int s = p + 8;
                    if (s + 6 <= b.length && b[s] == 'E' && b[s + 1] == 'x' && b[s + 2] == 'i' && b[s + 3] == 'f') s += 6;
                    return tiff(b, s, Math.min(b.length, p + 8 + len));
                }
                p += 8 + len + (len & 1);
            }
            return 1;
        }

        private static int tiff(byte[] b, int start, int end) {
            if (start + 8 > end) return 1;
            boolean le;
            if (b[start] == 'I' && b[start + 1] == 'I') le = true;
            else if (b[start] == 'M' && b[start + 1] == 'M') le = false;
            else return 1;
            if (u16(b, start + 2, le) != 42) return 1;
            long ifd = u32(b, start + 4, le);
            int p = (int) (start + ifd);
            if (ifd < 8 || p + 2 > end) return 1;
            int count = u16(b, p, le);
            for (int i = 0; i < count; i++) {
                int e = p + 2 + 12 * i;
                if (e + 12 > end) return 1;
                if (u16(b, e, le) == 0x0112) {
                    int v = u16(b, e + 8, le);
                    return v >= 1 && v <= 8 ? v : 1;
                }
            }
            return 1;
        }

        private static int u16(byte[] b, int p, boolean le) {
            return le ? (b[p] & 255) | (b[p + 1] & 255) << 8 : (b[p] & 255) << 8 | (b[p + 1] & 255);
        }

        private static long u32(byte[] b, int p, boolean le) {
            long v = le ? (b[p] & 255L) | (b[p + 1] & 255L) << 8 | (b[p + 2] & 255L) << 16 | (b[p + 3] & 255L) << 24
                    : (b[p] & 255L) << 24 | (b[p + 1] & 255L) << 16 | (b[p + 2] & 255L) << 8 | (b[p + 3] & 255L);
            return v;
        }

        /** Applies orientation 2..8 (PIL exif_transpose) to decoded pixels. */
        static Pixels apply(Pixels p, int orientation) {
            if (orientation <= 1 || orientation > 8) return p;
            int w = p.width(), h = p.height();
            boolean swap = orientation >= 5;
            int ow = swap ? h : w, oh = swap ? w : h;
            int[] rgb = new int[ow * oh * 3];
            int[] alpha = p.alpha() == null ? null : new int[ow * oh];
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int sx, sy;
                    switch (orientation) {
                        case 2 -> { sx = w - 1 - ox; sy = oy; }
                        case 3 -> { sx = w - 1 - ox; sy = h - 1 - oy; }
                        case 4 -> { sx = ox; sy = h - 1 - oy; }
                        case 5 -> { sx = oy; sy = ox; }
                        case 6 -> { sx = oy; sy = h - 1 - ox; }
                        case 7 -> { sx = w - 1 - oy; sy = h - 1 - ox; }
                        default -> { sx = w - 1 - oy; sy = ox; } // 8
                    }
                    int s = sy * w + sx, o = oy * ow + ox;
                    rgb[3 * o] = p.rgb()[3 * s];
                    rgb[3 * o + 1] = p.rgb()[3 * s + 1];
                    rgb[3 * o + 2] = p.rgb()[3 * s + 2];
                    if (alpha != null) alpha[o] = p.alpha()[s];
                }
            }
            return new Pixels(ow, oh, rgb, alpha);
        }
    }
}
