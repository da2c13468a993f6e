package org.easel.nodes.diffusion;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * k-diffusion style samplers for rectified-flow (ComfyUI {@code CONST}) models such as SD3/SD3.5.
 *
 * <p>Every sampler is a function of (denoiser, x, sigmas, noise): {@code x} is already noised to
 * {@code sigmas[0]} (e.g. {@link FlowModelSampling#noiseScaling}), {@code sigmas} is descending and
 * normally ends with 0, and the result is x at the last sigma. The caller's {@code x} is never
 * modified. Coefficients and per-element updates are computed in double; the state is stored as
 * float, like ComfyUI's float32 tensors. The probability-flow ODE is the k-diffusion one,
 * {@code dx/dsigma = (x - D(x, sigma)) / sigma}, which for flow models is exactly the velocity.
 *
 * <p>Samplers (the table {@link #ALL}: adding one is a line there plus its function; ComfyUI order and names;
 * stochastic ones use eta = 1, s_noise = 1):
 * <ul>
 *   <li><b>euler</b>: {@code x += (x - D)/sigma * (sigma' - sigma)} (= diffusers FlowMatchEuler).</li>
 *   <li><b>euler_ancestral</b>: ComfyUI's rectified-flow variant {@code sample_euler_ancestral_RF}:
 *       downstep {@code sigma_down = sigma' (1 + (sigma'/sigma - 1) eta)}, then rescale by
 *       {@code (1 - sigma')/(1 - sigma_down)} and add noise {@code sqrt(sigma'^2 - sigma_down^2 (1-sigma')^2/(1-sigma_down)^2)}.</li>
 *   <li><b>heun</b>: Heun's second-order method (Euler on the last step to sigma = 0).</li>
 *   <li><b>dpm_2</b>: DPM-Solver-2 midpoint at the geometric mean of the sigmas (Euler to sigma = 0).
 *       ComfyUI drops the penultimate sigma for it, see {@link Schedulers#sigmasForSampler}.</li>
 *   <li><b>dpmpp_sde</b>: DPM-Solver++ (stochastic, r = 1/2) in half-log-SNR
 *       {@code lambda = ln((1-sigma)/sigma)}: the EPS algorithm applied to the variance-exploding
 *       equivalent {@code y = x/(1-sigma)}, {@code sigma~ = sigma/(1-sigma)} and mapped back. Like
 *       k-diffusion's Brownian-tree noise, the second sub-step's noise is the Brownian increment over
 *       [sigma', sigma] that contains the first sub-step's increment over [sigma_mid, sigma]:
 *       {@code z2 = sqrt(span1/span) z1 + sqrt(span2/span) z_new} (two draws per step).</li>
 *   <li><b>dpmpp_2m</b>: DPM-Solver++(2M) in {@code t = -ln sigma} (ComfyUI/SAI; the same code for flow
 *       and EPS models; its first-order step is exactly Euler for flow).</li>
 *   <li><b>dpmpp_2m_sde</b>: DPM-Solver++(2M) SDE, midpoint solver, in half-log-SNR with
 *       {@code alpha = 1 - sigma} (ComfyUI's CONST treatment).</li>
 *   <li><b>lcm</b>: {@code x = D}, then re-noise to the next sigma with flow noise scaling
 *       {@code sigma' eps + (1 - sigma') D}.</li>
 *   <li><b>ddim</b>: in ComfyUI this is the euler sampler (with random-noise inpainting, irrelevant here).</li>
 *   <li><b>uni_pc</b>, <b>uni_pc_bh2</b>: UniPC multistep (data prediction, orders up to 3, predictor
 *       UniP + corrector UniC, lower-order final steps; B(h) = h for bh1 and e^h - 1 for bh2), in
 *       {@code lambda = -ln sigma}. Differs from ComfyUI in the last step: ComfyUI stops at sigma = 0.001;
 *       here the final first-order step goes exactly to sigma = 0 (x = D). ComfyUI drops the
 *       penultimate sigma for these samplers, see {@link Schedulers#sigmasForSampler}.</li>
 * </ul>
 *
 * <p>SNR-based samplers (dpmpp_sde, dpmpp_2m_sde) cannot use sigma = 1 (lambda = -inf); like
 * ComfyUI's {@code offset_first_sigma_for_snr}, a first sigma &ge; 1 is replaced by
 * {@code percent_to_sigma(1e-4)} of the model sampling, both for the model call and the step
 * coefficients.
 */
public final class Samplers {
    /** One sampler's algorithm: {@code x} is the caller's copy and may be updated in place. */
    @FunctionalInterface
    public interface Algorithm {
        float[] sample(Denoiser model, float[] x, double[] sigmas, NoiseSource noise, StepCallback cb) throws Exception;
    }

    /**
     * A sampler: its ComfyUI name; whether it uses no noise after the initial latent; whether ComfyUI's
     * KSampler drops the penultimate sigma for it; whether it works in log-SNR and so needs the first sigma
     * offset below 1; and the function.
     */
    public record Sampler(String name, boolean deterministic, boolean discardsPenultimateSigma, boolean logSnr,
                          Algorithm algorithm) {}

    private static final boolean DETERMINISTIC = true, STOCHASTIC = false, DISCARD = true, KEEP = false, SNR = true, PLAIN = false;

    /** Every sampler, in ComfyUI's order. */
    public static final List<Sampler> ALL = List.of(
            new Sampler("euler", DETERMINISTIC, KEEP, PLAIN, (m, x, s, n, cb) -> euler(m, x, s, cb)),
            new Sampler("euler_ancestral", STOCHASTIC, KEEP, PLAIN, Samplers::eulerAncestralRF),
            new Sampler("heun", DETERMINISTIC, KEEP, PLAIN, (m, x, s, n, cb) -> heun(m, x, s, cb)),
            new Sampler("dpm_2", DETERMINISTIC, DISCARD, PLAIN, (m, x, s, n, cb) -> dpm2(m, x, s, cb)),
            new Sampler("dpmpp_sde", STOCHASTIC, KEEP, SNR, Samplers::dpmppSde),
            new Sampler("dpmpp_2m", DETERMINISTIC, KEEP, PLAIN, (m, x, s, n, cb) -> dpmpp2m(m, x, s, cb)),
            new Sampler("dpmpp_2m_sde", STOCHASTIC, KEEP, SNR, Samplers::dpmpp2mSde),
            new Sampler("lcm", STOCHASTIC, KEEP, PLAIN, Samplers::lcm),
            new Sampler("ddim", DETERMINISTIC, KEEP, PLAIN, (m, x, s, n, cb) -> euler(m, x, s, cb)),
            new Sampler("uni_pc", DETERMINISTIC, DISCARD, PLAIN, (m, x, s, n, cb) -> uniPc(m, x, s, false, cb)),
            new Sampler("uni_pc_bh2", DETERMINISTIC, DISCARD, PLAIN, (m, x, s, n, cb) -> uniPc(m, x, s, true, cb)));

    /** Supported sampler names, in ComfyUI's order. */
    public static final List<String> NAMES = ALL.stream().map(Sampler::name).toList();

    private static final Map<String, Sampler> BY_NAME = ALL.stream().collect(Collectors.toUnmodifiableMap(Sampler::name, x -> x));

    private static final double ETA = 1.0;
    private static final double S_NOISE = 1.0;
    private static final double SNR_PERCENT_OFFSET = 1e-4;

    private Samplers() {
    }

    /** The sampler called {@code name} (case-insensitive). @throws IllegalArgumentException for an unknown name */
    public static Sampler get(String name) {
        Sampler s = BY_NAME.get(name == null ? "" : name.toLowerCase(Locale.ROOT));
        if (s == null) throw new IllegalArgumentException("unknown sampler '" + name + "'; known: " + NAMES);
        return s;
    }

    /** True for samplers that use no noise after the initial latent. */
    public static boolean isDeterministic(String name) {
        return get(name).deterministic();
    }

    /** ComfyUI KSampler's DISCARD_PENULTIMATE_SIGMA_SAMPLERS (of the samplers provided here). */
    public static boolean discardsPenultimateSigma(String name) {
        return get(name).discardsPenultimateSigma();
    }

    /** Samples with SD3 model sampling (shift 3) for the SNR offset of the first sigma. */
    public static float[] sample(String name, Denoiser model, float[] x, double[] sigmas, NoiseSource noise,
                                 StepCallback cb) throws Exception {
        return sample(name, model, x, sigmas, noise, cb, FlowModelSampling.sd3());
    }

    /**
     * Runs sampler {@code name}. {@code noise} may be null for deterministic samplers, {@code cb} may be
     * null. {@code ms} is only used for the first-sigma offset of the SNR-based samplers.
     */
    public static float[] sample(String name, Denoiser model, float[] x, double[] sigmas, NoiseSource noise,
                                 StepCallback cb, FlowModelSampling ms) throws Exception {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(sigmas, "sigmas");
        Sampler sampler = get(name);
        if (!sampler.deterministic() && noise == null) {
            throw new IllegalArgumentException("sampler " + sampler.name() + " needs a NoiseSource");
        }
        for (int i = 0; i < sigmas.length; i++) {
            if (!(sigmas[i] >= 0.0) || Double.isInfinite(sigmas[i])) {
                throw new IllegalArgumentException("bad sigma at " + i + ": " + sigmas[i]);
            }
        }
        float[] xs = x.clone();
        if (sigmas.length <= 1) return xs;
        StepCallback callback = cb == null ? (s, t, a, b) -> { } : cb;
        return sampler.algorithm().sample(model, xs, sampler.logSnr() ? snrSigmas(sigmas, ms) : sigmas, noise, callback);
    }

    private static double[] snrSigmas(double[] sigmas, FlowModelSampling ms) {
        if (sigmas[0] < 1.0) return sigmas;
        double[] s = sigmas.clone();
        s[0] = (ms == null ? FlowModelSampling.sd3() : ms).percentToSigma(SNR_PERCENT_OFFSET);
        return s;
    }

    private static float[] call(Denoiser model, float[] x, double sigma) throws Exception {
        float[] d = model.denoise(x, sigma);
        if (d == null || d.length != x.length) {
            throw new IllegalStateException("denoiser returned " + (d == null ? "null" : d.length + " values")
                    + " for a latent of " + x.length);
        }
        return d;
    }

    /** Half log-SNR of a flow model: ln((1 - sigma) / sigma). */
    static double halfLogSnr(double sigma) {
        return Math.log1p(-sigma) - Math.log(sigma);
    }

    // ---- euler / ddim ----------------------------------------------------------------------------

    private static float[] euler(Denoiser model, float[] x, double[] sigmas, StepCallback cb) throws Exception {
        int steps = sigmas.length - 1;
        for (int i = 0; i < steps; i++) {
            double s = sigmas[i];
            double s1 = sigmas[i + 1];
            float[] d = call(model, x, s);
            cb.onStep(i, steps, x, d);
            eulerStep(x, d, s, s1, x);
        }
        return x;
    }

    // ---- euler_ancestral (RF) ----------------------------------------------------------------------

    private static float[] eulerAncestralRF(Denoiser model, float[] x, double[] sigmas, NoiseSource noise,
                                            StepCallback cb) throws Exception {
        int steps = sigmas.length - 1;
        for (int i = 0; i < steps; i++) {
            double s = sigmas[i];
            double s1 = sigmas[i + 1];
            float[] d = call(model, x, s);
            cb.onStep(i, steps, x, d);
            if (s1 == 0.0) {
                System.arraycopy(d, 0, x, 0, x.length);
                continue;
            }
            double downRatio = 1.0 + (s1 / s - 1.0) * ETA;
            double sDown = s1 * downRatio;
            double alphaNext = 1.0 - s1;
            double alphaDown = 1.0 - sDown;
            double renoise = Math.sqrt(Math.max(0.0,
                    s1 * s1 - sDown * sDown * alphaNext * alphaNext / (alphaDown * alphaDown)));
            double a = sDown / s;
            double b = 1.0 - a;
            double scale = alphaNext / alphaDown;
            float[] z = ETA > 0 ? nextNoise(noise, x.length) : null;
            for (int j = 0; j < x.length; j++) {
                double v = a * x[j] + b * d[j];
                if (z != null) v = scale * v + z[j] * S_NOISE * renoise;
                x[j] = (float) v;
            }
        }
        return x;
    }

    /** One Euler step of the probability-flow ODE, x + (x − x̂0)/σ · (σ' − σ), into {@code out} (may be x). */
    static void eulerStep(float[] x, float[] denoised, double s, double s1, float[] out) {
        float k = (float) ((s1 - s) / s);            // float arithmetic: the loop vectorises
        for (int j = 0; j < x.length; j++) {
            float xj = x[j];
            out[j] = xj + (xj - denoised[j]) * k;
        }
    }

    // ---- heun ---------------------------------------------------------------------------------------

    private static float[] heun(Denoiser model, float[] x, double[] sigmas, StepCallback cb) throws Exception {
        int steps = sigmas.length - 1;
        float[] x2 = new float[x.length];
        for (int i = 0; i < steps; i++) {
            double s = sigmas[i];
            double s1 = sigmas[i + 1];
            float[] d = call(model, x, s);
            cb.onStep(i, steps, x, d);
            double dt = s1 - s;
            if (s1 == 0.0) {
                eulerStep(x, d, s, s1, x);
                continue;
            }
            eulerStep(x, d, s, s1, x2);
            float[] d2 = call(model, x2, s1);
            double half = 0.5 * dt;
            for (int j = 0; j < x.length; j++) {
                double xj = x[j];
                double slope1 = (xj - d[j]) / s;
                double slope2 = ((double) x2[j] - d2[j]) / s1;
                x[j] = (float) (xj + half * (slope1 + slope2));
            }
        }
        return x;
    }

    // ---- dpm_2 --------------------------------------------------------------------------------------

    private static float[] dpm2(Denoiser model, float[] x, double[] sigmas, StepCallback cb) throws Exception {
        int steps = sigmas.length - 1;
        float[] x2 = new float[x.length];
        for (int i = 0; i < steps; i++) {
            double s = sigmas[i];
            double s1 = sigmas[i + 1];
            float[] d = call(model, x, s);
            cb.onStep(i, steps, x, d);
            if (s1 == 0.0) {
                eulerStep(x, d, s, s1, x);
                continue;
            }
            double sMid = Math.exp(0.5 * (Math.log(s) + Math.log(s1)));
            double k1 = (sMid - s) / s;
            for (int j = 0; j < x.length; j++) {
                double xj = x[j];
                x2[j] = (float) (xj + (xj - d[j]) * k1);
            }
            float[] d2 = call(model, x2, sMid);
            double k2 = (s1 - s) / sMid;
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) (x[j] + ((double) x2[j] - d2[j]) * k2);
            }
        }
        return x;
    }

    // ---- dpmpp_2m -----------------------------------------------------------------------------------

    private static float[] dpmpp2m(Denoiser model, float[] x, double[] sigmas, StepCallback cb) throws Exception {
        int steps = sigmas.length - 1;
        float[] old = null;
        for (int i = 0; i < steps; i++) {
            double s = sigmas[i];
            double s1 = sigmas[i + 1];
            float[] d = call(model, x, s);
            cb.onStep(i, steps, x, d);
            double a = s1 / s;                       // sigma_fn(t_next) / sigma_fn(t)
            double b = 1.0 - a;                      // -expm1(-h)
            if (old == null || s1 == 0.0) {
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) (a * x[j] + b * d[j]);
                }
            } else {
                double t = -Math.log(s);
                double h = -Math.log(s1) - t;
                double hLast = t + Math.log(sigmas[i - 1]);
                double r = hLast / h;
                double c1 = 1.0 + 1.0 / (2.0 * r);
                double c0 = 1.0 / (2.0 * r);
                b = -Math.expm1(-h);
                for (int j = 0; j < x.length; j++) {
                    double dd = c1 * d[j] - c0 * old[j];
                    x[j] = (float) (a * x[j] + b * dd);
                }
            }
            old = d;
        }
        return x;
    }

    // ---- dpmpp_2m_sde (midpoint), half-log-SNR for flow ---------------------------------------------

    private static float[] dpmpp2mSde(Denoiser model, float[] x, double[] sigmas, NoiseSource noise,
                                      StepCallback cb) throws Exception {
        int steps = sigmas.length - 1;
        float[] old = null;
        double hLast = Double.NaN;
        for (int i = 0; i < steps; i++) {
            double s = sigmas[i];
            double s1 = sigmas[i + 1];
            float[] d = call(model, x, s);
            cb.onStep(i, steps, x, d);
            double h = Double.NaN;
            if (s1 == 0.0) {
                System.arraycopy(d, 0, x, 0, x.length);
            } else {
                h = halfLogSnr(s1) - halfLogSnr(s);
                double etaH = ETA * h;
                double alphaT = 1.0 - s1;
                double a = s1 / s * Math.exp(-etaH);
                double phi = -Math.expm1(-h - etaH);
                double b = alphaT * phi;
                double corr = 0.0;
                if (old != null) {
                    double r = hLast / h;
                    corr = 0.5 * alphaT * phi / r;
                }
                double noiseScale = s1 * Math.sqrt(-Math.expm1(-2.0 * etaH)) * S_NOISE;
                float[] z = ETA > 0 ? nextNoise(noise, x.length) : null;
                for (int j = 0; j < x.length; j++) {
                    double v = a * x[j] + b * d[j];
                    if (old != null) v += corr * ((double) d[j] - old[j]);
                    if (z != null) v += z[j] * noiseScale;
                    x[j] = (float) v;
                }
            }
            old = d;
            hLast = h;
        }
        return x;
    }

    // ---- dpmpp_sde, half-log-SNR for flow -----------------------------------------------------------

    private static float[] dpmppSde(Denoiser model, float[] x, double[] sigmas, NoiseSource noise,
                                    StepCallback cb) throws Exception {
        final double r = 0.5;
        final double fac = 1.0 / (2.0 * r);
        int steps = sigmas.length - 1;
        float[] x2 = new float[x.length];
        for (int i = 0; i < steps; i++) {
            double s = sigmas[i];
            double s1 = sigmas[i + 1];
            float[] d = call(model, x, s);
            cb.onStep(i, steps, x, d);
            if (s1 == 0.0) {
                System.arraycopy(d, 0, x, 0, x.length);
                continue;
            }
            double lamS = halfLogSnr(s);
            double lamT = halfLogSnr(s1);
            double h = lamT - lamS;
            double lamMid = lamS + r * h;
            // variance-exploding equivalents sigma~ = sigma/(1-sigma) = exp(-lambda)
            double vS = Math.exp(-lamS);
            double vMid = Math.exp(-lamMid);
            double vT = Math.exp(-lamT);
            double alphaS = 1.0 - s;
            double alphaMid = 1.0 / (1.0 + vMid);
            double sMid = vMid / (1.0 + vMid);
            double alphaT = 1.0 - s1;

            // step 1: ancestral step in y = x/alpha from sigma~_s to sigma~_mid
            double[] du = ancestral(vS, vMid, ETA);
            double ratio1 = du[0] / vS;
            double a1 = alphaMid / alphaS * ratio1;
            double b1 = alphaMid * (1.0 - ratio1);
            double n1 = alphaMid * du[1] * S_NOISE;
            float[] z1 = du[1] > 0 ? nextNoise(noise, x.length) : null;
            for (int j = 0; j < x.length; j++) {
                double v = a1 * x[j] + b1 * d[j];
                if (z1 != null) v += n1 * z1[j];
                x2[j] = (float) v;
            }
            float[] d2 = call(model, x2, sMid);

            // step 2: ancestral step from sigma~_s to sigma~_t with the blended denoised
            du = ancestral(vS, vT, ETA);
            double ratio2 = du[0] / vS;
            double a2 = alphaT / alphaS * ratio2;
            double b2 = alphaT * (1.0 - ratio2);
            double n2 = alphaT * du[1] * S_NOISE;
            float[] z2 = du[1] > 0 ? nextNoise(noise, x.length) : null;
            // Brownian-path noise (like k-diffusion's Brownian tree, over sigma): the increment over
            // [sigma_t, sigma_s] contains the sub-step's increment over [sigma_mid, sigma_s].
            double span1 = s - sMid;
            double span2 = sMid - s1;
            double w1 = z1 == null ? 0.0 : Math.sqrt(span1 / (span1 + span2));
            double w2 = z1 == null ? 1.0 : Math.sqrt(span2 / (span1 + span2));
            for (int j = 0; j < x.length; j++) {
                double dd = (1.0 - fac) * d[j] + fac * d2[j];
                double v = a2 * x[j] + b2 * dd;
                if (z2 != null) v += n2 * (w2 * z2[j] + (z1 == null ? 0.0 : w1 * z1[j]));
                x[j] = (float) v;
            }
        }
        return x;
    }

    /** k-diffusion get_ancestral_step: {sigma_down, sigma_up}. */
    private static double[] ancestral(double from, double to, double eta) {
        if (eta == 0.0) return new double[] {to, 0.0};
        double up = Math.min(to, eta * Math.sqrt(Math.max(0.0, to * to * (from * from - to * to) / (from * from))));
        double down = Math.sqrt(Math.max(0.0, to * to - up * up));
        return new double[] {down, up};
    }

    // ---- lcm ------------------------------------------------------------------------------------------

    private static float[] lcm(Denoiser model, float[] x, double[] sigmas, NoiseSource noise, StepCallback cb)
            throws Exception {
        int steps = sigmas.length - 1;
        for (int i = 0; i < steps; i++) {
            double s = sigmas[i];
            double s1 = sigmas[i + 1];
            float[] d = call(model, x, s);
            cb.onStep(i, steps, x, d);
            if (s1 > 0.0) {
                float[] z = nextNoise(noise, x.length);
                double a = 1.0 - s1;
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) (s1 * z[j] + a * d[j]);
                }
            } else {
                System.arraycopy(d, 0, x, 0, x.length);
            }
        }
        return x;
    }

    // ---- UniPC (bh1 / bh2), data prediction, multistep -----------------------------------------------

    private static float[] uniPc(Denoiser model, float[] x, double[] sigmas, boolean bh2, StepCallback cb)
            throws Exception {
        int steps = sigmas.length - 1;
        int order = Math.max(1, Math.min(3, steps - 1));
        // history of model outputs (most recent last) and their lambdas
        float[][] hist = new float[order][];
        double[] histLam = new double[order];
        int histLen = 0;

        float[] d0 = call(model, x, sigmas[0]);
        cb.onStep(0, steps, x, d0);
        hist[0] = d0;
        histLam[0] = -Math.log(sigmas[0]);
        histLen = 1;

        for (int step = 1; step <= steps; step++) {
            int k = step < order ? step : Math.min(order, steps + 1 - step);
            k = Math.min(k, histLen);
            boolean useCorrector = step != steps;
            double sPrev = sigmas[step - 1];
            double sT = sigmas[step];
            float[] dLast = hist[histLen - 1];
            if (sT == 0.0) {
                // first-order limit of the data-prediction step to sigma = 0
                System.arraycopy(dLast, 0, x, 0, x.length);
                if (useCorrector) {
                    // sigma 0 before the end of the schedule: keep going from the clean estimate
                    float[] dt = call(model, x, sT);
                    cb.onStep(step, steps, x, dt);
                }
                continue;
            }
            double lamS = histLam[histLen - 1];
            double lamT = -Math.log(sT);
            double h = lamT - lamS;
            double hh = -h;
            double hPhi1 = Math.expm1(hh);
            double bH = bh2 ? hPhi1 : hh;

            // rks for previous points (i = 1..k-1) and 1.0 for the corrector
            double[] rks = new double[k];
            for (int i = 1; i < k; i++) {
                rks[i - 1] = (histLam[histLen - 1 - i] - lamS) / h;
            }
            rks[k - 1] = 1.0;
            double[][] rMat = new double[k][k];
            double[] bVec = new double[k];
            double hPhiK = hPhi1 / hh - 1.0;
            double factorial = 1.0;
            for (int p = 0; p < k; p++) {
                for (int c = 0; c < k; c++) rMat[p][c] = Math.pow(rks[c], p);
                bVec[p] = hPhiK * factorial / bH;
                factorial *= (p + 2);
                hPhiK = hPhiK / hh - 1.0 / factorial;
            }
            double[] rhosP = null;
            if (k == 2) {
                rhosP = new double[] {0.5};
            } else if (k > 2) {
                rhosP = solve(subMatrix(rMat, k - 1), Arrays.copyOf(bVec, k - 1));
            }
            double[] rhosC = null;
            if (useCorrector) {
                rhosC = k == 1 ? new double[] {0.5} : solve(rMat, bVec);
            }
            // per-history coefficients: D1_i = (D_{prev i} - D_last) / r_i
            double[] pc = new double[k - 1];
            double[] cc = new double[k - 1];
            for (int i = 0; i < k - 1; i++) {
                pc[i] = rhosP[i] / rks[i];
                if (rhosC != null) cc[i] = rhosC[i] / rks[i];
            }
            double a = sT / sPrev;
            float[] xPred = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                double dl = dLast[j];
                double base = a * x[j] - hPhi1 * dl;
                double res = 0.0;
                for (int i = 0; i < k - 1; i++) res += pc[i] * (hist[histLen - 2 - i][j] - dl);
                xPred[j] = (float) (base - bH * res);
            }
            float[] dT = null;
            if (useCorrector) {
                dT = call(model, xPred, sT);
                double cLast = rhosC[k - 1];
                for (int j = 0; j < x.length; j++) {
                    double dl = dLast[j];
                    double base = a * x[j] - hPhi1 * dl;
                    double res = 0.0;
                    for (int i = 0; i < k - 1; i++) res += cc[i] * (hist[histLen - 2 - i][j] - dl);
                    res += cLast * (dT[j] - dl);
                    x[j] = (float) (base - bH * res);
                }
                cb.onStep(step, steps, x, dT);
                // push history
                if (histLen == order) {
                    System.arraycopy(hist, 1, hist, 0, order - 1);
                    System.arraycopy(histLam, 1, histLam, 0, order - 1);
                    histLen--;
                }
                hist[histLen] = dT;
                histLam[histLen] = lamT;
                histLen++;
            } else {
                System.arraycopy(xPred, 0, x, 0, x.length);
            }
        }
        return x;
    }

    private static double[][] subMatrix(double[][] m, int n) {
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) System.arraycopy(m[i], 0, out[i], 0, n);
        return out;
    }

    /** Solves A x = b (small dense systems) by Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] aIn, double[] bIn) {
        int n = bIn.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = aIn[i].clone();
        double[] b = bIn.clone();
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
            if (a[piv][col] == 0.0) throw new ArithmeticException("singular UniPC system");
            double[] tr = a[col]; a[col] = a[piv]; a[piv] = tr;
            double tb = b[col]; b[col] = b[piv]; b[piv] = tb;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                if (f == 0.0) continue;
                for (int c = col; c < n; c++) a[r][c] -= f * a[col][c];
                b[r] -= f * b[col];
            }
        }
        double[] out = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double v = b[r];
            for (int c = r + 1; c < n; c++) v -= a[r][c] * out[c];
            out[r] = v / a[r][r];
        }
        return out;
    }

    private static float[] nextNoise(NoiseSource noise, int length) {
        float[] z = noise.next();
        if (z == null || z.length != length) {
            throw new IllegalStateException("noise source returned " + (z == null ? "null" : z.length + " values")
                    + " for a latent of " + length);
        }
        return z;
    }
}
