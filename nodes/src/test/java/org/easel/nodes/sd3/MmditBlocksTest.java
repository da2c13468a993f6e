package org.easel.nodes.sd3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.easel.nodes.onnx.ModelFiles;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.types.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's MMDiT-X blocks: FLOP counts against the reference figures, and a small graph's behaviour. */
class MmditBlocksTest {
    @TempDir
    Path dir;

    @Test
    void flopCountsMatchTheReferenceFigures() {
        // SD 3.5 Medium's cost from its architecture numbers: 10.78 TFLOP per forward at 1024² with 154 text tokens, 11.25 with 333
        assertEquals(10.78e12, MmditBlocks.fullModelFlops(4096, 154, 1), 0.01e12);
        assertEquals(11.25e12, MmditBlocks.fullModelFlops(4096, 333, 1), 0.01e12);
        assertEquals(2 * MmditBlocks.fullModelFlops(4096, 154, 1), MmditBlocks.fullModelFlops(4096, 154, 2), 1e6);
        // 24 benchmark blocks (13 dual) cost the full model's blocks: within 1% (embeddings, the last block's text stream)
        double blocks = MmditBlocks.flops(new MmditBlocks.Spec(24, 4096, 154, 1));
        assertEquals(1.0, blocks / MmditBlocks.fullModelFlops(4096, 154, 1), 0.01);
        assertEquals(13, new MmditBlocks.Spec(24, 4096, 154, 1).dualBlocks());
        assertEquals(1, new MmditBlocks.Spec(2, 4096, 154, 1).dualBlocks());
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    /**
     * A small graph (width 64, 4 heads) behaves as joint attention blocks should: batch items are independent,
     * permuting the image tokens permutes the image output (no position inside the blocks), and the image
     * tokens attend to the text tokens.
     */
    @Test
    void smallBlocksAttendJointlyAndKeepBatchItemsApart() throws Exception {
        int ni = 6, nt = 4, d = 64;
        MmditBlocks.Spec spec = new MmditBlocks.Spec(2, ni, nt, 2, d, 4);
        MmditBlocks.Built built = MmditBlocks.write(dir, spec, 1);
        assertEquals(2 * 24 * d * d + (9 + 6) * d * d + 4 * d * d + (6 + 6) * d * d, built.parameters(), built.parameters() * 0.05,
                "weights of one dual and one plain block (biases and norms aside)");
        assertTrue(ModelFiles.of(built.model()).hasExternalData());
        Random r = new Random(5);
        float[] x = random(r, 2 * ni * d), c = random(r, 2 * nt * d), t = random(r, 2 * d);
        try (OnnxRuntime rt = new OnnxRuntime("cpu", null, 1L << 30); OnnxRuntime.Lease lease = rt.acquire(built.model())) {
            ModelSession s = lease.session();
            Map<String, FloatTensor> out = run(s, x, c, t, 2, ni, nt, d);
            FloatTensor img = out.get("out_hidden_states");
            assertArrayEquals(new int[]{2, ni, d}, img.shape());
            assertArrayEquals(new int[]{2, nt, d}, out.get("out_encoder_hidden_states").shape());
            for (int i = 0; i < img.size(); i++) assertTrue(Float.isFinite(img.get(i)));

            // item 1 alone gives item 1's output
            float[] x1 = slice(x, ni * d, 1), c1 = slice(c, nt * d, 1), t1 = slice(t, d, 1);
            FloatTensor alone = run(s, x1, c1, t1, 1, ni, nt, d).get("out_hidden_states");
            for (int i = 0; i < ni * d; i++) assertEquals(img.get(ni * d + i), alone.get(i), 1e-4, "batch items are independent");

            // swapping two image tokens swaps their outputs
            float[] xs = x1.clone();
            System.arraycopy(x1, 0, xs, 3 * d, d);
            System.arraycopy(x1, 3 * d, xs, 0, d);
            FloatTensor swapped = run(s, xs, c1, t1, 1, ni, nt, d).get("out_hidden_states");
            for (int i = 0; i < d; i++) {
                assertEquals(alone.get(i), swapped.get(3 * d + i), 1e-4);
                assertEquals(alone.get(3 * d + i), swapped.get(i), 1e-4);
                assertEquals(alone.get(d + i), swapped.get(d + i), 1e-4);
            }

            // other text tokens change the image tokens: the attention is joint
            float[] c2 = c1.clone();
            for (int i = 0; i < d; i++) c2[i] += (float) r.nextGaussian();     // not a constant shift: LayerNorm removes those
            FloatTensor other = run(s, x1, c2, t1, 1, ni, nt, d).get("out_hidden_states");
            double diff = 0;
            for (int i = 0; i < ni * d; i++) diff = Math.max(diff, Math.abs(other.get(i) - alone.get(i)));
            assertTrue(diff > 1e-3, "image output depends on the text tokens: " + diff);
        }
        assertTrue(Files.size(built.model()) < 100_000, "the graph file holds no weights");
    }

    static float[] slice(float[] a, int per, int item) {
        float[] out = new float[per];
        System.arraycopy(a, item * per, out, 0, per);
        return out;
    }

    static Map<String, FloatTensor> run(ModelSession s, float[] x, float[] c, float[] t, int b, int ni, int nt, int d) throws Exception {
        return s.run(Map.of("hidden_states", ModelSession.Input.of(x, b, ni, d), "encoder_hidden_states", ModelSession.Input.of(c, b, nt, d),
                "temb", ModelSession.Input.of(t, b, d)));
    }
}
