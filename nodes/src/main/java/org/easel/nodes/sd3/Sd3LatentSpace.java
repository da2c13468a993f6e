package org.easel.nodes.sd3;

/**
 * SD3 latent constants: VAE scale/shift, the 16×3 latent→RGB preview factors with bias (ComfyUI
 * {@code latent_formats.SD3}), and their minimum-norm inverse. RGB values are in [−1, 1].
 */
public final class Sd3LatentSpace {
    private Sd3LatentSpace() {}

    public static final int CHANNELS = 16;
    public static final double SCALING_FACTOR = 1.5305;
    public static final double SHIFT_FACTOR = 0.0609;

    /** F[k][c]: latent channel k → RGB channel c. */
    public static final double[][] FACTORS = {
        {-0.0922, -0.0175, 0.0749},
        {0.0311, 0.0633, 0.0954},
        {0.1994, 0.0927, 0.0458},
        {0.0856, 0.0339, 0.0902},
        {0.0587, 0.0272, -0.0496},
        {-0.0006, 0.1104, 0.0309},
        {0.0978, 0.0306, 0.0427},
        {-0.0042, 0.1038, 0.1358},
        {-0.0194, 0.0020, 0.0669},
        {-0.0488, 0.0130, -0.0268},
        {0.0922, 0.0988, 0.0951},
        {-0.0278, 0.0524, -0.0542},
        {0.0332, 0.0456, 0.0895},
        {-0.0069, -0.0030, -0.0810},
        {-0.0596, -0.0465, -0.0293},
        {-0.1448, -0.1463, -0.1189},
    };
    public static final double[] BIAS = {0.2394, 0.2135, 0.1925};

    /** INVERSE[k][c] = (F (FᵀF)⁻¹)[k][c]: latent = INVERSE · (rgb − bias). */
    public static final double[][] INVERSE = pseudoInverse();

    private static double[][] pseudoInverse() {
        double[][] g = new double[3][3];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                for (int k = 0; k < CHANNELS; k++) g[a][b] += FACTORS[k][a] * FACTORS[k][b];
        double[][] inv = invert3(g);
        double[][] out = new double[CHANNELS][3];
        for (int k = 0; k < CHANNELS; k++)
            for (int c = 0; c < 3; c++)
                for (int a = 0; a < 3; a++) out[k][c] += FACTORS[k][a] * inv[a][c];
        return out;
    }

    private static double[][] invert3(double[][] m) {
        double a = m[0][0], b = m[0][1], c = m[0][2], d = m[1][0], e = m[1][1], f = m[1][2], g = m[2][0], h = m[2][1], i = m[2][2];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        return new double[][] {
            {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det},
            {(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det},
            {(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det},
        };
    }

    /** Model-latent vector (16) for one RGB pixel in [−1, 1]. */
    public static double[] rgbToLatent(double r, double g, double b) {
        double[] d = {r - BIAS[0], g - BIAS[1], b - BIAS[2]};
        double[] x = new double[CHANNELS];
        for (int k = 0; k < CHANNELS; k++) x[k] = INVERSE[k][0] * d[0] + INVERSE[k][1] * d[1] + INVERSE[k][2] * d[2];
        return x;
    }

    /** RGB (in [−1, 1], unclamped) of one model-latent vector. */
    public static double[] latentToRgb(double[] x) {
        double[] rgb = BIAS.clone();
        for (int k = 0; k < CHANNELS; k++)
            for (int c = 0; c < 3; c++) rgb[c] += x[k] * FACTORS[k][c];
        return rgb;
    }
}
