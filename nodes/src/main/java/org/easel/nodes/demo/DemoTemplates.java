package org.easel.nodes.demo;

import org.easel.nodes.sd3.Sd3LatentSpace;

/**
 * Renders the mixture means: for each component (colour, shape, position) a 128² picture of the
 * shape on a light background, box-downsampled to 32×32 and converted to SD3 model-latent space with
 * the minimum-norm inverse of the preview factors. Colours here are display values in [0, 1].
 */
public final class DemoTemplates {
    private DemoTemplates() {}

    public static final int RENDER_SIZE = 128;
    public static final int SIZE = 32;
    public static final double[] BACKGROUND = {0.84, 0.84, 0.82};
    /** Display RGB in [0, 1], in {@link DemoVocabulary#COLOURS} order. */
    public static final double[][] COLOUR_RGB = {
        {0.86, 0.14, 0.12}, // red
        {0.13, 0.62, 0.22}, // green
        {0.14, 0.30, 0.86}, // blue
        {0.96, 0.84, 0.12}, // yellow
        {0.55, 0.20, 0.70}, // purple
        {0.97, 0.52, 0.08}, // orange
        {0.99, 0.99, 0.99}, // white
        {0.07, 0.07, 0.08}, // black
    };
    /** Horizontal shape centre (fraction of width) per position: left, right, center. */
    public static final double[] POSITION_X = {0.25, 0.75, 0.5};
    public static final double CENTER_Y = 0.5;

    /** True when the point (u, v) in [0,1]² lies inside the shape (circle, square, triangle) centred at (cx, cy). */
    public static boolean inside(int shape, double u, double v, double cx, double cy) {
        double dx = u - cx, dy = v - cy;
        switch (shape) {
            case 0: return dx * dx + dy * dy <= 0.17 * 0.17;
            case 1: return Math.abs(dx) <= 0.15 && Math.abs(dy) <= 0.15;
            default: {
                // Upward triangle: apex (0, -0.18), base corners (±0.19, 0.15).
                if (dy > 0.15 || dy < -0.18) return false;
                double half = 0.19 * (dy + 0.18) / 0.33;
                return Math.abs(dx) <= half;
            }
        }
    }

    /** The 128² display-RGB picture of component k, [3][128][128] in [0, 1]. */
    public static double[][][] renderRgb(int k) {
        int n = RENDER_SIZE;
        double[] col = COLOUR_RGB[DemoVocabulary.componentColour(k)];
        int shape = DemoVocabulary.componentShape(k);
        double cx = POSITION_X[DemoVocabulary.componentPosition(k)];
        double[][][] img = new double[3][n][n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                boolean in = inside(shape, (x + 0.5) / n, (y + 0.5) / n, cx, CENTER_Y);
                for (int c = 0; c < 3; c++) img[c][y][x] = in ? col[c] : BACKGROUND[c];
            }
        }
        return img;
    }

    /** All K templates in model-latent space, flat [K,16,32,32]. */
    public static float[] latentTemplates() {
        int k = DemoVocabulary.COMPONENTS, ch = Sd3LatentSpace.CHANNELS, s = SIZE, f = RENDER_SIZE / SIZE;
        float[] out = new float[k * ch * s * s];
        for (int comp = 0; comp < k; comp++) {
            double[][][] img = renderRgb(comp);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    double[] rgb = new double[3];
                    for (int c = 0; c < 3; c++) {
                        double sum = 0;
                        for (int yy = 0; yy < f; yy++)
                            for (int xx = 0; xx < f; xx++) sum += img[c][y * f + yy][x * f + xx];
                        rgb[c] = 2 * sum / (f * f) - 1; // display [0,1] → [−1,1]
                    }
                    double[] lat = Sd3LatentSpace.rgbToLatent(rgb[0], rgb[1], rgb[2]);
                    for (int c = 0; c < ch; c++) out[((comp * ch + c) * s + y) * s + x] = (float) lat[c];
                }
            }
        }
        return out;
    }
}
