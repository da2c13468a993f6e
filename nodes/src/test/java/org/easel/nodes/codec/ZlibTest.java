package org.easel.nodes.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.Test;

class ZlibTest {
    /** Smooth rows with some noise: what a decoded picture looks like to deflate. */
    static byte[] pictureLike(int n, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ((int) (100 + 60 * Math.sin(i / 700.0) + r.nextInt(12)));
        return b;
    }

    static byte[] inflate(byte[] z) throws Exception {
        Inflater inf = new Inflater();              // zlib wrapper: checks the header and the Adler-32
        inf.setInput(z);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!inf.finished()) {
            int n = inf.inflate(buf);
            if (n == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) throw new AssertionError("truncated stream");
            out.write(buf, 0, n);
        }
        assertEquals(0, inf.getRemaining(), "nothing after the stream");
        inf.end();
        return out.toByteArray();
    }

    @Test
    void slicedStreamsInflateToTheInputAtEveryLevel() throws Exception {
        byte[] data = pictureLike(3 * Zlib.PARALLEL_MIN + 12345, 1);
        for (int level : new int[] {0, 1, 4, 6, 9}) {
            byte[] serial = Zlib.deflate(data, level, 1);
            for (int slices = 1; slices <= 5; slices++) {
                byte[] z = Zlib.deflate(data, level, slices);
                assertEquals(0x78, z[0] & 255);
                assertEquals(0, ((z[0] & 255) * 256 + (z[1] & 255)) % 31, "a valid zlib header");
                assertArrayEquals(data, inflate(z), "level " + level + ", " + slices + " slices");
                if (level > 0) {
                    assertTrue(z.length < serial.length * 1.01, "the cut costs under 1%: " + z.length + " vs " + serial.length);
                }
            }
        }
        assertArrayEquals(new byte[] {1, 2, 3}, inflate(Zlib.deflate(new byte[] {1, 2, 3}, 4)));
        assertArrayEquals(new byte[0], inflate(Zlib.deflate(new byte[0], 4)));
    }

    @Test
    void headerByteIsZlibsOwn() {
        for (int level = 0; level <= 9; level++) {
            java.util.zip.Deflater d = new java.util.zip.Deflater(level);
            d.setInput(new byte[] {7});
            d.finish();
            byte[] out = new byte[64];
            d.deflate(out);
            d.end();
            assertEquals(out[1] & 255, Zlib.flagByte(level), "level " + level);
        }
    }

    @Test
    void aLargeImageSavedFromSamplesReadsBackExactly() throws Exception {
        int w = 517, h = 389;                             // odd sizes, several slices
        for (int c : new int[] {1, 3, 4}) {
            float[] px = new float[w * h * c];
            Random r = new Random(c);
            for (int i = 0; i < px.length; i++) px[i] = r.nextInt(256) / 255f;
            FloatTensor t = FloatTensor.wrap(px, 1, h, w, c);
            byte[] png = PngWriter.encode(ImageConvert.toSamples(t, 0), Map.of("prompt", "{}"), 4);
            assertEquals("{}", PngChunks.readText(png).get("prompt"));
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(w, back.getWidth());
            for (int y = 0; y < h; y++) {                 // every pixel: slice boundaries included
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * c;
                    int argb = back.getRGB(x, y);
                    int red = ImageConvert.toUint8(px[i]);
                    if (c == 1) {                         // the raw sample: getRGB would convert linear gray to sRGB
                        assertEquals(red, back.getRaster().getSample(x, y, 0), "gray at " + x + "," + y);
                    } else {
                        assertEquals(red, (argb >> 16) & 255);
                        assertEquals(ImageConvert.toUint8(px[i + 1]), (argb >> 8) & 255);
                        assertEquals(ImageConvert.toUint8(px[i + 2]), argb & 255);
                        if (c == 4) assertEquals(ImageConvert.toUint8(px[i + 3]), (argb >>> 24) & 255);
                    }
                }
            }
        }
    }
}
