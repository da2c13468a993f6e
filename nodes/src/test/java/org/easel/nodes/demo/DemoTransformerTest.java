package org.easel.nodes.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DemoTransformerTest {
    static final int K = DemoVocabulary.COMPONENTS;
    static final float[] TEMPLATES = DemoTemplates.latentTemplates();

    /** Bilinear resize with half-pixel centres and edge clamping (ONNX Resize linear, half_pixel). */
    static double[][] resizedTemplates(int h, int w) {
        int s = DemoTemplates.SIZE;
        double[][] out = new double[K][16 * h * w];
        for (int k = 0; k < K; k++) {
            for (int c = 0; c < 16; c++) {
                for (int y = 0; y < h; y++) {
                    double sy = Math.min(Math.max((y + 0.5) * s / h - 0.5, 0), s - 1);
                    int y0 = (int) Math.floor(sy), y1 = Math.min(y0 + 1, s - 1);
                    double fy = sy - y0;
                    for (int x = 0; x < w; x++) {
                        double sx = Math.min(Math.max((x + 0.5) * s / w - 0.5, 0), s - 1);
                        int x0 = (int) Math.floor(sx), x1 = Math.min(x0 + 1, s - 1);
                        double fx = sx - x0;
                        int base = (k * 16 + c) * s * s;
                        double v = (1 - fy) * ((1 - fx) * TEMPLATES[base + y0 * s + x0] + fx * TEMPLATES[base + y0 * s + x1])
                                + fy * ((1 - fx) * TEMPLATES[base + y1 * s + x0] + fx * TEMPLATES[base + y1 * s + x1]);
                        out[k][(c * h + y) * w + x] = v;
                    }
                }
            }
        }
        return out;
    }

    /** Component weights of the posterior (log-space softmax), double precision. */
    static double[] weights(double[][] mu, double[] x, double[] pooled, double sigma) {
        double a = 1 - sigma, s2 = DemoGraphs.S * DemoGraphs.S, v = a * a * s2 + sigma * sigma;
        double[] logit = new double[K];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) {
            double prior = 0;
            int[] attrs = DemoVocabulary.componentAttributes(k);
            for (int attr : new int[] {attrs[0], attrs[1]}) {         // colour and shape from the pooled vector
                prior += 0.5 * pooled[attr] + 0.5 * pooled[DemoGraphs.CLIP_L_WIDTH + attr];
            }
            // position from the context DemoTestSupport builds: each encoder's code carries the word count
            double n = pooled[attrs[2]];
            prior += (DemoGraphs.W_CLIP_L + DemoGraphs.W_CLIP_G + DemoGraphs.W_T5) * n;
            double d = 0;
            for (int i = 0; i < x.length; i++) {
                double e = x[i] - a * mu[k][i];
                d += e * e;
            }
            logit[k] = DemoGraphs.BETA * prior - d / (2 * v);
            max = Math.max(max, logit[k]);
        }
        double z = 0;
        for (int k = 0; k < K; k++) z += Math.exp(logit[k] - max);
        double[] w = new double[K];
        for (int k = 0; k < K; k++) w[k] = Math.exp(logit[k] - max) / z;
        return w;
    }

    /** Reference velocity (x − x̂0)/σ. */
    static double[] velocity(double[][] mu, double[] x, double[] pooled, double sigma) {
        sigma = Math.min(Math.max(sigma, DemoGraphs.MIN_SIGMA), 1);
        double a = 1 - sigma, s2 = DemoGraphs.S * DemoGraphs.S, v = a * a * s2 + sigma * sigma, c = a * s2 / v;
        double[] w = weights(mu, x, pooled, sigma);
        double[] u = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double x0 = 0;
            for (int k = 0; k < K; k++) x0 += w[k] * (mu[k][i] + c * (x[i] - a * mu[k][i]));
            u[i] = (x[i] - x0) / sigma;
        }
        return u;
    }

    static double[] sample(double[][] mu, int k, double sigma, Random r) {
        double[] x = new double[mu[0].length];
        for (int i = 0; i < x.length; i++) {
            double x0 = mu[k][i] + DemoGraphs.S * r.nextGaussian();
            x[i] = (1 - sigma) * x0 + sigma * r.nextGaussian();
        }
        return x;
    }

    private void checkBatch(int h, int w, double s0, double s1, Random r) throws Exception {
        double[][] mu = resizedTemplates(h, w);
        int d = 16 * h * w;
        double[][] xs = {sample(mu, 5, s0, r), new double[d]};
        for (int i = 0; i < d; i++) xs[1][i] = r.nextGaussian(); // pure noise
        float[][] pooled = {DemoTestSupport.pooledFor("red", "circle", "left"), DemoTestSupport.pooledFor("blue", "square")};
        for (int i = 0; i < pooled[1].length; i++) pooled[1][i] *= 0.1f; // weak prompt: prior and data compete, β matters
        double[] sig = {s0, s1};
        float[] xin = new float[2 * d];
        float[] pin = new float[2 * DemoGraphs.POOLED_WIDTH];
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < d; i++) xin[b * d + i] = (float) xs[b][i];
            System.arraycopy(pooled[b], 0, pin, b * DemoGraphs.POOLED_WIDTH, DemoGraphs.POOLED_WIDTH);
        }
        float[] out = DemoTestSupport.transformer(xin, 2, h, w, pin, new float[] {(float) (s0 * 1000), (float) (s1 * 1000)});
        assertEquals(2 * d, out.length);
        for (int b = 0; b < 2; b++) {
            double[] xd = new double[d];
            for (int i = 0; i < d; i++) xd[i] = xin[b * d + i]; // same float-rounded input
            double[] pd = new double[DemoGraphs.POOLED_WIDTH];
            for (int i = 0; i < pd.length; i++) pd[i] = pooled[b][i];
            double[] ref = velocity(mu, xd, pd, sig[b]);
            double maxErr = 0, maxRef = 0;
            for (int i = 0; i < d; i++) {
                maxErr = Math.max(maxErr, Math.abs(out[b * d + i] - ref[i]));
                maxRef = Math.max(maxRef, Math.abs(ref[i]));
            }
            assertTrue(maxErr <= 2e-3 * (1 + maxRef),
                    "h=" + h + " w=" + w + " item " + b + " sigma " + sig[b] + ": max error " + maxErr + " (max |u| " + maxRef + ")");
        }
    }

    @Test
    void matchesReferenceSquare() throws Exception {
        Random r = new Random(1);
        double[][] pairs = {{0.05, 1.0}, {0.3, 0.6}, {0.9, 0.15}};
        for (double[] p : pairs) checkBatch(64, 64, p[0], p[1], r);
    }

    @Test
    void matchesReferenceNonSquare() throws Exception {
        Random r = new Random(2);
        checkBatch(96, 64, 0.5, 0.08, r);
        checkBatch(40, 72, 0.2, 0.95, r);
    }

    @Test
    void promptSelectsComponentAtSmallSigma() throws Exception {
        int h = 32, w = 32, d = 16 * h * w;
        double[][] mu = resizedTemplates(h, w);
        int k = DemoVocabulary.component(DemoVocabulary.COLOURS.indexOf("red"), DemoVocabulary.SHAPES.indexOf("circle"),
                DemoVocabulary.POSITIONS.indexOf("left"));
        double sigma = 0.05;
        double[] x = sample(mu, k, sigma, new Random(3));
        float[] pooled = DemoTestSupport.pooledFor("red", "circle", "left");
        double[] pd = new double[pooled.length];
        for (int i = 0; i < pd.length; i++) pd[i] = pooled[i];
        assertTrue(weights(mu, x, pd, sigma)[k] > 0.999, "reference weight on red-circle-left");

        float[] xin = new float[d];
        for (int i = 0; i < d; i++) xin[i] = (float) x[i];
        float[] u = DemoTestSupport.transformer(xin, 1, h, w, pooled, new float[] {(float) (sigma * 1000)});
        // x̂0 from the graph must be that component's posterior mean
        double a = 1 - sigma, s2 = DemoGraphs.S * DemoGraphs.S, v = a * a * s2 + sigma * sigma, c = a * s2 / v;
        double err = 0, otherGap = Double.MAX_VALUE;
        for (int i = 0; i < d; i++) {
            double x0 = xin[i] - sigma * u[i];
            err = Math.max(err, Math.abs(x0 - (c * xin[i] + (1 - c * a) * mu[k][i])));
        }
        assertTrue(err < 1e-3, "x̂0 off the red-circle-left posterior mean by " + err);
        int other = DemoVocabulary.component(0, 0, 2); // red circle center
        double gap = 0;
        for (int i = 0; i < d; i++) gap = Math.max(gap, Math.abs((1 - c * a) * (mu[k][i] - mu[other][i])));
        assertTrue(gap > 100 * err, "test would not distinguish components");
    }

    @Test
    void zeroPromptGivesUniformPriorAndWordsShiftIt() throws Exception {
        int h = 32, w = 32, d = 16 * h * w;
        double[][] mu = resizedTemplates(h, w);
        float[] x = new float[2 * d];
        Random r = new Random(4);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] pooled = new float[2 * DemoGraphs.POOLED_WIDTH];
        float[] red = DemoTestSupport.pooledFor("red");
        System.arraycopy(red, 0, pooled, DemoGraphs.POOLED_WIDTH, red.length);
        // σ = 1: x carries no information, so x̂0 = Σ prior_k μ_k
        float[] u = DemoTestSupport.transformer(x, 2, h, w, pooled, new float[] {1000f, 1000f});
        double errUniform = 0, errRed = 0, redVsAll = 0;
        for (int i = 0; i < d; i++) {
            double all = 0, reds = 0;
            for (int k = 0; k < K; k++) {
                all += mu[k][i] / K;
                if (DemoVocabulary.componentColour(k) == 0) reds += mu[k][i] / 9;
            }
            errUniform = Math.max(errUniform, Math.abs((x[i] - u[i]) - all));
            errRed = Math.max(errRed, Math.abs((x[d + i] - u[d + i]) - reds));
            redVsAll = Math.max(redVsAll, Math.abs(reds - all));
        }
        assertTrue(errUniform < 1e-4, "uniform prior mean off by " + errUniform);
        assertTrue(errRed < 1e-4, "'red' prior mean off by " + errRed);
        assertTrue(redVsAll > 0.1);
    }
}
