package org.easel.nodes.diffusion;

import java.util.stream.IntStream;

/**
 * Reproducible standard-normal noise. The algorithm is fixed and written out here so results are the
 * same bit for bit on every platform and Java version:
 *
 * <ol>
 *   <li><b>Uniform source: SplitMix64</b> (Steele, Lea &amp; Flood 2014), implemented in this class.
 *       State {@code s} starts at the seed; each draw does {@code s += 0x9E3779B97F4A7C15L}, then
 *       {@code z = s; z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L; z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
 *       return z ^ (z >>> 31)}.</li>
 *   <li><b>Uniform doubles</b>: {@code u = (draw >>> 11) * 2^-53}, in [0, 1).</li>
 *   <li><b>Box–Muller</b>: from two consecutive uniforms u1, u2:
 *       {@code r = sqrt(-2 ln(1 - u1))}, {@code z0 = r cos(2 pi u2)}, {@code z1 = r sin(2 pi u2)}, computed
 *       with {@link StrictMath} (fdlibm, bit-reproducible), emitted in the order z0, z1 and rounded to
 *       float. For an odd count the last pair's z1 is discarded.</li>
 * </ol>
 *
 * {@link #gaussian(long, int)} uses the seed directly as the initial state. {@link #source(long, int)}
 * (for ancestral/SDE samplers) uses a separate stream whose initial state is
 * {@code mix64(seed ^ 0x5DEECE66DA3B9F21L)} ({@code mix64} being the SplitMix64 output function above);
 * successive {@link NoiseSource#next()} calls continue that one stream, {@code count} values each. So
 * the sampler noise for a seed is independent of the initial latent noise for the same seed, and a
 * given (seed, count, call number) always yields the same values.
 */
public final class SeededNoise {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long STREAM_SALT = 0x5DEECE66DA3B9F21L;
    private static final double TWO_POW_M53 = 0x1.0p-53;
    private static final double TWO_PI = 2.0 * Math.PI;

    private long state;

    private SeededNoise(long state) {
        this.state = state;
    }

    /** {@code count} standard-normal floats from {@code seed} (see class doc for the exact algorithm). */
    public static float[] gaussian(long seed, int count) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0: " + count);
        float[] out = new float[count];
        new SeededNoise(seed).fill(out);
        return out;
    }

    /**
     * A {@link NoiseSource} for samplers: each {@code next()} returns {@code count} fresh standard-normal
     * floats, continuing one deterministic stream derived from {@code seed}. Not thread-safe.
     */
    public static NoiseSource source(long seed, int count) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0: " + count);
        SeededNoise gen = new SeededNoise(mix64(seed ^ STREAM_SALT));
        return () -> {
            float[] out = new float[count];
            gen.fill(out);
            return out;
        };
    }

    /** The SplitMix64 output function (a bijective 64-bit mixer). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Fills {@code out}, advancing the state past every draw. Pair k uses draws 2k+1 and 2k+2, and draw j
     * is {@code mix64(state + j·gamma)}, so large arrays are filled in parallel chunks with exactly the
     * values the sequential loop gives.
     */
    private void fill(float[] out) {
        int n = out.length;
        int pairs = (n + 1) / 2;
        long start = state;
        int chunk = 1 << 14;
        if (pairs <= chunk) {
            fillPairs(out, start, 0, pairs);
        } else {
            IntStream.range(0, (pairs + chunk - 1) / chunk).parallel()
                    .forEach(c -> fillPairs(out, start, c * chunk, Math.min(pairs, (c + 1) * chunk)));
        }
        state = start + 2L * pairs * GOLDEN_GAMMA;
    }

    private static void fillPairs(float[] out, long start, int fromPair, int toPair) {
        int n = out.length;
        for (int k = fromPair; k < toPair; k++) {
            long s1 = start + (2L * k + 1) * GOLDEN_GAMMA;
            double u1 = (mix64(s1) >>> 11) * TWO_POW_M53;
            double u2 = (mix64(s1 + GOLDEN_GAMMA) >>> 11) * TWO_POW_M53;
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u1));
            double theta = TWO_PI * u2;
            int i = 2 * k;
            out[i] = (float) (r * StrictMath.cos(theta));
            if (i + 1 < n) out[i + 1] = (float) (r * StrictMath.sin(theta));
        }
    }
}
