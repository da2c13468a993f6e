package org.easel.nodes.latent;

import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.imaging.Tiling;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.sd3.Sd3Vae;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;

/** Decodes large latents tile by tile (overlapping, blended) so memory stays bounded. */
public final class VAEDecodeTiled implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAEDecodeTiled").displayName("VAE Decode (Tiled)")
            .category("_for_testing").description("Decodes latents in overlapping tiles to bound memory.")
            .required(InputSpec.socket("samples", Types.LATENT), InputSpec.socket("vae", Types.VAE),
                    InputSpec.integer("tile_size", 512, 64, 4096).step(32),
                    InputSpec.integer("overlap", 64, 0, 4096).step(32),
                    InputSpec.integer("temporal_size", 64, 8, 4096).step(4),
                    InputSpec.integer("temporal_overlap", 8, 4, 4096).step(4))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validate(NodeInputs in, Environment env) {
        if (in.get("tile_size") instanceof Long t && in.get("overlap") instanceof Long o && o > t / 4) {
            return "overlap: must be at most a quarter of tile_size (" + (t / 4) + ")";
        }
        return null;
    }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
        Latent l = in.get("samples", Latent.class);
        Sd3Vae vae = in.get("vae", Sd3Vae.class);
        OnnxRuntime rt = OnnxRuntime.of(ctx.env());
        int tile = in.getInt("tile_size") / 8;
        int overlap = in.getInt("overlap") / 8;
        FloatTensor planar = Tiling.run(l.samples(), tile, tile, overlap, 8, 1,
                t -> ImageScaling.toPlanar(vae.decode(rt, t)), (d, n) -> ctx.progress(d, n));
        return NodeOutput.of(ImageScaling.toInterleaved(planar));
    }
}
