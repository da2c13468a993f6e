package org.easel.nodes.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.Map;
import org.easel.nodes.sd3.Sd3LatentSpace;
import org.junit.jupiter.api.Test;

class DemoVaeTest {

    @Test
    void pseudoInverseRoundTripIsExact() {
        double[] x = Sd3LatentSpace.rgbToLatent(0.3, -0.7, 0.9);
        assertArrayEquals(new double[] {0.3, -0.7, 0.9}, Sd3LatentSpace.latentToRgb(x), 1e-9);
    }

    @Test
    void encodeDecodeRoundTripOfSmoothPicture() throws Exception {
        int h = 96, w = 128;
        float[] img = new float[3 * h * w];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    img[(c * h + y) * w + x] = (float) (0.6 * Math.sin(2 * Math.PI * (x / (double) w + c / 3.0)) * Math.cos(Math.PI * y / h) + 0.1 * c);
        float[] params = DemoTestSupport.run1(DemoTestSupport.session("vae_encoder/model.onnx"),
                Map.of("sample", DemoTestSupport.floats(img, 1, 3, h, w)), "latent_parameters");
        int lh = h / 8, lw = w / 8, n = lh * lw;
        assertEquals(32 * n, params.length);
        for (int i = 16 * n; i < 32 * n; i++) assertEquals(-30f, params[i], 1e-5f);
        float[] mean = Arrays.copyOf(params, 16 * n);
        float[] rec = DemoTestSupport.run1(DemoTestSupport.session("vae_decoder/model.onnx"),
                Map.of("latent_sample", DemoTestSupport.floats(mean, 1, 16, lh, lw)), "sample");
        assertEquals(img.length, rec.length);
        double sum = 0, max = 0;
        for (int c = 0; c < 3; c++)
            for (int y = 4; y < h - 4; y++)
                for (int x = 4; x < w - 4; x++) {
                    int i = (c * h + y) * w + x;
                    double e = Math.abs(rec[i] - img[i]);
                    sum += e;
                    max = Math.max(max, e);
                }
        double meanErr = sum / (3.0 * (h - 8) * (w - 8));
        assertTrue(meanErr < 0.02, "mean abs error " + meanErr);
        assertTrue(max < 0.08, "max abs error " + max);
    }

    @Test
    void decodedTemplateShowsItsColourAtTheShapeCentre() throws Exception {
        float[] t = DemoTemplates.latentTemplates();
        int s = DemoTemplates.SIZE, n = 16 * s * s;
        OrtSession dec = DemoTestSupport.session("vae_decoder/model.onnx");
        for (String colour : new String[] {"red", "blue", "yellow", "black"}) {
            int ci = DemoVocabulary.COLOURS.indexOf(colour);
            int k = DemoVocabulary.component(ci, 1, 2); // square, center
            float[] z = new float[n];
            for (int i = 0; i < n; i++) {
                z[i] = (float) (t[k * n + i] / Sd3LatentSpace.SCALING_FACTOR + Sd3LatentSpace.SHIFT_FACTOR);
            }
            float[] rgb = DemoTestSupport.run1(dec, Map.of("latent_sample", DemoTestSupport.floats(z, 1, 16, s, s)), "sample");
            int p = 8 * s;
            for (int c = 0; c < 3; c++) {
                double centre = rgb[(c * p + p / 2) * p + p / 2];
                double corner = rgb[(c * p + 4) * p + 4];
                assertEquals(2 * DemoTemplates.COLOUR_RGB[ci][c] - 1, centre, 0.02, colour + " channel " + c);
                assertEquals(2 * DemoTemplates.BACKGROUND[c] - 1, corner, 0.02, "background channel " + c);
            }
        }
    }

    @Test
    void templatesLookLikeSd3Latents() {
        float[] t = DemoTemplates.latentTemplates();
        double sum = 0, sq = 0, max = 0;
        for (float v : t) {
            sum += v;
            sq += v * v;
            max = Math.max(max, Math.abs(v));
        }
        double mean = sum / t.length, std = Math.sqrt(sq / t.length - mean * mean);
        assertTrue(max < 5, "max |latent| " + max);
        assertTrue(std > 0.2 && std < 1.5, "std " + std);
    }

    @Test
    void shapesAreDynamic() throws Exception {
        OrtSession dec = DemoTestSupport.session("vae_decoder/model.onnx");
        try (OnnxTensor z = DemoTestSupport.floats(new float[2 * 16 * 5 * 7], 2, 16, 5, 7);
             OrtSession.Result r = dec.run(Map.of("latent_sample", z))) {
            assertArrayEquals(new long[] {2, 3, 40, 56}, ((OnnxTensor) r.get(0)).getInfo().getShape());
        }
    }
}
