package org.easel.nodes.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.easel.engine.schema.Folders;

/**
 * Files in the input folder for LoadImage: the list of images (for the combo), safe resolution of a name
 * (with ComfyUI's annotations {@code "x.png [output]"}, {@code [input]}, {@code [temp]}), and file hashes.
 */
public final class InputFiles {
    static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif");

    private InputFiles() {}

    /** Image files under the input folder (recursive, '/'-separated, sorted). */
    public static List<String> images(Folders env) {
        Path root = env.inputDir();
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.walk(root, 4)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> !n.startsWith(".") && !n.contains("/."))
                    .filter(n -> IMAGE_EXTENSIONS.stream().anyMatch(e -> n.toLowerCase(Locale.ROOT).endsWith(e)))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The file a LoadImage name refers to, or null when the name leaves its folder or the file is missing. */
    public static Path resolve(Folders env, String name) {
        if (name == null || name.isBlank()) return null;
        Path base = env.inputDir();
        String n = name;
        if (n.endsWith(" [output]")) { base = env.outputDir(); n = n.substring(0, n.length() - 9); }
        else if (n.endsWith(" [input]")) { n = n.substring(0, n.length() - 8); }
        else if (n.endsWith(" [temp]")) { base = env.tempDir(); n = n.substring(0, n.length() - 7); }
        if (n.indexOf('\\') >= 0 || n.startsWith("/") || n.indexOf('\0') >= 0) return null;
        Path root = base.toAbsolutePath().normalize();
        Path p = root.resolve(n).normalize();
        if (!p.startsWith(root) || !Files.isRegularFile(p)) return null;
        try {
            if (!p.toRealPath().startsWith(root.toRealPath())) return null;     // a symlink pointing out
        } catch (IOException e) {
            return null;
        }
        return p;
    }

    /** LoadImage's VALIDATE_INPUTS: null when the named file exists inside its folder, else the reason. */
    public static String invalidImage(Folders env, Object name) {
        return name != null && resolve(env, name.toString()) == null ? "Invalid image file: " + name : null;
    }

    /** SHA-256 of a file, hex (LoadImage's IS_CHANGED). */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
            StringBuilder b = new StringBuilder();
            for (byte x : md.digest()) b.append(String.format("%02x", x));
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
