package org.easel.nodes.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngWriterTest {
    @TempDir
    Path dir;

    private static String bigJson() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < 5000; i++) {
            if (i > 0) sb.append(", ");
            sb.append("\"").append(i).append("\": {\"inputs\": {\"text\": \"a cat \\u00e9\\u65e5 \\\"quoted\\\" ").append(i)
                    .append("\", \"seed\": ").append(i * 7919L).append("}, \"class_type\": \"CLIPTextEncode\"}");
        }
        return sb.append("}").toString();
    }

    @Test
    void textChunksRoundTripByteExactInOrder() throws IOException {
        String prompt = bigJson();
        assertTrue(prompt.length() > 300_000);
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("workflow", "{\"nodes\": [], \"links\": [], \"version\": 0.4}");
        extra.put("latin", "caf\u00e9 \u00fc\u00df");        // Latin-1: tEXt with Latin-1 bytes
        extra.put("cjk", "\u65e5\u672c\u8a9e \ud83d\ude00");    // not Latin-1: iTXt UTF-8 (PIL's fallback)
        Map<String, String> meta = PngWriter.comfyMetadata(prompt, extra);
        assertEquals(List.of("prompt", "workflow", "latin", "cjk"), new ArrayList<>(meta.keySet()));

        BufferedImage img = ImageConvert.toBufferedImage(FloatTensor.zeros(1, 3, 5, 3), 0);
        Path f = dir.resolve("meta.png");
        PngWriter.write(f, img, meta, 4);

        List<PngChunks.Chunk> chunks = PngChunks.read(f);
        List<String> types = new ArrayList<>();
        for (PngChunks.Chunk c : chunks) types.add(c.type());
        assertEquals(List.of("IHDR", "tEXt", "tEXt", "tEXt", "iTXt"), types.subList(0, 5));
        assertEquals("IEND", types.get(types.size() - 1));
        assertTrue(types.subList(5, types.size() - 1).stream().allMatch("IDAT"::equals));

        // exact bytes: keyword NUL value
        byte[] expectedPrompt = ("prompt\0" + prompt).getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expectedPrompt, chunks.get(1).data());
        assertArrayEquals(("latin\0caf\u00e9 \u00fc\u00df").getBytes(StandardCharsets.ISO_8859_1), chunks.get(3).data());
        byte[] itxt = chunks.get(4).data();
        byte[] head = "cjk\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(head, Arrays.copyOf(itxt, head.length));
        assertEquals("\u65e5\u672c\u8a9e \ud83d\ude00",
                new String(itxt, head.length, itxt.length - head.length, StandardCharsets.UTF_8));

        Map<String, String> back = PngChunks.readText(f);
        assertEquals(meta, back);
        assertEquals(new ArrayList<>(meta.keySet()), new ArrayList<>(back.keySet()));
    }

    @Test
    void crcIsVerifiedByReader() throws IOException {
        byte[] png = PngWriter.encode(ImageConvert.toBufferedImage(FloatTensor.zeros(1, 2, 2, 3), 0), Map.of("prompt", "{}"), 1);
        PngChunks.readText(png); // fine
        byte[] bad = png.clone();
        bad[8 + 8 + 13 + 4 + 8 + 2] ^= 1; // a byte inside the tEXt data
        assertThrows(IOException.class, () -> PngChunks.readText(bad));
        assertThrows(IOException.class, () -> PngChunks.read(new byte[] {1, 2, 3}));
    }

    @Test
    void pixelsRoundTripAllByteValues() throws IOException {
        // every uint8 value in every channel; float -> uint8 is truncation of clip(255*x)
        int w = 256, h = 3;
        float[] d = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                d[o] = x / 255f;
                d[o + 1] = (255 - x) / 255f;
                d[o + 2] = ((x * 7 + y) & 255) / 255f;
            }
        }
        FloatTensor img = FloatTensor.of(d, 1, h, w, 3);
        for (int level : new int[] {0, 1, 4, 9}) {
            Path f = dir.resolve("px" + level + ".png");
            PngWriter.write(f, ImageConvert.toBufferedImage(img, 0), Map.of(), level);
            BufferedImage back = ImageIO.read(f.toFile()); // independent decoder
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = back.getRGB(x, y);
                    assertEquals(x, (p >> 16) & 255);
                    assertEquals(255 - x, (p >> 8) & 255);
                    assertEquals((x * 7 + y) & 255, p & 255);
                }
            }
            assertArrayEquals(d, ImageConvert.load(f).image().toArray(), 0f);
        }
    }

    @Test
    void truncationLikeNumpy() {
        assertEquals(127, ImageConvert.toUint8(0.5f));
        assertEquals(0, ImageConvert.toUint8(-3f));
        assertEquals(255, ImageConvert.toUint8(1.7f));
        assertEquals(0, ImageConvert.toUint8(Float.NaN));
        for (int v = 0; v < 256; v++) assertEquals(v, ImageConvert.toUint8(v / 255f));
    }

    @Test
    void rgbaAndGrayWrite() throws IOException {
        float[] d = {1, 0, 0, 1, 0, 1, 0, 0.5f, 0, 0, 1, 0, 1, 1, 1, 0.2f};
        FloatTensor rgba = FloatTensor.of(d, 1, 2, 2, 4);
        Path f = dir.resolve("rgba.png");
        PngWriter.write(f, ImageConvert.toBufferedImage(rgba, 0), Map.of(), 4);
        assertEquals(6, PngChunks.read(f).get(0).data()[9]); // color type RGBA
        ImageConvert.Loaded l = ImageConvert.load(f);
        assertArrayEquals(new int[] {1, 2, 2}, l.mask().shape());
        assertArrayEquals(new float[] {0f, 1 - 127 / 255f, 1f, 1 - 51 / 255f}, l.mask().toArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}, l.image().toArray(), 0f);

        FloatTensor gray = FloatTensor.of(new float[] {0.2f, 0.4f, 0.6f, 1f}, 1, 2, 2, 1);
        Path g = dir.resolve("gray.png");
        PngWriter.write(g, ImageConvert.toBufferedImage(gray, 0), Map.of(), 4);
        assertEquals(0, PngChunks.read(g).get(0).data()[9]);
        float[] back = ImageConvert.load(g).image().toArray();
        assertEquals(ImageConvert.toUint8(0.4f) / 255f, back[3], 0f); // raw gray, no gamma conversion
        assertEquals(back[3], back[4], 0f);
    }

    @Test
    void rejectsBadArguments() {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        assertThrows(IllegalArgumentException.class, () -> PngWriter.encode(img, Map.of(), 10));
        assertThrows(IllegalArgumentException.class, () -> PngWriter.encode(img, Map.of("a\0b", "x"), 4));
        assertThrows(IllegalArgumentException.class, () -> PngWriter.encode(img, Map.of("\u65e5", "x"), 4));
    }

    @Test
    void writeIsAtomicAndLeavesNoTempFiles() throws IOException {
        Path f = dir.resolve("a.png");
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        PngWriter.write(f, img, Map.of("prompt", "1"), 4);
        PngWriter.write(f, img, Map.of("prompt", "2"), 4); // overwrite
        assertEquals("2", PngChunks.readText(f).get("prompt"));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("a.png"), s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
