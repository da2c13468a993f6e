package org.easel.engine.workflow;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the text metadata of a PNG file: {@code tEXt} (Latin-1), {@code zTXt} (deflated Latin-1) and
 * {@code iTXt} (UTF-8, optionally deflated) chunks, keyword → text. ComfyUI stores the editor workflow
 * under {@code workflow} and the API prompt under {@code prompt}.
 */
public final class PngMetadata {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int MAX_TEXT = 64 << 20;

    private PngMetadata() {}

    /** True when the bytes start with the PNG signature. */
    public static boolean isPng(byte[] bytes) {
        return bytes.length >= SIGNATURE.length && Arrays.equals(bytes, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length);
    }

    /**
     * Keyword → text of every text chunk before the image ends (the first chunk with a keyword wins).
     * A truncated file yields what was read before the cut; a broken text chunk is an error naming it.
     */
    public static Map<String, String> read(byte[] png) throws WorkflowException {
        if (!isPng(png)) throw new WorkflowException("not a PNG file", null, "png");
        Map<String, String> text = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(SIGNATURE.length);
        while (b.remaining() >= 8) {
            long length = b.getInt() & 0xFFFFFFFFL;
            byte[] typeBytes = new byte[4];
            b.get(typeBytes);
            String type = new String(typeBytes, StandardCharsets.ISO_8859_1);
            if (length > b.remaining()) break;                 // cut off: keep what came before
            byte[] data = new byte[(int) length];
            b.get(data);
            if (b.remaining() >= 4) b.getInt();                 // CRC (not checked: the editor does not either)
            if (type.equals("IEND")) break;
            String[] kv = switch (type) {
                case "tEXt" -> tEXt(data);
                case "zTXt" -> zTXt(data);
                case "iTXt" -> iTXt(data);
                default -> null;
            };
            if (kv != null) text.putIfAbsent(kv[0], kv[1]);
        }
        return text;
    }

    private static String[] tEXt(byte[] d) throws WorkflowException {
        int z = nul(d, 0, "tEXt");
        return new String[] {latin1(d, 0, z), latin1(d, z + 1, d.length)};
    }

    private static String[] zTXt(byte[] d) throws WorkflowException {
        int z = nul(d, 0, "zTXt");
        String key = latin1(d, 0, z);
        if (z + 1 >= d.length || d[z + 1] != 0) throw new WorkflowException("PNG zTXt chunk '" + key + "' has an unknown compression method", null, key);
        byte[] v = inflate(Arrays.copyOfRange(d, z + 2, d.length), key);
        return new String[] {key, new String(v, StandardCharsets.ISO_8859_1)};
    }

    private static String[] iTXt(byte[] d) throws WorkflowException {
        int z = nul(d, 0, "iTXt");
        String key = latin1(d, 0, z);
        if (z + 2 >= d.length) throw new WorkflowException("PNG iTXt chunk '" + key + "' is cut short", null, key);
        boolean compressed = d[z + 1] == 1;
        int lang = nul(d, z + 3, "iTXt");
        int translated = nul(d, lang + 1, "iTXt");
        byte[] v = Arrays.copyOfRange(d, translated + 1, d.length);
        if (compressed) v = inflate(v, key);
        return new String[] {key, new String(v, StandardCharsets.UTF_8)};
    }

    private static int nul(byte[] d, int from, String chunk) throws WorkflowException {
        for (int i = from; i < d.length; i++) if (d[i] == 0) return i;
        throw new WorkflowException("PNG " + chunk + " chunk without its NUL separator", null, "png");
    }

    private static String latin1(byte[] d, int from, int to) {
        return new String(d, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] inflate(byte[] data, String key) throws WorkflowException {
        Inflater inf = new Inflater();
        inf.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4);
        byte[] buf = new byte[16384];
        try {
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                out.write(buf, 0, n);
                if (out.size() > MAX_TEXT) throw new WorkflowException("PNG text chunk '" + key + "' is larger than 64 MB", null, key);
            }
        } catch (DataFormatException e) {
            throw new WorkflowException("PNG text chunk '" + key + "' is not valid compressed data: " + e.getMessage(), null, key);
        } finally {
            inf.end();
        }
        return out.toByteArray();
    }
}
