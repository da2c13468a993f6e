package org.easel.nodes.codec;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes 8-bit PNGs the way ComfyUI's SaveImage does through PIL:
 * {@code IHDR}, then one text chunk per map entry in iteration order, then {@code IDAT}, {@code IEND}.
 *
 * <p>Text chunks follow PIL's {@code PngInfo.add_text(key, value)}: a value that encodes in
 * Latin-1 becomes an uncompressed {@code tEXt} chunk ({@code key NUL value}, Latin-1); any other
 * value becomes an uncompressed {@code iTXt} chunk ({@code key NUL 0 0 "" NUL "" NUL utf8-value}).
 * ComfyUI's values come from {@code json.dumps} (ensure_ascii), so they are always ASCII {@code tEXt}.
 *
 * <p>Pixels: RGB (color type 2) normally, RGBA (6) when the image has alpha, gray (0) for a
 * single-band gray image; raw samples, no gamma/ICC chunks. Rows use adaptive filtering (minimum
 * sum of absolute differences, like PIL/libpng) and are deflated at {@code compressLevel}
 * (0..9; SaveImage uses 4, PreviewImage 1).
 */
public final class PngWriter {
    private PngWriter() {}

    /**
     * Writes {@code img} to {@code file} atomically (temp file in the same folder, then rename).
     * Parent folders must exist.
     */
    public static void write(Path file, BufferedImage img, Map<String, String> textChunks, int compressLevel) throws IOException {
        writeBytes(file, encode(img, textChunks, compressLevel));
    }

    /** {@link #write(Path, BufferedImage, Map, int)} for 8-bit samples (see {@link #encode(Samples, Map, int)}). */
    public static void write(Path file, Samples img, Map<String, String> textChunks, int compressLevel) throws IOException {
        writeBytes(file, encode(img, textChunks, compressLevel));
    }

    private static void writeBytes(Path file, byte[] png) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".easel-", ".png.tmp");
        try {
            Files.write(tmp, png);
            try {   // temp files are created private; a saved picture is as readable as any other file
                PosixFileAttributeView v = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
                if (v != null) v.setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException | UnsupportedOperationException ignored) {
                // keep the default permissions
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * SaveImage's metadata map: {@code prompt} first (when not null), then each extra_pnginfo key
     * in order (typically {@code workflow}). Values must already be JSON text
     * ({@code json.dumps} output: ASCII with {@code \\uXXXX} escapes).
     */
    public static Map<String, String> comfyMetadata(String promptJson, Map<String, String> extraPngInfoJson) {
        Map<String, String> m = new LinkedHashMap<>();
        if (promptJson != null) m.put("prompt", promptJson);
        if (extraPngInfoJson != null) {
            for (Map.Entry<String, String> e : extraPngInfoJson.entrySet()) m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * 8-bit samples, interleaved, row after row: 1 channel (gray), 3 (RGB) or 4 (RGBA). The form images
     * take on their way to a file, without a {@link BufferedImage} in between.
     */
    public record Samples(byte[] data, int width, int height, int channels) {
        public Samples {
            if (width <= 0 || height <= 0) throw new IllegalArgumentException("cannot write an empty image " + width + "x" + height);
            if (channels != 1 && channels != 3 && channels != 4) throw new IllegalArgumentException("PNG samples need 1, 3 or 4 channels, not " + channels);
            if (data.length != width * height * channels) throw new IllegalArgumentException("expected " + width * height * channels + " samples, got " + data.length);
        }
    }

    /** The PNG file bytes. */
    public static byte[] encode(BufferedImage img, Map<String, String> textChunks, int compressLevel) throws IOException {
        if (compressLevel < 0 || compressLevel > 9) throw new IllegalArgumentException("compress_level must be 0..9, got " + compressLevel);
        int w = img.getWidth(), h = img.getHeight();
        if (w <= 0 || h <= 0) throw new IllegalArgumentException("cannot write an empty image " + w + "x" + h);
        ImageConvert.Pixels px = ImageConvert.pixels(img);
        boolean gray = px.alpha() == null && img.getColorModel() instanceof ComponentColorModel
                && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        int bpp = px.alpha() != null ? 4 : gray ? 1 : 3;
        int[] rgb = px.rgb(), alpha = px.alpha();
        byte[] d = new byte[w * h * bpp];
        for (int i = 0, n = w * h; i < n; i++) {
            int o = i * bpp;
            d[o] = (byte) rgb[3 * i];
            if (bpp >= 3) {
                d[o + 1] = (byte) rgb[3 * i + 1];
                d[o + 2] = (byte) rgb[3 * i + 2];
            }
            if (bpp == 4) d[o + 3] = (byte) alpha[i];
        }
        return encode(new Samples(d, w, h, bpp), textChunks, compressLevel);
    }

    /**
     * The PNG file bytes for 8-bit samples: gray (color type 0), RGB (2) or RGBA (6). Large images are deflated
     * in parallel slices (each primed with the 32 KB before it, as pigz does), which gives one ordinary zlib
     * stream a few tenths of a percent larger than a serial one.
     */
    public static byte[] encode(Samples img, Map<String, String> textChunks, int compressLevel) throws IOException {
        if (compressLevel < 0 || compressLevel > 9) throw new IllegalArgumentException("compress_level must be 0..9, got " + compressLevel);
        int w = img.width(), h = img.height(), bpp = img.channels();
        int colorType = bpp == 4 ? 6 : bpp == 1 ? 0 : 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream(w * h * bpp / 2 + 1024);
        out.write(PngChunks.SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8;
        ihdr[9] = (byte) colorType;
        writeChunk(out, "IHDR", ihdr);
        if (textChunks != null) {
            for (Map.Entry<String, String> e : textChunks.entrySet()) {
                String[] typeAndData = new String[1];
                byte[] data = textChunkData(e.getKey(), e.getValue(), typeAndData);
                writeChunk(out, typeAndData[0], data);
            }
        }
        byte[] zb = Zlib.deflate(filteredScanlines(img.data(), w, h, bpp, compressLevel > 0), compressLevel);
        for (int off = 0; off < zb.length; off += 65536) {
            writeChunk(out, "IDAT", Arrays.copyOfRange(zb, off, Math.min(zb.length, off + 65536)));
        }
        writeChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * Chunk data for one text entry; {@code typeOut[0]} receives "tEXt" or "iTXt" (PIL's choice:
     * tEXt when the value is Latin-1 encodable).
     */
    static byte[] textChunkData(String key, String value, String[] typeOut) {
        if (key == null || value == null) throw new IllegalArgumentException("PNG text key and value must not be null");
        if (!isLatin1(key) || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PNG text key must be Latin-1 without NUL characters: '" + key + "'");
        }
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream d = new ByteArrayOutputStream(k.length + value.length() + 8);
        d.writeBytes(k);
        if (isLatin1(value)) {
            typeOut[0] = "tEXt";
            d.write(0);
            d.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
        } else {
            typeOut[0] = "iTXt";
            d.write(0); // keyword terminator
            d.write(0); // compression flag: uncompressed
            d.write(0); // compression method
            d.write(0); // empty language tag, terminator
            d.write(0); // empty translated keyword, terminator
            d.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        }
        return d.toByteArray();
    }

    static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0xFF) return false;
        return true;
    }

    private static byte[] filteredScanlines(byte[] samples, int w, int h, int bpp, boolean adaptive) {
        int stride = w * bpp;
        byte[] raw = new byte[(stride + 1) * h];
        // a row's filter needs only that row and the one above, so slices of rows are filtered in parallel
        Slices.run(h, Math.max(1, 64 * 1024 / stride), (from, to) -> filterRows(samples, raw, stride, bpp, adaptive, from, to));
        return raw;
    }

    private static void filterRows(byte[] samples, byte[] raw, int stride, int bpp, boolean adaptive, int from, int to) {
        byte[] prev = new byte[stride];
        byte[] cur = new byte[stride];
        byte[][] cand = new byte[5][stride];
        if (from > 0) System.arraycopy(samples, (from - 1) * stride, prev, 0, stride);
        for (int y = from; y < to; y++) {
            System.arraycopy(samples, y * stride, cur, 0, stride);
            int rowStart = y * (stride + 1);
            if (!adaptive) {
                raw[rowStart] = 0;
                System.arraycopy(cur, 0, raw, rowStart + 1, stride);
            } else {
                int best = 0;
                long bestSum = Long.MAX_VALUE;
                for (int f = 0; f < 5; f++) {
                    long sum = filterRow(f, cur, prev, cand[f], bpp, bestSum);
                    if (sum < bestSum) {
                        bestSum = sum;
                        best = f;
                    }
                }
                raw[rowStart] = (byte) best;
                System.arraycopy(cand[best], 0, raw, rowStart + 1, stride);
            }
            byte[] t = prev;
            prev = cur;
            cur = t;
        }
    }

    /**
     * Row {@code cur} filtered with filter type {@code f} into {@code out}; returns the sum of the absolute
     * residuals, stopping early (with a partial row) once it reaches {@code limit}. One loop per type: the
     * start-up JIT compiles these far better than a per-byte switch.
     */
    private static long filterRow(int f, byte[] cur, byte[] prev, byte[] out, int bpp, long limit) {
        int n = cur.length;
        long sum = 0;
        switch (f) {
            case 0 -> {
                for (int i = 0; i < n && sum < limit; i++) {
                    byte r = cur[i];
                    out[i] = r;
                    sum += Math.abs((int) r);
                }
            }
            case 1 -> {
                for (int i = 0; i < n && sum < limit; i++) {
                    int a = i >= bpp ? cur[i - bpp] & 255 : 0;
                    byte r = (byte) ((cur[i] & 255) - a);
                    out[i] = r;
                    sum += Math.abs((int) r);
                }
            }
            case 2 -> {
                for (int i = 0; i < n && sum < limit; i++) {
                    byte r = (byte) ((cur[i] & 255) - (prev[i] & 255));
                    out[i] = r;
                    sum += Math.abs((int) r);
                }
            }
            case 3 -> {
                for (int i = 0; i < n && sum < limit; i++) {
                    int a = i >= bpp ? cur[i - bpp] & 255 : 0;
                    byte r = (byte) ((cur[i] & 255) - ((a + (prev[i] & 255)) >>> 1));
                    out[i] = r;
                    sum += Math.abs((int) r);
                }
            }
            default -> {
                for (int i = 0; i < n && sum < limit; i++) {
                    int a = i >= bpp ? cur[i - bpp] & 255 : 0;
                    int c = i >= bpp ? prev[i - bpp] & 255 : 0;
                    byte r = (byte) ((cur[i] & 255) - paeth(a, prev[i] & 255, c));
                    out[i] = r;
                    sum += Math.abs((int) r);
                }
            }
        }
        return sum;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        if (pb <= pc) return b;
        return c;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static void writeChunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.write(len);
        out.write(t);
        out.write(data);
        out.write(c);
    }
}
