package org.easel.nodes.sd3;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * The fast "latent2rgb" preview: SD3's 16→3 factors applied to the first batch item of the denoised
 * latent (model space), at latent resolution, as JPEG bytes.
 */
public final class LatentPreview {
    private LatentPreview() {}

    public static BufferedImage toImage(float[] x, int channels, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                double v = Sd3LatentSpace.BIAS[c];
                for (int k = 0; k < Math.min(channels, 16); k++) v += x[k * plane + i] * Sd3LatentSpace.FACTORS[k][c];
                v = Math.max(-1, Math.min(1, v));
                int b = (int) Math.round((v + 1) * 127.5);
                rgb = (rgb << 8) | b;
            }
            img.setRGB(i % w, i / w, rgb);
        }
        return img;
    }

    public static byte[] jpeg(float[] x, int channels, int h, int w) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(toImage(x, channels, h, w), "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
