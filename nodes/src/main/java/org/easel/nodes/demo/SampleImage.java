package org.easel.nodes.demo;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.easel.nodes.codec.PngWriter;

/**
 * The sample input picture {@code input/easel-sample.png} that the image-to-image workflows start from:
 * 512×512, a blue square on the right on a light, softly shaded background (in the demo model's world).
 */
public final class SampleImage {
    public static final String NAME = "easel-sample.png";

    private SampleImage() {}

    public static Path ensure(Path inputDir) throws IOException {
        Path file = inputDir.resolve(NAME);
        if (Files.exists(file)) return file;
        Files.createDirectories(inputDir);
        PngWriter.write(file, render(512, 512), Map.of(), 6);
        return file;
    }

    public static BufferedImage render(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(222, 222, 216), w, h, new Color(206, 206, 200)));
        g.fillRect(0, 0, w, h);
        int side = w * 3 / 10;
        int cx = w * 3 / 4;
        int cy = h / 2;
        g.setPaint(new GradientPaint(cx - side / 2f, cy - side / 2f, new Color(40, 70, 225), cx + side / 2f, cy + side / 2f,
                new Color(20, 45, 180)));
        g.fillRect(cx - side / 2, cy - side / 2, side, side);
        g.dispose();
        return img;
    }
}
