package org.easel.nodes.diffusion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sigma schedules ("schedulers") as in ComfyUI, computed for a {@link FlowModelSampling}. Every
 * schedule is descending and ends with 0. Arithmetic is in double (ComfyUI uses float32 tables, so
 * values agree to ~1e-7).
 *
 * <ul>
 *   <li><b>normal</b>: {@code sigma(linspace(timestep(sigmaMax), timestep(sigmaMin), N) / 1000)} + 0
 *       (= diffusers FlowMatchEulerDiscreteScheduler for SD3). If {@code sigma(end)} is ~0 (|.| &le; 1e-5)
 *       N+1 points are used and no 0 is appended.</li>
 *   <li><b>karras</b>: rho = 7 between sigmaMin and sigmaMax.</li>
 *   <li><b>exponential</b>: {@code exp(linspace(ln sigmaMax, ln sigmaMin, N))}.</li>
 *   <li><b>sgm_uniform</b>: like normal with {@code linspace(start, end, N+1)} minus its last point.</li>
 *   <li><b>simple</b>: {@code table[-(1 + int(x * 1000/N))]}, x = 0..N-1.</li>
 *   <li><b>ddim_uniform</b>: every {@code 1000/N}-th (integer division) table entry starting at index 1,
 *       reversed. Like ComfyUI this can yield more than N steps when 1000 is not divisible by N (e.g.
 *       29 steps for N = 28).</li>
 *   <li><b>beta</b>: alpha = beta = 0.6; {@code t = rint(ppf(1 - i/N) * 999)}, {@code table[t]}, consecutive
 *       duplicates skipped (so it can be shorter than N+1).</li>
 *   <li><b>linear_quadratic</b>: linear up to threshold 0.025 for N/2 steps, then quadratic; scaled by
 *       sigmaMax.</li>
 *   <li><b>kl_optimal</b>: {@code tan(w atan(sigmaMin) + (1-w) atan(sigmaMax))}, w = i/(N-1).</li>
 * </ul>
 */
public final class Schedulers {
    /** ComfyUI's {@code SCHEDULER_NAMES} order. */
    public static final List<String> NAMES = List.of(
            "normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta",
            "linear_quadratic", "kl_optimal");

    private Schedulers() {
    }

    /** Schedule for {@code steps} steps: normally length steps+1, last 0 (see class doc for exceptions). */
    public static double[] sigmas(String scheduler, FlowModelSampling ms, int steps) {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0: " + steps);
        if (steps == 0) return new double[0];
        String name = scheduler == null ? "" : scheduler.toLowerCase(Locale.ROOT);
        switch (name) {
            case "normal":
                return normal(ms, steps, false);
            case "karras":
                return karras(steps, ms.sigmaMin(), ms.sigmaMax(), 7.0);
            case "exponential":
                return exponential(steps, ms.sigmaMin(), ms.sigmaMax());
            case "sgm_uniform":
                return normal(ms, steps, true);
            case "simple":
                return simple(ms, steps);
            case "ddim_uniform":
                return ddimUniform(ms, steps);
            case "beta":
                return beta(ms, steps, 0.6, 0.6);
            case "linear_quadratic":
                return linearQuadratic(ms, steps, 0.025);
            case "kl_optimal":
                return klOptimal(steps, ms.sigmaMin(), ms.sigmaMax());
            default:
                throw new IllegalArgumentException("unknown scheduler '" + scheduler + "'; known: " + NAMES);
        }
    }

    /**
     * ComfyUI KSampler {@code set_steps}: denoise &gt; 0.9999 gives the full schedule; denoise &le; 0
     * gives an empty array; otherwise the schedule is computed for {@code int(steps/denoise)} steps and
     * its last {@code steps+1} values are kept.
     */
    public static double[] sigmasForDenoise(String scheduler, FlowModelSampling ms, int steps, double denoise) {
        if (Double.isNaN(denoise)) throw new IllegalArgumentException("denoise is NaN");
        if (denoise > 0.9999) return sigmas(scheduler, ms, steps);
        if (denoise <= 0.0) return new double[0];
        int newSteps = (int) (steps / denoise);
        double[] all = sigmas(scheduler, ms, newSteps);
        int keep = Math.min(all.length, steps + 1);
        double[] out = new double[keep];
        System.arraycopy(all, all.length - keep, out, 0, keep);
        return out;
    }

    /**
     * Like {@link #sigmasForDenoise} but with ComfyUI's KSampler rule for samplers that discard the
     * penultimate sigma (dpm_2, uni_pc, uni_pc_bh2; see {@link Samplers#discardsPenultimateSigma}): the
     * schedule is computed for steps+1 steps and its second-to-last value removed.
     */
    public static double[] sigmasForSampler(String scheduler, String sampler, FlowModelSampling ms, int steps,
                                            double denoise) {
        if (!Samplers.discardsPenultimateSigma(sampler)) {
            return sigmasForDenoise(scheduler, ms, steps, denoise);
        }
        double[] s = sigmasForDenoise(scheduler, ms, steps + 1, denoise);
        if (s.length < 2) return s;
        double[] out = new double[s.length - 1];
        System.arraycopy(s, 0, out, 0, s.length - 2);
        out[out.length - 1] = s[s.length - 1];
        return out;
    }

    // ---------------------------------------------------------------------------------------------

    /** numpy/torch linspace value i of n points from a to b (n &ge; 2). */
    private static double linspace(double a, double b, int n, int i) {
        if (n == 1) return a;
        if (i == n - 1) return b;
        return a + (b - a) * i / (n - 1);
    }

    static double[] normal(FlowModelSampling ms, int steps, boolean sgm) {
        double start = ms.timestep(ms.sigmaMax());
        double end = ms.timestep(ms.sigmaMin());
        boolean appendZero = true;
        int n;
        double[] ts;
        if (sgm) {
            n = steps;
            ts = new double[n];
            for (int i = 0; i < n; i++) ts[i] = linspace(start, end, steps + 1, i);
        } else {
            n = steps;
            if (Math.abs(ms.sigma(end / FlowModelSampling.MULTIPLIER)) <= 1e-5) {
                n = steps + 1;
                appendZero = false;
            }
            ts = new double[n];
            for (int i = 0; i < n; i++) ts[i] = linspace(start, end, n, i);
        }
        double[] out = new double[appendZero ? n + 1 : n];
        for (int i = 0; i < n; i++) out[i] = ms.sigma(ts[i] / FlowModelSampling.MULTIPLIER);
        return out;
    }

    static double[] simple(FlowModelSampling ms, int steps) {
        int len = FlowModelSampling.TIMESTEPS;
        double ss = len / (double) steps;
        double[] out = new double[steps + 1];
        for (int x = 0; x < steps; x++) {
            out[x] = ms.tableAt(len - 1 - (int) (x * ss));
        }
        return out;
    }

    static double[] ddimUniform(FlowModelSampling ms, int steps) {
        int len = FlowModelSampling.TIMESTEPS;
        List<Double> sigs = new ArrayList<>();
        int x = 1;
        int n = steps;
        if (Math.abs(ms.tableAt(x)) <= 1e-5) {
            n = steps + 1;
        } else {
            sigs.add(0.0);
        }
        int ss = Math.max(len / n, 1);
        while (x < len) {
            sigs.add(ms.tableAt(x));
            x += ss;
        }
        double[] out = new double[sigs.size()];
        for (int i = 0; i < out.length; i++) out[i] = sigs.get(sigs.size() - 1 - i);
        return out;
    }

    static double[] karras(int n, double sigmaMin, double sigmaMax, double rho) {
        double minInv = Math.pow(sigmaMin, 1.0 / rho);
        double maxInv = Math.pow(sigmaMax, 1.0 / rho);
        double[] out = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double ramp = linspace(0.0, 1.0, n, i);
            out[i] = Math.pow(maxInv + ramp * (minInv - maxInv), rho);
        }
        return out;
    }

    static double[] exponential(int n, double sigmaMin, double sigmaMax) {
        double a = Math.log(sigmaMax);
        double b = Math.log(sigmaMin);
        double[] out = new double[n + 1];
        for (int i = 0; i < n; i++) out[i] = Math.exp(linspace(a, b, n, i));
        return out;
    }

    static double[] beta(FlowModelSampling ms, int steps, double alpha, double beta) {
        int total = FlowModelSampling.TIMESTEPS - 1;
        double[] tmp = new double[steps + 1];
        int k = 0;
        double last = -1;
        for (int i = 0; i < steps; i++) {
            double q = 1.0 - (double) i / steps;
            double t = Math.rint(betaPpf(q, alpha, beta) * total);
            if (t != last) tmp[k++] = ms.tableAt((int) t);
            last = t;
        }
        double[] out = new double[k + 1];
        System.arraycopy(tmp, 0, out, 0, k);
        return out;
    }

    static double[] linearQuadratic(FlowModelSampling ms, int steps, double threshold) {
        double[] sched;
        if (steps == 1) {
            sched = new double[] {1.0, 0.0};
        } else {
            int linearSteps = steps / 2;
            sched = new double[steps + 1];
            for (int i = 0; i < linearSteps; i++) sched[i] = i * threshold / linearSteps;
            double stepDiff = linearSteps - threshold * steps;
            int quadSteps = steps - linearSteps;
            double quadCoef = stepDiff / (linearSteps * (double) quadSteps * quadSteps);
            double linCoef = threshold / linearSteps - 2.0 * stepDiff / ((double) quadSteps * quadSteps);
            double c = quadCoef * ((double) linearSteps * linearSteps);
            for (int i = linearSteps; i < steps; i++) {
                sched[i] = quadCoef * ((double) i * i) + linCoef * i + c;
            }
            sched[steps] = 1.0;
            for (int i = 0; i <= steps; i++) sched[i] = 1.0 - sched[i];
        }
        double smax = ms.sigmaMax();
        for (int i = 0; i < sched.length; i++) sched[i] *= smax;
        return sched;
    }

    static double[] klOptimal(int n, double sigmaMin, double sigmaMax) {
        double[] out = new double[n + 1];
        double amin = Math.atan(sigmaMin);
        double amax = Math.atan(sigmaMax);
        for (int i = 0; i < n; i++) {
            double w = n == 1 ? 0.0 : (double) i / (n - 1);
            out[i] = Math.tan(w * amin + (1.0 - w) * amax);
        }
        return out;
    }

    // ---- Beta distribution quantile (for the beta scheduler) -------------------------------------

    /** Quantile of Beta(a, b) at probability q, by bisection on the regularized incomplete beta. */
    static double betaPpf(double q, double a, double b) {
        if (q <= 0.0) return 0.0;
        if (q >= 1.0) return 1.0;
        if (a == b && q == 0.5) return 0.5; // exact by symmetry
        double lo = 0.0;
        double hi = 1.0;
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (regularizedBeta(mid, a, b) < q) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /** Regularized incomplete beta I_x(a, b), continued-fraction evaluation (modified Lentz). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0.0) return 0.0;
        if (x >= 1.0) return 1.0;
        if (x > (a + 1.0) / (a + b + 2.0)) {
            return 1.0 - regularizedBeta(1.0 - x, b, a);
        }
        double lnFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
        return Math.exp(lnFront) * betaContinuedFraction(x, a, b) / a;
    }

    private static double betaContinuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1.0;
        double d = 1.0 - (a + b) * x / (a + 1.0);
        if (Math.abs(d) < tiny) d = tiny;
        d = 1.0 / d;
        double f = d;
        for (int m = 1; m <= 1000; m++) {
            // even term
            double num = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
            d = 1.0 + num * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1.0 + num / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1.0 / d;
            f *= d * c;
            // odd term
            num = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
            d = 1.0 + num * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1.0 + num / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1.0 / d;
            double delta = d * c;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) break;
        }
        return f;
    }

    static double logBeta(double a, double b) {
        return logGamma(a) + logGamma(b) - logGamma(a + b);
    }

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /** ln Gamma(x) for x &gt; 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
    static double logGamma(double x) {
        if (x < 0.5) {
            // reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x)
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1.0 - x);
        }
        double z = x - 1.0;
        double s = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (z + i);
        double t = z + 7.5;
        return 0.5 * Math.log(2.0 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
    }
}
