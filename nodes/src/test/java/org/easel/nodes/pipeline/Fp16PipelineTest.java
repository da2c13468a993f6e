package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.pipeline.Pipeline.Picture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FP16 demo models run through the same workflow (ModelSession converts at the edges) and draw nearly the same picture. */
class Fp16PipelineTest {
    @TempDir
    static Path base;
    static Path fp16Models;

    @BeforeAll
    static void setUp() throws Exception {
        fp16Models = base.resolve("models16");
        DemoModels.write(fp16Models, DemoModels.Precision.FP16);
    }

    @Test
    void fp16ModelsAreReallyFp16() {
        Path transformer = DemoModels.checkpointDir(fp16Models).resolve("transformer/model.onnx");
        try (OnnxRuntime.Lease lease = Pipeline.runtime().acquire(transformer)) {
            assertEquals(OnnxJavaType.FLOAT16, lease.session().inputInfo("hidden_states").type);
            assertEquals(OnnxJavaType.FLOAT16, lease.session().inputInfo("pooled_projections").type);
        }
        Path fp32 = DemoModels.checkpointDir(Pipeline.models()).resolve("transformer/model.onnx");
        try (OnnxRuntime.Lease lease = Pipeline.runtime().acquire(fp32)) {
            assertEquals(OnnxJavaType.FLOAT, lease.session().inputInfo("hidden_states").type);
        }
    }

    @Test
    void fp16PictureIsCloseToFp32() throws Exception {
        ObjectNode prompt = Pipeline.textToImage("a red circle in the center", "", 512, 512, 42, 20, 4.5, "euler", "sgm_uniform", "easel");
        Picture p32 = new Pipeline(Files.createDirectories(base.resolve("run32"))).picture(prompt);
        Picture p16 = new Pipeline(Files.createDirectories(base.resolve("run16")), fp16Models).picture(prompt);
        double diff = p32.meanAbsDiff(p16);
        double[] c = p16.centroid(p16::red);
        System.out.printf("fp16 vs fp32: mean abs pixel diff %.5f; fp16 red centre %.3f centroid (%.3f, %.3f) grain %.4f%n", diff,
                p16.fraction(p16::red, 0.35, 0.35, 0.65, 0.65), c[0], c[1], p16.cornerStd());
        assertTrue(p16.fraction(p16::red, 0.35, 0.35, 0.65, 0.65) > 0.8, "fp16 draws the red circle in the centre");
        assertEquals(0.5, c[0], 0.05);
        assertTrue(p16.cornerStd() < 0.06, "fp16 background is clean: " + p16.cornerStd());
        assertTrue(diff < 0.02, "fp16 ≈ fp32, mean abs diff " + diff);
    }
}
