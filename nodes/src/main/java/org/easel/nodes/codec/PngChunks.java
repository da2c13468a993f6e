package org.easel.nodes.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A small PNG chunk reader: lists chunks (verifying CRCs) and decodes the text chunks
 * {@code tEXt} (Latin-1), {@code zTXt} (zlib, Latin-1) and {@code iTXt} (UTF-8, optionally zlib).
 */
public final class PngChunks {
    private PngChunks() {}

    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** One chunk: its 4-letter type and data (without length and CRC). */
    public record Chunk(String type, byte[] data) {
        @Override
        public String toString() { return type + "[" + data.length + "]"; }
    }

    /** All chunks of a PNG file, in file order. */
    public static List<Chunk> read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    /**
     * All chunks of PNG bytes, in order, up to and including IEND.
     * @throws IOException if the signature, a length or a CRC is wrong, or the data is truncated
     */
    public static List<Chunk> read(byte[] png) throws IOException {
        if (png.length < 8 || !Arrays.equals(Arrays.copyOf(png, 8), SIGNATURE)) throw new IOException("not a PNG file (bad signature)");
        List<Chunk> chunks = new ArrayList<>();
        int p = 8;
        while (true) {
            if (p + 12 > png.length) throw new IOException("truncated PNG: chunk header at offset " + p);
            long len = ((png[p] & 255L) << 24) | ((png[p + 1] & 255L) << 16) | ((png[p + 2] & 255L) << 8) | (png[p + 3] & 255L);
            if (len > Integer.MAX_VALUE || p + 12 + len > png.length) throw new IOException("truncated PNG: chunk at offset " + p + " claims " + len + " bytes");
            String type = new String(png, p + 4, 4, StandardCharsets.ISO_8859_1);
            int n = (int) len;
            CRC32 crc = new CRC32();
            crc.update(png, p + 4, 4 + n);
            int q = p + 8 + n;
            long stored = ((png[q] & 255L) << 24) | ((png[q + 1] & 255L) << 16) | ((png[q + 2] & 255L) << 8) | (png[q + 3] & 255L);
            if (stored != crc.getValue()) throw new IOException("bad CRC in chunk " + type + " at offset " + p);
            chunks.add(new Chunk(type, Arrays.copyOfRange(png, p + 8, p + 8 + n)));
            p = q + 4;
            if (type.equals("IEND")) return chunks;
        }
    }

    /** Text chunks of a PNG file as key → value in file order (the first occurrence of a key wins). */
    public static Map<String, String> readText(Path file) throws IOException {
        return readText(Files.readAllBytes(file));
    }

    /** Text chunks of PNG bytes as key → value in file order (the first occurrence of a key wins). */
    public static Map<String, String> readText(byte[] png) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Chunk c : read(png)) {
            String[] kv = decodeText(c);
            if (kv != null) out.putIfAbsent(kv[0], kv[1]);
        }
        return out;
    }

    /** {key, value} for a tEXt/zTXt/iTXt chunk, null for other chunk types. */
    public static String[] decodeText(Chunk c) throws IOException {
        byte[] d = c.data();
        switch (c.type()) {
            case "tEXt" -> {
                int z = indexOf(d, 0);
                if (z < 0) throw new IOException("tEXt chunk without keyword terminator");
                return new String[] {latin1(d, 0, z), latin1(d, z + 1, d.length)};
            }
            case "zTXt" -> {
                int z = indexOf(d, 0);
                if (z < 0 || z + 2 > d.length) throw new IOException("malformed zTXt chunk");
                if (d[z + 1] != 0) throw new IOException("zTXt chunk with unknown compression method " + d[z + 1]);
                byte[] v = inflate(Arrays.copyOfRange(d, z + 2, d.length));
                return new String[] {latin1(d, 0, z), new String(v, StandardCharsets.ISO_8859_1)};
            }
            case "iTXt" -> {
                int z = indexOf(d, 0);
                if (z < 0 || z + 3 > d.length) throw new IOException("malformed iTXt chunk");
                int flag = d[z + 1];
                int method = d[z + 2];
                int langEnd = indexOf(d, z + 3);
                if (langEnd < 0) throw new IOException("malformed iTXt chunk (language tag)");
                int tkEnd = indexOf(d, langEnd + 1);
                if (tkEnd < 0) throw new IOException("malformed iTXt chunk (translated keyword)");
                byte[] v = Arrays.copyOfRange(d, tkEnd + 1, d.length);
                if (flag == 1) {
                    if (method != 0) throw new IOException("iTXt chunk with unknown compression method " + method);
                    v = inflate(v);
                }
                return new String[] {latin1(d, 0, z), new String(v, StandardCharsets.UTF_8)};
            }
            default -> {
                return null;
            }
        }
    }

    private static int indexOf(byte[] d, int from) {
        for (int i = from; i < d.length; i++) if (d[i] == 0) return i;
        return -1;
    }

    private static String latin1(byte[] d, int from, int to) {
        return new String(d, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] inflate(byte[] z) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(z);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) throw new IOException("truncated compressed text");
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IOException("bad compressed text: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }
}
