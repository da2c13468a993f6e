package org.easel.nodes.latent;

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

/** Encodes large images tile by tile (overlapping, blended) so memory stays bounded. */
public final class VAEEncodeTiled implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("VAEEncodeTiled").displayName("VAE Encode (Tiled)")
            .category("_for_testing").description("Encodes images in overlapping tiles to bound memory.")
            .required(InputSpec.socket("pixels", Types.IMAGE), InputSpec.socket("vae", Types.VAE),
                    InputSpec.integer("tile_size", 512, 64, 4096).step(64),
                    InputSpec.integer("overlap", 64, 0, 4096).step(32),
                    InputSpec.integer("temporal_size", 64, 8, 4096).step(4),
                    InputSpec.integer("temporal_overlap", 8, 4, 4096).step(4))
            .output(Types.LATENT).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
        FloatTensor px = VAEEncode.cropToMultiple(in, in.get("pixels", FloatTensor.class), 8);
        Sd3Vae vae = in.get("vae", Sd3Vae.class);
        OnnxRuntime rt = OnnxRuntime.of(ctx.env());
        int tile = in.getInt("tile_size");
        int overlap = in.getInt("overlap");
        FloatTensor latent = Tiling.run(ImageScaling.toPlanar(px), tile, tile, overlap, 1, 8,
                t -> vae.encode(rt, ImageScaling.toInterleaved(t)), (d, n) -> ctx.progress(d, n));
        return NodeOutput.of(new Latent(latent));
    }
}
