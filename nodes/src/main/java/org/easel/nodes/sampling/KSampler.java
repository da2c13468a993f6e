package org.easel.nodes.sampling;

import java.math.BigInteger;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;
import org.easel.engine.schema.Types;
import org.easel.nodes.diffusion.Samplers;
import org.easel.nodes.diffusion.Schedulers;
import org.easel.nodes.sd3.SamplingRun;
import org.easel.nodes.sd3.Sd3Model;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.Latent;

/** Denoises a latent with the model, guided by positive and negative conditioning. */
public final class KSampler implements Node {
    static final BigInteger MAX_SEED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static final NodeSchema SCHEMA = NodeSchema.builder("KSampler").displayName("KSampler")
            .category("sampling").description("Uses the provided model, positive and negative conditioning to denoise the latent image.")
            .required(InputSpec.socket("model", Types.MODEL).tooltip("The model used for denoising the input latent."),
                    InputSpec.integer("seed", 0, BigInteger.ZERO, MAX_SEED).controlAfterGenerate()
                            .tooltip("The random seed used for creating the noise."),
                    InputSpec.integer("steps", 20, 1, 10000).tooltip("The number of steps used in the denoising process."),
                    InputSpec.number("cfg", 8.0, 0.0, 100.0).step(0.1).round(0.01)
                            .tooltip("Classifier-Free Guidance scale: higher follows the prompt more closely."),
                    InputSpec.combo("sampler_name", Samplers.NAMES).tooltip("The algorithm used when sampling."),
                    InputSpec.combo("scheduler", Schedulers.NAMES).tooltip("How the noise levels are spaced."),
                    InputSpec.socket("positive", Types.CONDITIONING).tooltip("What to include in the image."),
                    InputSpec.socket("negative", Types.CONDITIONING).tooltip("What to exclude from the image."),
                    InputSpec.socket("latent_image", Types.LATENT).tooltip("The latent image to denoise."),
                    InputSpec.number("denoise", 1.0, 0.0, 1.0).step(0.01)
                            .tooltip("How much of the latent is replaced: below 1 keeps the input's structure (img2img)."))
            .output(new OutputSpec(Types.LATENT, Types.LATENT, false, "The denoised latent."))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
        Sd3Model model = in.get("model", Sd3Model.class);
        String sampler = in.getString("sampler_name");
        double[] sigmas = Schedulers.sigmasForSampler(in.getString("scheduler"), sampler, model.sampling(),
                in.getInt("steps"), in.getDouble("denoise"));
        Latent out = SamplingRun.sample(ctx, model, in.getLong("seed"), in.getDouble("cfg"), sampler, sigmas,
                in.get("positive", Conditioning.class), in.get("negative", Conditioning.class), in.get("latent_image", Latent.class), true);
        return NodeOutput.of(out);
    }
}
