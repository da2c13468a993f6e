package org.easel.engine.exec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.easel.engine.prompt.Link;

/**
 * Computes cache keys as ComfyUI's input signatures do, as a Merkle digest: a node's key hashes its
 * class type, its fingerprint ("is changed"), its literal inputs, and for each link the source's key
 * and output index — so node ids never matter, and a change anywhere changes the key of the node and
 * of every node downstream, but not upstream. SHA-256, truncated to 128 bits.
 */
final class Signatures {
    private static final AtomicLong NONCE = new AtomicLong(System.nanoTime());
    private final MessageDigest sha;
    private final byte[] buf8 = new byte[8];

    Signatures() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param fingerprint the node's outside-state fingerprint (null = none, {@code alwaysChanged} = fresh key)
     * @param nodeId      included only for non-idempotent nodes (else null)
     * @param keys        keys of the nodes already computed (sources)
     */
    CacheKey key(String classType, Object fingerprint, boolean alwaysChanged, String nodeId,
                 Map<String, Object> inputs, Map<String, CacheKey> keys) {
        sha.reset();
        str("class");
        str(classType);
        if (alwaysChanged) {
            str("nonce");
            lng(NONCE.incrementAndGet());
        } else if (fingerprint != null) {
            str("fp");
            str(fingerprint instanceof JsonNode j ? j.toString() : fingerprint.toString());
        }
        if (nodeId != null) {
            str("id");
            str(nodeId);
        }
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            str(e.getKey());
            Object v = e.getValue();
            if (v instanceof Link l) {
                CacheKey k = keys.get(l.nodeId());
                sha.update((byte) 'L');
                lng(k.hi());
                lng(k.lo());
                lng(l.index());
            } else if (v instanceof Long x) {
                sha.update((byte) 'i');
                lng(x);
            } else if (v instanceof Double x) {
                sha.update((byte) 'f');
                lng(Double.doubleToLongBits(x));
            } else if (v instanceof Boolean x) {
                sha.update((byte) (x ? 'T' : 'F'));
            } else if (v instanceof String s) {
                sha.update((byte) 's');
                str(s);
            } else {
                sha.update((byte) 'j');
                str(String.valueOf(v));
            }
        }
        byte[] d = sha.digest();
        return new CacheKey(toLong(d, 0), toLong(d, 8));
    }

    private void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        lng(b.length);
        sha.update(b);
    }

    private void lng(long v) {
        for (int i = 0; i < 8; i++) buf8[i] = (byte) (v >>> (8 * i));
        sha.update(buf8);
    }

    private static long toLong(byte[] d, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (d[off + i] & 0xff);
        return v;
    }
}
