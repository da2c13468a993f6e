package org.easel.nodes.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.Adler32;
import java.util.zip.Deflater;

/**
 * One zlib stream (RFC 1950) of a buffer, made on several cores when the buffer is large: the buffer is cut
 * into slices, each deflated raw on its own thread with the 32 KB before it as its dictionary (so matches reach
 * back across the cut) and ended with a sync flush, and the slices are joined between one zlib header and the
 * Adler-32 of the whole. Any inflater reads the result as one stream.
 */
public final class Zlib {
    /** Below this, one thread: the hand-off would cost more than it saves. */
    static final int PARALLEL_MIN = 256 * 1024;
    private static final int WINDOW = 32 * 1024;

    private Zlib() {}

    /** The zlib stream of {@code data} at {@code level} (0..9), on up to {@code availableProcessors} threads. */
    public static byte[] deflate(byte[] data, int level) {
        int slices = Math.min(Runtime.getRuntime().availableProcessors(), Math.max(1, data.length / (PARALLEL_MIN / 2)));
        return deflate(data, level, Math.min(slices, 8));
    }

    static byte[] deflate(byte[] data, int level, int slices) {
        if (slices <= 1 || data.length < PARALLEL_MIN) return serial(data, level);
        int size = (data.length + slices - 1) / slices;
        byte[][] parts = new byte[slices][];
        Slices.run(slices, 1, (first, end) -> {
            for (int i = first; i < end; i++) {
                int from = Math.min(data.length, i * size), to = Math.min(data.length, from + size);
                parts[i] = raw(data, from, to, level, i == slices - 1);
            }
        });
        Adler32 adler = new Adler32();
        adler.update(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
        out.write(0x78);
        out.write(flagByte(level));
        for (byte[] p : parts) out.writeBytes(p);
        long a = adler.getValue();
        out.write((int) (a >>> 24));
        out.write((int) (a >>> 16));
        out.write((int) (a >>> 8));
        out.write((int) a);
        return out.toByteArray();
    }

    /** The second header byte zlib itself writes for a level (FLEVEL, and FCHECK making the pair a multiple of 31). */
    static int flagByte(int level) {
        int flevel = level <= 1 ? 0 : level <= 5 ? 1 : level == 6 || level == -1 ? 2 : 3;
        int flg = flevel << 6;
        return flg + (31 - ((0x78 << 8) + flg) % 31) % 31;
    }

    private static byte[] serial(byte[] data, int level) {
        Deflater d = new Deflater(level);
        try {
            d.setInput(data);
            d.finish();
            return drain(d, data.length, Deflater.NO_FLUSH);
        } finally {
            d.end();
        }
    }

    /** Raw deflate of {@code data[from, to)}, primed with the window before it; sync-flushed, or finished when last. */
    private static byte[] raw(byte[] data, int from, int to, int level, boolean last) {
        Deflater d = new Deflater(level, true);
        try {
            if (from > 0) {
                int start = Math.max(0, from - WINDOW);
                d.setDictionary(data, start, from - start);
            }
            d.setInput(data, from, to - from);
            if (last) d.finish();
            return drain(d, to - from, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
        } finally {
            d.end();
        }
    }

    private static byte[] drain(Deflater d, int inputLength, int flush) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(inputLength / 2 + 64);
        byte[] buf = new byte[64 * 1024];
        if (flush == Deflater.SYNC_FLUSH) {
            // a sync flush is complete when it leaves room in the buffer
            int n;
            do {
                n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                out.write(buf, 0, n);
            } while (n == buf.length);
        } else {
            while (!d.finished()) {
                int n = d.deflate(buf);
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }
}
