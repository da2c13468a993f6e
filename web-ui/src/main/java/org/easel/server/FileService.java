package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.nodes.codec.ImageConvert;
import org.easel.nodes.codec.PngChunks;
import org.easel.nodes.codec.PngWriter;
import org.easel.nodes.onnx.ModelFolders;

/**
 * The file routes: {@code /view}, {@code /upload/image}, {@code /upload/mask}, {@code /models}. Every path
 * is resolved to a real path (after symlinks) and must stay inside the input, output or temp folder; only
 * images are served, with the content type of their actual bytes. Blocking: call off the event loop.
 */
final class FileService {
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "webp", "gif", "bmp");
    private static final Pattern ENCODED = Pattern.compile("%(2e|2f|5c|00)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private final Environment env;

    FileService(Environment env) {
        this.env = env;
    }

    /** A response body: a file to send as is, or bytes. */
    record Payload(Path file, byte[] bytes, String contentType, String name) {}

    Path baseDir(String type) throws IOException {
        Path p = switch (type) {
            case "output" -> env.outputDir();
            case "input" -> env.inputDir();
            case "temp" -> env.tempDir();
            default -> throw HttpError.of(400, "type must be output, input or temp");
        };
        Files.createDirectories(p);
        return p.toRealPath();
    }

    /** Rejects anything that could leave the base folder; {@code status} is the code to answer with. */
    static String checkSubfolder(String sub, int status) {
        if (sub == null) return "";
        if (sub.indexOf('\\') >= 0 || sub.indexOf('\0') >= 0 || sub.startsWith("/") || DRIVE.matcher(sub).matches()
                || ENCODED.matcher(sub).find()) {
            throw HttpError.of(status, "invalid subfolder");
        }
        for (String seg : sub.split("/")) {
            if (seg.equals("..") || seg.equals(".")) throw HttpError.of(status, "invalid subfolder");
            for (int i = 0; i < seg.length(); i++) if (seg.charAt(i) < 0x20 || seg.charAt(i) == 0x7f) throw HttpError.of(status, "invalid subfolder");
        }
        return sub;
    }

    /** The folder {@code base/sub}, created if asked, which must really (after symlinks) lie inside base. */
    static Path inside(Path base, String sub, boolean create, int status) throws IOException {
        Path dir = base.resolve(sub).normalize();
        if (!dir.startsWith(base)) throw HttpError.of(status, "path outside the allowed folder");
        if (create) Files.createDirectories(dir);
        if (Files.exists(dir)) {
            Path real = dir.toRealPath();
            if (!real.startsWith(base)) throw HttpError.of(403, "path outside the allowed folder");
            return real;
        }
        return dir;
    }

    // ---- /view ----------------------------------------------------------------------------------

    Payload view(MultiMap q) throws IOException {
        String filename = q.get("filename");
        if (filename == null) throw HttpError.of(404, "filename is required");
        String type = q.get("type");
        for (String t : List.of("output", "input", "temp")) {     // "name.png [input]" annotation
            if (filename.endsWith(" [" + t + "]")) {
                filename = filename.substring(0, filename.length() - t.length() - 3);
                type = t;
            }
        }
        if (type == null || type.isEmpty()) type = "output";
        if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..") || filename.indexOf('\\') >= 0
                || filename.indexOf('\0') >= 0 || DRIVE.matcher(filename).matches() || ENCODED.matcher(filename).find()) {
            throw HttpError.of(400, "invalid filename");
        }
        String name = filename.substring(filename.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"')) throw HttpError.of(400, "invalid filename");
        String sub = checkSubfolder(q.get("subfolder"), 403);
        Path base = baseDir(type);
        Path dir = inside(base, sub, false, 403);
        Path file = dir.resolve(name);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) throw HttpError.of(404, "file not found");
        if (!Files.exists(file)) throw HttpError.of(404, "file not found");
        Path real = file.toRealPath();
        if (!real.startsWith(base)) throw HttpError.of(403, "path outside the allowed folder");
        if (!Files.isRegularFile(real)) throw HttpError.of(404, "file not found");
        String mime = sniff(real);
        if (mime == null) throw HttpError.of(415, "not an image");

        String channel = q.get("channel") == null ? "rgba" : q.get("channel").toLowerCase(Locale.ROOT);
        String preview = q.get("preview");
        if (!Set.of("rgba", "rgb", "a").contains(channel)) throw HttpError.of(400, "channel must be rgba, rgb or a");
        if (channel.equals("rgba") && (preview == null || preview.isBlank())) return new Payload(real, null, mime, name);

        BufferedImage img = ImageIO.read(real.toFile());
        if (img == null) throw HttpError.of(415, "cannot decode the image");
        BufferedImage out;
        if (channel.equals("a")) {
            out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
            boolean alpha = img.getColorModel().hasAlpha();
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    int a = alpha ? img.getRGB(x, y) >>> 24 : 255;
                    out.setRGB(x, y, a << 24);
                }
            }
        } else if (channel.equals("rgb")) {
            out = rgb(img);
        } else {
            out = img;
        }
        if (preview != null && !preview.isBlank() && !channel.equals("a")) {
            String[] p = preview.split(";");
            int quality = 90;
            if (p.length > 1) {
                try {
                    quality = Math.max(1, Math.min(100, Integer.parseInt(p[1].trim())));
                } catch (NumberFormatException e) {
                    throw HttpError.of(400, "invalid preview quality");
                }
            }
            String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
            return new Payload(null, jpeg(rgb(out), quality), "image/jpeg", stem + ".jpeg");
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(out, "png", bos);
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        return new Payload(null, bos.toByteArray(), "image/png", stem + ".png");
    }

    static BufferedImage rgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) return img;
        BufferedImage o = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) o.setRGB(x, y, img.getRGB(x, y) & 0xFFFFFF);
        return o;
    }

    static byte[] jpeg(BufferedImage img, int quality) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(bos)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality / 100f);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return bos.toByteArray();
    }

    /** The image MIME type from a file's first bytes, or null when it is no image we serve. */
    static String sniff(Path file) throws IOException {
        byte[] h = new byte[12];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(h, 0, 12);
        }
        return sniff(h, n);
    }

    static String sniff(byte[] h, int n) {
        if (n >= 8 && (h[0] & 255) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') return "image/png";
        if (n >= 3 && (h[0] & 255) == 0xFF && (h[1] & 255) == 0xD8 && (h[2] & 255) == 0xFF) return "image/jpeg";
        if (n >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8') return "image/gif";
        if (n >= 12 && h[0] == 'R' && h[1] == 'I' && h[2] == 'F' && h[3] == 'F' && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') return "image/webp";
        if (n >= 2 && h[0] == 'B' && h[1] == 'M') return "image/bmp";
        return null;
    }

    // ---- uploads --------------------------------------------------------------------------------

    /** A safe file name from a client's: base name only, no control or reserved characters, an image extension. */
    static String sanitize(String raw) {
        if (raw == null) throw HttpError.of(400, "the image has no file name");
        String n = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            b.append(c < 0x20 || c == 0x7f || "<>:\"|?*%".indexOf(c) >= 0 ? '_' : c);
        }
        n = b.toString().strip();
        while (n.startsWith(".")) n = n.substring(1);
        if (n.isEmpty()) throw HttpError.of(400, "invalid file name");
        int dot = n.lastIndexOf('.');
        String ext = dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (!IMAGE_EXTENSIONS.contains(ext)) throw HttpError.of(400, "the file name must end in an image extension (" + String.join(", ", IMAGE_EXTENSIONS) + ")");
        if (n.length() > 200) n = n.substring(0, 200 - ext.length() - 1) + "." + ext;
        return n;
    }

    /**
     * Stores an uploaded image as ComfyUI does: an existing file with the same bytes is reused, otherwise
     * "name (1).ext", "name (2).ext"… unless {@code overwrite}. For a mask upload, {@code originalRef} names
     * the image whose pixels get the upload's alpha channel.
     */
    synchronized Map<String, Object> upload(byte[] bytes, String rawName, String type, String subfolder, boolean overwrite,
                                            String originalRef) throws IOException {
        if (type == null || type.isEmpty()) type = "input";
        if (!Set.of("input", "output", "temp").contains(type)) throw HttpError.of(400, "type must be input, output or temp");
        String name = sanitize(rawName);
        String sub = checkSubfolder(subfolder == null ? "" : subfolder, 400);
        try {
            ImageConvert.load(bytes, name);
        } catch (IllegalArgumentException e) {
            throw HttpError.of(400, "not a valid image: " + e.getMessage().replace(name, "").replace("Invalid image file:  ", ""));
        }
        byte[] toWrite = bytes;
        if (originalRef != null) toWrite = applyMask(bytes, originalRef);

        Path base = baseDir(type);
        Path dir = inside(base, sub, true, 400);
        Path target = dir.resolve(name);
        boolean duplicate = false;
        if (!overwrite) {
            int dot = name.lastIndexOf('.');
            String stem = name.substring(0, dot), ext = name.substring(dot);
            int i = 1;
            while (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && sameBytes(target, toWrite)) {
                    duplicate = true;
                    break;
                }
                target = dir.resolve(stem + " (" + i + ")" + ext);
                i++;
            }
        } else if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw HttpError.of(400, "a folder has that name");
        }
        if (!duplicate) {
            Path tmp = Files.createTempFile(dir, ".upload-", ".tmp");
            try {
                Files.write(tmp, toWrite);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("name", target.getFileName().toString());
        res.put("subfolder", sub);
        res.put("type", type);
        return res;
    }

    private byte[] applyMask(byte[] maskBytes, String originalRef) throws IOException {
        JsonNode ref;
        try {
            ref = Json.parse(originalRef);
        } catch (Exception e) {
            throw HttpError.of(400, "original_ref must be JSON");
        }
        if (!ref.isObject() || !ref.path("filename").isTextual()) throw HttpError.of(400, "original_ref needs a filename");
        String filename = ref.get("filename").asText();
        String type = ref.path("type").asText("output");
        for (String t : List.of("output", "input", "temp")) {
            if (filename.endsWith(" [" + t + "]")) {
                filename = filename.substring(0, filename.length() - t.length() - 3);
                type = t;
            }
        }
        if (filename.isEmpty() || filename.contains("..") || filename.contains("/") || filename.indexOf('\\') >= 0) {
            throw HttpError.of(400, "invalid original_ref filename");
        }
        Path base = baseDir(type);
        Path dir = inside(base, checkSubfolder(ref.path("subfolder").asText(""), 403), false, 403);
        Path file = dir.resolve(filename);
        if (!Files.isRegularFile(file)) throw HttpError.of(404, "original image not found");
        Path real = file.toRealPath();
        if (!real.startsWith(base)) throw HttpError.of(403, "path outside the allowed folder");
        BufferedImage orig = ImageIO.read(real.toFile());
        BufferedImage mask = ImageIO.read(new ByteArrayInputStream(maskBytes));
        if (orig == null || mask == null) throw HttpError.of(400, "cannot decode the images");
        boolean maskAlpha = mask.getColorModel().hasAlpha();     // an RGB mask converts to RGBA: fully opaque, as ComfyUI
        if (mask.getWidth() != orig.getWidth() || mask.getHeight() != orig.getHeight()) throw HttpError.of(400, "the mask and the original differ in size");
        BufferedImage out = new BufferedImage(orig.getWidth(), orig.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < orig.getHeight(); y++) {
            for (int x = 0; x < orig.getWidth(); x++) {
                int alpha = maskAlpha ? mask.getRGB(x, y) & 0xFF000000 : 0xFF000000;
                out.setRGB(x, y, (orig.getRGB(x, y) & 0xFFFFFF) | alpha);
            }
        }
        Map<String, String> text = Map.of();
        if ("image/png".equals(sniff(real))) {
            try {
                text = PngChunks.readText(real);
            } catch (IOException ignored) {
                // no metadata to keep
            }
        }
        return PngWriter.encode(out, text, 4);
    }

    private static boolean sameBytes(Path file, byte[] bytes) throws IOException {
        if (Files.size(file) != bytes.length) return false;
        try {
            MessageDigest a = MessageDigest.getInstance("SHA-256"), b = MessageDigest.getInstance("SHA-256");
            return MessageDigest.isEqual(a.digest(Files.readAllBytes(file)), b.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- models -----------------------------------------------------------------------------------

    /** {@code /models}: the one list of model folders the nodes load from, plus any other folder present. */
    List<String> modelFolders() {
        return ModelFolders.folders(env);
    }

    /** {@code /models/<folder>}: what the loader nodes would offer from it; null for an unknown folder. */
    List<String> models(String folder) {
        if (folder == null || !modelFolders().contains(folder)) return null;
        return ModelFolders.list(env, folder);
    }
}
