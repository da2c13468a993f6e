package org.easel.server;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.NodeRegistry;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;

/** Test-only nodes in the spirit of ComfyUI's testing pack: tiny uniform images, a mix, a save, a sleep. */
final class TestNodes {
    private TestNodes() {}

    /** A uniform w×h gray image (value 0..1). */
    record TinyImage(int width, int height, double value) {}

    static NodeRegistry registry() {
        return NodeRegistry.load()
                .register(new StubImage()).register(new StubMask()).register(new StubInt())
                .register(new TestMix()).register(new TestSave()).register(new TestSleep())
                .register(new TestValidated());
    }

    static final class StubImage implements Node {
        static final NodeSchema S = NodeSchema.builder("StubImage").category("testing")
                .required(InputSpec.combo("content", List.of("WHITE", "BLACK", "NOISE")),
                        InputSpec.integer("height", 8, 1, 256), InputSpec.integer("width", 8, 1, 256))
                .output("IMAGE").build();
        @Override public NodeSchema schema() { return S; }
        @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) {
            double v = switch (in.getString("content")) {
                case "WHITE" -> 1.0;
                case "BLACK" -> 0.0;
                default -> Math.random();
            };
            return NodeOutput.of(new TinyImage(in.getInt("width"), in.getInt("height"), v));
        }
    }

    static final class StubMask implements Node {
        static final NodeSchema S = NodeSchema.builder("StubMask").category("testing")
                .required(InputSpec.number("value", 0.5, 0, 1)).output("MASK").build();
        @Override public NodeSchema schema() { return S; }
        @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) { return NodeOutput.of(in.getDouble("value")); }
    }

    static final class StubInt implements Node {
        static final NodeSchema S = NodeSchema.builder("StubInt").category("testing")
                .required(InputSpec.integer("value", 0, -1000, 1000)).output("INT").build();
        @Override public NodeSchema schema() { return S; }
        @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) { return NodeOutput.of(in.getLong("value")); }
    }

    /** image1·(1−mask) + image2·mask; fails at run time when the sizes differ. */
    static final class TestMix implements Node {
        static final NodeSchema S = NodeSchema.builder("TestMix").category("testing")
                .required(InputSpec.socket("image1", "IMAGE"), InputSpec.socket("image2", "IMAGE"), InputSpec.socket("mask", "MASK"))
                .output("IMAGE").build();
        @Override public NodeSchema schema() { return S; }
        @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) {
            TinyImage a = in.get("image1", TinyImage.class), b = in.get("image2", TinyImage.class);
            double m = in.getDouble("mask");
            if (a.width() != b.width() || a.height() != b.height()) {
                throw new IllegalStateException("The size of tensor a (" + a.width() + ") must match the size of tensor b (" + b.width() + ")");
            }
            return NodeOutput.of(new TinyImage(a.width(), a.height(), a.value() * (1 - m) + b.value() * m));
        }
    }

    /** Writes the image as PNG into the output folder and returns ComfyUI's UI {@code {"images": [...]}}. */
    static final class TestSave implements Node {
        static final NodeSchema S = NodeSchema.builder("TestSave").category("testing")
                .required(InputSpec.socket("images", "IMAGE"), InputSpec.string("filename_prefix", "Easel"))
                .outputNode().build();
        @Override public NodeSchema schema() { return S; }
        @Override public synchronized NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
            TinyImage img = in.get("images", TinyImage.class);
            Path dir = ctx.env().outputDir();
            Files.createDirectories(dir);
            String prefix = in.getString("filename_prefix");
            Path file;
            int i = 1;
            do {
                file = dir.resolve(String.format("%s_%05d_.png", prefix, i++));
            } while (Files.exists(file));
            Files.write(file, png(img));
            return NodeOutput.withUi(Map.of("images", List.of(Map.of("filename", file.getFileName().toString(), "subfolder", "", "type", "output"))));
        }
    }

    static byte[] png(TinyImage img) throws IOException {
        BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        int g = (int) Math.max(0, Math.min(255, Math.floor(img.value() * 255)));
        for (int y = 0; y < img.height(); y++) for (int x = 0; x < img.width(); x++) bi.setRGB(x, y, g << 16 | g << 8 | g);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(bi, "png", bos);
        return bos.toByteArray();
    }

    /** Passes its image through after {@code seconds}, reporting progress (and a preview) every 20 ms; interruptible. */
    static final class TestSleep implements Node {
        static final NodeSchema S = NodeSchema.builder("TestSleep").category("testing")
                .required(InputSpec.socket("value", "IMAGE"), InputSpec.number("seconds", 1, 0, 120))
                .output("IMAGE").build();
        @Override public NodeSchema schema() { return S; }
        @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
            long steps = Math.max(1, Math.round(in.getDouble("seconds") * 50));
            byte[] preview = null;
            for (long i = 0; i < steps; i++) {
                ctx.progress(i, steps);
                if (ctx.wantsPreviews() && i % 10 == 0) {
                    if (preview == null) preview = png(new TinyImage(4, 4, 0.5));
                    ctx.preview(preview, "image/png");
                }
                Thread.sleep(20);
            }
            ctx.progress(steps, steps);
            return NodeOutput.of(in.get("value"));
        }
    }

    /** ComfyUI's TestCustomValidation5: "7s are not allowed". */
    static final class TestValidated implements Node {
        static final NodeSchema S = NodeSchema.builder("TestValidated").category("testing")
                .required(InputSpec.socket("image", "IMAGE"), InputSpec.number("value", 0.5, 0, 10)).output("IMAGE").build();
        @Override public NodeSchema schema() { return S; }
        @Override public String validate(NodeInputs literals, Environment env) {
            Object v = literals.get("value");
            return v instanceof Number n && n.doubleValue() == 7.0 ? "value - 7s are not allowed" : null;
        }
        @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) { return NodeOutput.of(in.get("image")); }
    }
}
