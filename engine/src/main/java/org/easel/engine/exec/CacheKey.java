package org.easel.engine.exec;

/** A 128-bit digest of a node's input signature (class, literal inputs, ancestors' signatures, fingerprint). */
public record CacheKey(long hi, long lo) {
    @Override
    public String toString() { return String.format("%016x%016x", hi, lo); }
}
