package org.easel.nodes.upscale;

import ai.onnxruntime.OrtException;
import java.util.Map;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeException;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.codec.ImageConvert;
import org.easel.nodes.imaging.ImageScaling;
import org.easel.nodes.imaging.Tiling;
import org.easel.nodes.onnx.ModelSession;
import org.easel.nodes.onnx.OnnxRuntime;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Limits;

/**
 * Upscales an image with an upscale model, in 512-pixel tiles overlapping by 32 (memory stays bounded);
 * when a tile runs out of memory the tile size halves and the image starts again, as ComfyUI does.
 * Reports progress per tile; the result is clamped to 0..1.
 */
public final class ImageUpscaleWithModel implements Node {
    static final int TILE = 512;
    static final int OVERLAP = 32;
    static final int MIN_TILE = 64;

    private static final NodeSchema SCHEMA = NodeSchema.builder("ImageUpscaleWithModel").displayName("Upscale Image (using Model)")
            .category("image/upscaling").description("Upscales an image with a model, tile by tile.")
            .required(InputSpec.socket("upscale_model", Types.UPSCALE_MODEL), InputSpec.socket("image", Types.IMAGE))
            .output(Types.IMAGE).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
        UpscaleModel m = in.get("upscale_model", UpscaleModel.class);
        FloatTensor image = in.get("image", FloatTensor.class);
        if (image.rank() != 4) throw in.error("image", "expected an IMAGE [B,H,W,C], got " + image);
        long outSide = (long) Math.max(image.dim(1), image.dim(2)) * m.scale();
        if (outSide > Limits.MAX_RESOLUTION) {
            throw in.error("image", "the result would be " + outSide + " px on a side; the limit is " + Limits.MAX_RESOLUTION);
        }
        FloatTensor rgb = image.dim(3) == 3 ? image : ImageScaling.toInterleaved(firstChannels(ImageScaling.toPlanar(image), 3));
        return NodeOutput.of(upscale(ctx, OnnxRuntime.of(ctx.env()), m, rgb, TILE));
    }

    /** Tiled upscale of an RGB IMAGE; halves the tile on out-of-memory down to {@link #MIN_TILE}. */
    public static FloatTensor upscale(NodeContext ctx, OnnxRuntime rt, UpscaleModel m, FloatTensor rgb, int tile) throws Exception {
        try (OnnxRuntime.Lease lease = rt.acquire(m.file())) {
            ModelSession s = lease.session();
            String input = s.inputNames().iterator().next();
            String output = s.outputNames().iterator().next();
            FloatTensor planar = ImageScaling.toPlanar(rgb);
            for (int t = tile; ; t /= 2) {
                try {
                    FloatTensor out = Tiling.run(planar, t, t, OVERLAP, m.scale(), 1,
                            x -> s.run(Map.of(input, ModelSession.Input.of(x)), output).get(output),
                            ctx == null ? null : (d, n) -> ctx.progress(d, n));
                    float[] v = out.toArray();
                    for (int i = 0; i < v.length; i++) v[i] = v[i] < 0 ? 0 : v[i] > 1 ? 1 : v[i];
                    return ImageScaling.toInterleaved(FloatTensor.wrap(v, out.shape()));
                } catch (OutOfMemoryError | OrtException e) {
                    boolean memory = e instanceof OutOfMemoryError || String.valueOf(e.getMessage()).toLowerCase().contains("alloc");
                    if (!memory) throw e;
                    if (t / 2 < MIN_TILE) throw new NodeException("out of memory upscaling even with " + t + "-pixel tiles");
                }
            }
        }
    }

    private static FloatTensor firstChannels(FloatTensor planar, int c) {
        int b = planar.dim(0), h = planar.dim(2), w = planar.dim(3), pc = planar.dim(1);
        float[] out = new float[b * c * h * w];
        for (int n = 0; n < b; n++) {
            for (int ch = 0; ch < c; ch++) planar.copyTo(((n * pc) + Math.min(ch, pc - 1)) * h * w, out, (n * c + ch) * h * w, h * w);
        }
        return FloatTensor.wrap(out, b, c, h, w);
    }
}
