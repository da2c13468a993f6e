package org.easel.nodes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeException;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.engine.validation.ValidationError;
import org.easel.engine.validation.ValidationResult;
import org.easel.nodes.onnx.Device;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.pipeline.Pipeline.Picture;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.Validator;

/** What the text-to-image pipeline tells the user when something is wrong. */
class PipelineErrorsTest {
    @TempDir
    static Path base;
    static Pipeline pipe;

    /** A test node: a 4-channel latent filled with a constant (like an SD1.5/SDXL VAE latent). */
    static final class FourChannelLatent implements Node {
        static final NodeSchema SCHEMA = NodeSchema.builder("TestFourChannelLatent").category("testing")
                .required(InputSpec.number("value", 0.5, -10, 10)).output(Types.LATENT).build();

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeContext ctx, NodeInputs in) {
            float[] v = new float[4 * 16 * 16];
            Arrays.fill(v, (float) in.getDouble("value"));
            return NodeOutput.of(new Latent(FloatTensor.wrap(v, 1, 4, 16, 16)));
        }
    }

    @BeforeAll
    static void setUp() {
        NodeRegistry registry = NodeRegistry.load().register(new FourChannelLatent());
        pipe = new Pipeline(base, Pipeline.models(), registry);
    }

    @Test
    void missingCheckpointIsValueNotInList() {
        ObjectNode p = Pipeline.textToImage("a red circle", 128, 128, 1);
        Pipeline.inputs(p, "4").put("ckpt_name", "no-such-model");
        ValidationResult v = pipe.validate(p);
        assertFalse(v.ok());
        assertEquals("prompt_outputs_failed_validation", v.error().type());
        ValidationResult.NodeErrors ne = v.nodeErrors().get("4");
        assertNotNull(ne, "errors on the loader: " + v.nodeErrorsJson());
        assertEquals("CheckpointLoaderSimple", ne.classType());
        ValidationError e = ne.errors().get(0);
        assertEquals("value_not_in_list", e.type());
        assertEquals("ckpt_name", e.inputName());
        assertTrue(e.details().contains("no-such-model") && e.details().contains("easel-tiny-sd3"), e.details());
        assertEquals(List.of("9"), ne.dependentOutputs());
    }

    @Test
    void nonEmptyFourChannelLatentIsAClearErrorNamingTheSampler() {
        ObjectNode p = Pipeline.textToImage("a red circle", 128, 128, 1);
        Pipeline.node(p, "5", "TestFourChannelLatent", "value", 0.5);
        ExecutionResult r = pipe.execute(p, null, null);
        assertFalse(r.success());
        assertFalse(r.interrupted());
        assertEquals("3", r.error().get("node_id"));
        assertEquals("KSampler", r.error().get("node_type"));
        String msg = String.valueOf(r.error().get("exception_message"));
        assertTrue(msg.contains("4 channels") && msg.contains("16") && msg.contains("EmptySD3LatentImage"), msg);
        assertEquals(NodeException.class.getName(), r.error().get("exception_type"));
        assertEquals(List.of(), r.error().get("traceback"), "an expected error: no stack trace");
        assertTrue(r.errorMessage().startsWith("node #3 (KSampler)"), r.errorMessage());
    }

    @Test
    void emptyFourChannelLatentIsWidenedLikeComfyUi() {
        ObjectNode p = Pipeline.textToImage("a red circle in the center", "", 256, 256, 2, 12, 4.5, "euler", "sgm_uniform", "sd15");
        Pipeline.node(p, "5", "EmptyLatentImage", "width", 256, "height", 256, "batch_size", 1);
        Picture pic = pipe.picture(p);
        assertEquals(256, pic.width());
        assertTrue(pic.fraction(pic::red, 0.4, 0.4, 0.6, 0.6) > 0.8, "red circle from an SD1.5-style empty latent");
    }

    @Test
    void vaeDecodeOfAFourChannelLatentNamesTheInput() {
        ObjectNode p = Pipeline.textToImage("a red circle", 128, 128, 1);
        Pipeline.node(p, "5", "TestFourChannelLatent", "value", 0.5);
        Pipeline.inputs(p, "8").set("samples", Pipeline.linkNode("5", 0));
        ExecutionResult r = pipe.execute(p, null, null);
        assertFalse(r.success());
        assertEquals("8", r.error().get("node_id"));
        assertEquals("VAEDecode", r.error().get("node_type"));
        String msg = String.valueOf(r.error().get("exception_message"));
        assertTrue(msg.contains("4 channels"), msg);
    }

    @Test
    void cudaOnTheCpuBuildIsAClearError() {
        assumeFalse(Device.cudaBuildPresent(), "this test is for the CPU build");
        NodeException e = assertThrows(NodeException.class, () -> new OnnxRuntime("cuda", null, 1 << 30));
        assertTrue(e.getMessage().contains("GPU"), e.getMessage());
        assertTrue(e.getMessage().contains("CPU-only"), e.getMessage());
        assertTrue(e.getMessage().contains("cuda"), e.getMessage());
        NodeException e1 = assertThrows(NodeException.class, () -> new OnnxRuntime("cuda:1", null, 1 << 30));
        assertTrue(e1.getMessage().contains("GPU"), e1.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new OnnxRuntime("tpu", null, 1 << 30));
        assertTrue(bad.getMessage().contains("cpu, cuda"), bad.getMessage());
        assertEquals(Device.CPU, new OnnxRuntime("auto", null, 1 << 30).device());
    }

    @Test
    void cudaEnvironmentFailsTheLoaderNodeWithThatMessage() throws Exception {
        assumeFalse(Device.cudaBuildPresent(), "this test is for the CPU build");
        Environment env = new Environment(Pipeline.models(), base.resolve("in2"),
                base.resolve("cuda-out"), base.resolve("t2"), base.resolve("u2"), "cuda");
        Files.createDirectories(env.outputDir());
        Validator validator = new Validator(Pipeline.REGISTRY, env);
        Prompt prompt = Prompt.of(Pipeline.textToImage("a red circle", 128, 128, 1));
        ValidationResult v = validator.validate(prompt);
        assertTrue(v.ok());
        ExecutionResult r = new Executor(env, new OutputCache(1 << 20))
                .execute(prompt, v, "cuda", null, null);
        assertFalse(r.success());
        String msg = String.valueOf(r.error().get("exception_message"));
        assertTrue(msg.contains("GPU"), r.errorMessage());
    }
}
