package org.easel.nodes.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.nodes.codec.ImageConvert;
import org.easel.nodes.types.FloatTensor;

/** Loads one channel of an image from the input folder as a MASK (alpha is inverted: 1 − alpha). */
public final class LoadImageMask implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LoadImageMask").displayName("Load Image (as Mask)")
            .category("mask").description("Loads one channel of an image as a mask.")
            .required(InputSpec.combo("image", InputFiles::images).with("image_upload", true).selfValidated(),
                    InputSpec.combo("channel", List.of("alpha", "red", "green", "blue")))
            .output(Types.MASK).build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public String validate(NodeInputs in, Environment env) {
        return InputFiles.invalidImage(env, in.get("image"));
    }

    @Override
    public Object fingerprint(NodeInputs in, Environment env) throws Exception {
        Path p = InputFiles.resolve(env, in.getString("image"));
        return p == null ? null : InputFiles.sha256(p) + ":" + in.get("channel");
    }

    @Override
    public NodeOutput execute(NodeContext ctx, NodeInputs in) throws IOException {
        Path p = InputFiles.resolve(ctx.env(), in.getString("image"));
        if (p == null) throw in.error("image", "Invalid image file: " + in.getString("image"));
        try {
            ImageConvert.load(p);                      // size and format checks with clear messages
        } catch (IllegalArgumentException e) {
            throw in.error("image", e.getMessage());
        }
        BufferedImage img = ImageIO.read(p.toFile());
        if (img == null) throw in.error("image", "Invalid image file: " + in.getString("image"));
        String channel = in.getString("channel");
        boolean alpha = channel.equals("alpha");
        if (alpha && !img.getColorModel().hasAlpha()) return NodeOutput.of(FloatTensor.zeros(1, 64, 64));
        int w = img.getWidth();
        int h = img.getHeight();
        float[] m = new float[w * h];
        Raster r = img.getRaster();
        boolean gray = img.getColorModel().getNumColorComponents() == 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                int v = switch (channel) {
                    case "red" -> (argb >> 16) & 0xff;
                    case "green" -> (argb >> 8) & 0xff;
                    case "blue" -> argb & 0xff;
                    default -> (argb >>> 24) & 0xff;
                };
                if (gray && !alpha) v = r.getSample(x, y, 0) * 255 / ((1 << r.getSampleModel().getSampleSize(0)) - 1);
                float f = v / 255f;
                m[y * w + x] = alpha ? 1f - f : f;
            }
        }
        return NodeOutput.of(FloatTensor.wrap(m, 1, h, w));
    }
}
