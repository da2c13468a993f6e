package org.easel.nodes.sampling;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.diffusion.Samplers;
import org.easel.nodes.diffusion.Schedulers;
import org.easel.nodes.sd3.SamplingRun;
import org.easel.nodes.sd3.Sd3Model;
import org.easel.nodes.types.Conditioning;
import org.easel.nodes.types.Latent;

/** KSampler with control over noise and the range of steps (for multi-stage sampling). */
public final class KSamplerAdvanced implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("KSamplerAdvanced").displayName("KSampler (Advanced)")
            .category("sampling").description("KSampler that can run part of the schedule and keep leftover noise.")
            .required(InputSpec.socket("model", Types.MODEL),
                    InputSpec.combo("add_noise", List.of("enable", "disable")),
                    InputSpec.integer("noise_seed", 0, BigInteger.ZERO, KSampler.MAX_SEED).controlAfterGenerate(),
                    InputSpec.integer("steps", 20, 1, 10000),
                    InputSpec.number("cfg", 8.0, 0.0, 100.0).step(0.1).round(0.01),
                    InputSpec.combo("sampler_name", Samplers.NAMES),
                    InputSpec.combo("scheduler", Schedulers.NAMES),
                    InputSpec.socket("positive", Types.CONDITIONING),
                    InputSpec.socket("negative", Types.CONDITIONING),
                    InputSpec.socket("latent_image", Types.LATENT),
                    InputSpec.integer("start_at_step", 0, 0, 10000),
                    InputSpec.integer("end_at_step", 10000, 0, 10000),
                    InputSpec.combo("return_with_leftover_noise", List.of("disable", "enable")))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
        Sd3Model model = in.get("model", Sd3Model.class);
        String sampler = in.getString("sampler_name");
        int steps = in.getInt("steps");
        int start = in.getInt("start_at_step");
        int end = in.getInt("end_at_step");
        Latent latent = in.get("latent_image", Latent.class);
        double[] sigmas = Schedulers.sigmasForSampler(in.getString("scheduler"), sampler, model.sampling(), steps, 1.0);
        boolean forceFullDenoise = "disable".equals(in.getString("return_with_leftover_noise"));
        // ComfyUI's KSampler.sample: the step range counts the schedule's own steps, which can differ from
        // `steps` (ddim_uniform may have more, beta fewer). Cut at end_at_step (ending at σ = 0 unless the
        // leftover noise is wanted), then start at start_at_step; nothing left to do returns the latent.
        if (end < sigmas.length - 1) {
            sigmas = Arrays.copyOf(sigmas, end + 1);
            if (forceFullDenoise) sigmas[end] = 0;
        }
        if (start >= sigmas.length - 1) return NodeOutput.of(latent);
        sigmas = Arrays.copyOfRange(sigmas, start, sigmas.length);
        Latent out = SamplingRun.sample(ctx, model, in.getLong("noise_seed"), in.getDouble("cfg"), sampler, sigmas,
                in.get("positive", Conditioning.class), in.get("negative", Conditioning.class), latent,
                "enable".equals(in.getString("add_noise")));
        return NodeOutput.of(out);
    }
}
