package org.easel.engine.workflow;

import java.math.BigInteger;
import java.util.List;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.NodeRegistry;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;

/**
 * Schemas with the names, inputs, widget order and options of ComfyUI's core nodes (the ones the
 * converter tests use), so engine tests need not depend on the node library. They never execute.
 */
final class ComfyLikeNodes {
    private ComfyLikeNodes() {}

    static final BigInteger MAX_SEED = new BigInteger("18446744073709551615");
    static final List<String> SAMPLERS = List.of("euler", "euler_ancestral", "dpmpp_2m");
    static final List<String> SCHEDULERS = List.of("normal", "karras", "sgm_uniform", "simple");
    static final List<String> METHODS = List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos");

    record Schema(NodeSchema schema) implements Node {
        @Override
        public NodeOutput execute(NodeContext ctx, NodeInputs inputs) {
            throw new UnsupportedOperationException("conversion tests do not execute");
        }
    }

    static NodeRegistry registry() {
        NodeRegistry r = new NodeRegistry();
        for (NodeSchema s : schemas()) r.register(new Schema(s));
        return r;
    }

    static List<NodeSchema> schemas() {
        return List.of(
                NodeSchema.builder("CheckpointLoaderSimple").displayName("Load Checkpoint")
                        .required(InputSpec.combo("ckpt_name", List.of("sd.safetensors", "other.safetensors")))
                        .output("MODEL").output("CLIP").output("VAE").build(),
                NodeSchema.builder("CLIPTextEncode").displayName("CLIP Text Encode (Prompt)")
                        .required(InputSpec.string("text", "").multiline(), InputSpec.socket("clip", "CLIP"))
                        .output("CONDITIONING").build(),
                NodeSchema.builder("EmptyLatentImage").displayName("Empty Latent Image")
                        .required(InputSpec.integer("width", 512, 16, 16384).step(8), InputSpec.integer("height", 512, 16, 16384).step(8),
                                InputSpec.integer("batch_size", 1, 1, 4096))
                        .output("LATENT").build(),
                NodeSchema.builder("KSampler").displayName("KSampler")
                        .required(InputSpec.socket("model", "MODEL"),
                                InputSpec.integer("seed", 0, BigInteger.ZERO, MAX_SEED).controlAfterGenerate(),
                                InputSpec.integer("steps", 20, 1, 10000), InputSpec.number("cfg", 8.0, 0.0, 100.0),
                                InputSpec.combo("sampler_name", SAMPLERS), InputSpec.combo("scheduler", SCHEDULERS),
                                InputSpec.socket("positive", "CONDITIONING"), InputSpec.socket("negative", "CONDITIONING"),
                                InputSpec.socket("latent_image", "LATENT"), InputSpec.number("denoise", 1.0, 0.0, 1.0))
                        .output("LATENT").build(),
                // noise_seed declares no control: the editor adds one because of the name
                NodeSchema.builder("KSamplerAdvanced").displayName("KSampler (Advanced)")
                        .required(InputSpec.socket("model", "MODEL"), InputSpec.combo("add_noise", List.of("enable", "disable")),
                                InputSpec.integer("noise_seed", 0, BigInteger.ZERO, MAX_SEED), InputSpec.integer("steps", 20, 1, 10000),
                                InputSpec.number("cfg", 8.0, 0.0, 100.0), InputSpec.combo("sampler_name", SAMPLERS),
                                InputSpec.combo("scheduler", SCHEDULERS), InputSpec.socket("positive", "CONDITIONING"),
                                InputSpec.socket("negative", "CONDITIONING"), InputSpec.socket("latent_image", "LATENT"),
                                InputSpec.integer("start_at_step", 0, 0, 10000), InputSpec.integer("end_at_step", 10000, 0, 10000),
                                InputSpec.combo("return_with_leftover_noise", List.of("disable", "enable")))
                        .output("LATENT").build(),
                NodeSchema.builder("VAEDecode").displayName("VAE Decode")
                        .required(InputSpec.socket("samples", "LATENT"), InputSpec.socket("vae", "VAE")).output("IMAGE").build(),
                NodeSchema.builder("VAEEncode").displayName("VAE Encode")
                        .required(InputSpec.socket("pixels", "IMAGE"), InputSpec.socket("vae", "VAE")).output("LATENT").build(),
                NodeSchema.builder("SaveImage").displayName("Save Image").outputNode()
                        .required(InputSpec.socket("images", "IMAGE"), InputSpec.string("filename_prefix", "ComfyUI"))
                        .hidden("prompt", "PROMPT").hidden("extra_pnginfo", "EXTRA_PNGINFO").build(),
                NodeSchema.builder("LoadImage").displayName("Load Image")
                        .required(InputSpec.combo("image", List.of("example.png", "other.png")).with("image_upload", true))
                        .output("IMAGE").output("MASK").build(),
                NodeSchema.builder("ImageScale").displayName("Upscale Image")
                        .required(InputSpec.socket("image", "IMAGE"), InputSpec.combo("upscale_method", METHODS),
                                InputSpec.integer("width", 512, 0, 16384), InputSpec.integer("height", 512, 0, 16384),
                                InputSpec.combo("crop", List.of("disabled", "center")))
                        .output("IMAGE").build(),
                NodeSchema.builder("ImageInvert").displayName("Invert Image")
                        .required(InputSpec.socket("image", "IMAGE")).output("IMAGE").build(),
                NodeSchema.builder("ModelSamplingSD3").displayName("ModelSamplingSD3")
                        .required(InputSpec.socket("model", "MODEL"), InputSpec.number("shift", 3.0, 0.0, 100.0)).output("MODEL").build(),
                // a combo with its own control (the editor adds control_after_generate and control_filter_list)
                NodeSchema.builder("PickStyle").displayName("Pick Style")
                        .required(InputSpec.combo("style", List.of("a", "b", "c")).controlAfterGenerate(), InputSpec.string("suffix", ""))
                        .output("STRING").build(),
                // a widget that only takes links (forceInput) and a list-valued widget
                NodeSchema.builder("ListNode").displayName("List Node")
                        .required(InputSpec.integer("count", 1, 0, 100).forceInput(), InputSpec.string("items", ""))
                        .output("STRING").build());
    }
}
