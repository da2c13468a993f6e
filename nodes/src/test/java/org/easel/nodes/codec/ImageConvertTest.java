package org.easel.nodes.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageConvertTest {
    @TempDir
    Path dir;

    @Test
    void pngWithAlphaGivesInvertedAlphaMask() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0xFF102030);
        img.setRGB(1, 0, 0x80405060);
        img.setRGB(2, 0, 0x00000000);
        img.setRGB(0, 1, 0x40FFFFFF);
        Path f = dir.resolve("a.png");
        ImageIO.write(img, "png", f.toFile());
        ImageConvert.Loaded l = ImageConvert.load(f);
        assertArrayEquals(new int[] {1, 2, 3, 3}, l.image().shape());
        assertArrayEquals(new int[] {1, 2, 3}, l.mask().shape());
        float[] m = l.mask().toArray();
        assertEquals(0f, m[0], 1e-6);
        assertEquals(1 - 0x80 / 255f, m[1], 1e-6);
        assertEquals(1f, m[2], 1e-6);
        assertEquals(1 - 0x40 / 255f, m[3], 1e-6);
        float[] px = l.image().toArray();
        assertEquals(0x10 / 255f, px[0], 0f);
        assertEquals(0x20 / 255f, px[1], 0f);
        assertEquals(0x60 / 255f, px[5], 0f); // colour kept under partial alpha (not premultiplied)
    }

    @Test
    void pngWithoutAlphaGivesZeroMask64() throws IOException {
        Path f = dir.resolve("rgb.png");
        ImageIO.write(new BufferedImage(5, 7, BufferedImage.TYPE_INT_RGB), "png", f.toFile());
        ImageConvert.Loaded l = ImageConvert.load(f);
        assertArrayEquals(new int[] {1, 7, 5, 3}, l.image().shape());
        assertArrayEquals(new int[] {1, 64, 64}, l.mask().shape());
        for (float v : l.mask().toArray()) assertEquals(0f, v);
    }

    @Test
    void jpegLoads() throws IOException {
        BufferedImage img = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, 0xC83264);
        Path f = dir.resolve("c.jpg");
        assertTrue(ImageIO.write(img, "jpeg", f.toFile()));
        ImageConvert.Loaded l = ImageConvert.load(f);
        assertEquals("jpeg", l.format());
        assertArrayEquals(new int[] {1, 8, 16, 3}, l.image().shape());
        float[] px = l.image().toArray();
        assertEquals(200 / 255f, px[0], 6 / 255f);
        assertEquals(50 / 255f, px[1], 6 / 255f);
        assertEquals(100 / 255f, px[2], 6 / 255f);
    }

    /** A JPEG whose EXIF orientation is 6 (rotate 90° clockwise to display). */
    @Test
    void exifOrientationIsApplied() throws IOException {
        BufferedImage img = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, x < 8 ? 0x000000 : 0xFFFFFF);
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", bo);
        byte[] jpg = bo.toByteArray();
        // APP1: "Exif\0\0" + little-endian TIFF with one IFD entry 0x0112 SHORT = 6
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
        byte[] app1Body = new byte[6 + tiff.length];
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, app1Body, 0, 6);
        System.arraycopy(tiff, 0, app1Body, 6, tiff.length);
        int len = app1Body.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpg, 0, 2);
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len});
        out.write(app1Body);
        out.write(jpg, 2, jpg.length - 2);
        Path f = dir.resolve("rot.jpg");
        Files.write(f, out.toByteArray());
        FloatTensor t = ImageConvert.load(f).image();
        assertArrayEquals(new int[] {1, 16, 8, 3}, t.shape());
        float[] px = t.toArray();
        assertTrue(px[(2 * 8 + 4) * 3] < 0.1f, "top comes from the left (black) half");
        assertTrue(px[(13 * 8 + 4) * 3] > 0.9f, "bottom comes from the right (white) half");
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Path f = dir.resolve(name);
            Files.write(f, in.readAllBytes());
            return f;
        }
    }

    @Test
    void webpLosslessWithAlpha() throws IOException {
        // fixture: 6x4, r = 40x, g = 60y, b = 100, alpha 255 for x<3 else 128, (5,3) fully transparent black
        ImageConvert.Loaded l = ImageConvert.load(resource("rgba-6x4-lossless.webp"));
        assertEquals("webp", l.format());
        assertArrayEquals(new int[] {1, 4, 6, 3}, l.image().shape());
        assertArrayEquals(new int[] {1, 4, 6}, l.mask().shape());
        float[] px = l.image().toArray();
        float[] m = l.mask().toArray();
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                int i = y * 6 + x;
                boolean hole = x == 5 && y == 3;
                assertEquals(hole ? 0 : 40 * x / 255f, px[i * 3], 0f);
                assertEquals(hole ? 0 : 60 * y / 255f, px[i * 3 + 1], 0f);
                assertEquals(hole ? 0 : 100 / 255f, px[i * 3 + 2], 0f);
                assertEquals(hole ? 1f : x < 3 ? 0f : 1 - 128 / 255f, m[i], 1e-6);
            }
        }
        ImageConvert.Loaded lossy = ImageConvert.load(resource("rgba-6x4-lossy.webp"));
        assertArrayEquals(new int[] {1, 4, 6, 3}, lossy.image().shape());
        assertEquals(0f, lossy.mask().toArray()[0], 0.05f);
    }

    @Test
    void errorsAreClear() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageConvert.load(dir.resolve("nope.png")));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());

        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        e = assertThrows(IllegalArgumentException.class, () -> ImageConvert.load(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());

        Path junk = Files.write(dir.resolve("junk.png"), "this is not an image at all".getBytes());
        e = assertThrows(IllegalArgumentException.class, () -> ImageConvert.load(junk));
        assertTrue(e.getMessage().startsWith("Invalid image file"), e.getMessage());

        // a real PNG cut in half
        byte[] png = PngWriter.encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), Map.of(), 0);
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        assertThrows(IllegalArgumentException.class, () -> ImageConvert.load(cut));

        assertThrows(IllegalArgumentException.class, () -> ImageConvert.load(dir)); // a directory

        // header claims 20000 x 10: rejected from the header, before decoding
        Path huge = Files.write(dir.resolve("huge.png"), pngHeaderOnly(20000, 10));
        e = assertThrows(IllegalArgumentException.class, () -> ImageConvert.load(huge));
        assertTrue(e.getMessage().contains("16384"), e.getMessage());

        Path zero = Files.write(dir.resolve("zero.png"), pngHeaderOnly(0, 10));
        assertThrows(IllegalArgumentException.class, () -> ImageConvert.load(zero));
    }

    private static byte[] pngHeaderOnly(int w, int h) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(PngChunks.SIGNATURE);
        byte[] body = {'I', 'H', 'D', 'R', (byte) (w >>> 24), (byte) (w >>> 16), (byte) (w >>> 8), (byte) w,
                (byte) (h >>> 24), (byte) (h >>> 16), (byte) (h >>> 8), (byte) h, 8, 2, 0, 0, 0};
        o.writeBytes(new byte[] {0, 0, 0, 13});
        o.writeBytes(body);
        CRC32 c = new CRC32();
        c.update(body);
        long v = c.getValue();
        o.writeBytes(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        return o.toByteArray();
    }

    @Test
    void toBufferedImageAndBatchSelection() {
        float[] d = new float[3 * 1 * 2 * 3];
        for (int i = 0; i < d.length; i++) d[i] = i / (float) d.length;
        FloatTensor t = FloatTensor.of(d, 3, 1, 2, 3);
        BufferedImage last = ImageConvert.toBufferedImage(t, -1);
        int p = last.getRGB(1, 0);
        assertEquals(ImageConvert.toUint8(d[15]), (p >> 16) & 255);
        assertEquals(ImageConvert.toUint8(d[17]), p & 255);
        assertEquals(3, ImageConvert.toBufferedImages(t).size());
        assertThrows(IllegalArgumentException.class, () -> ImageConvert.toBufferedImage(t, 3));

        FloatTensor one = ImageConvert.selectBatch(t, 1);
        assertArrayEquals(new int[] {1, 1, 2, 3}, one.shape());
        assertEquals(d[6], one.get(0));
        FloatTensor tail = ImageConvert.selectBatch(t, 1, 5); // clamped like ImageFromBatch
        assertArrayEquals(new int[] {2, 1, 2, 3}, tail.shape());
        assertEquals(d[12], tail.get(6));

        FloatTensor back = ImageConvert.fromBufferedImage(ImageConvert.toBufferedImage(t, 2));
        for (int i = 0; i < 6; i++) assertEquals(ImageConvert.toUint8(d[12 + i]) / 255f, back.get(i), 0f);
    }
}
