package org.easel.nodes.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.easel.engine.NodeException;
import org.easel.engine.schema.Folders;

/**
 * The models folder, laid out like ComfyUI's: {@code checkpoints/}, {@code text_encoders/}, {@code vae/},
 * {@code diffusion_models/}, {@code upscale_models/}. A model is either a folder (an ONNX export) or a
 * single {@code .onnx} file ({@link #EXTENSIONS}). The one list of model folders and what they hold: the
 * loader nodes' choices and the server's {@code /models} routes both come from here.
 */
public final class ModelFolders {
    /** The folders Easel knows, in ComfyUI's names. */
    public static final List<String> FOLDERS = List.of("checkpoints", "text_encoders", "vae", "diffusion_models",
            "upscale_models", "clip", "unet", "loras", "embeddings", "controlnet");

    /** The file extensions a single-file model can have (what ONNX Runtime loads). */
    public static final List<String> EXTENSIONS = List.of(".onnx");

    private ModelFolders() {}

    /** {@code /models}: the known folders plus any other visible folder under the models folder, sorted. */
    public static List<String> folders(Folders env) {
        TreeSet<String> names = new TreeSet<>(FOLDERS);
        try (Stream<Path> s = Files.list(env.modelsDir())) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(names::add);
        } catch (IOException e) {
            // no models folder yet: the known folders
        }
        return List.copyOf(names);
    }

    /**
     * {@code /models/<folder>} and the loaders' choices: sub-folders that hold a model, and model files
     * ({@link #EXTENSIONS}, other than a folder's own {@code model.onnx}); sorted, '/'-separated.
     */
    public static List<String> list(Folders env, String folder) {
        Path root = env.modelsDir().resolve(folder);
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(root)) return names;
        try (Stream<Path> s = Files.walk(root, 3)) {
            s.filter(p -> !p.equals(root))
                    .filter(p -> !hidden(root.relativize(p)))
                    .filter(p -> isModel(folder, p))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> names.stream().noneMatch(prev -> n.startsWith(prev + "/")))
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            return names;
        }
        names.sort(null);
        return names;
    }

    private static boolean hidden(Path rel) {
        for (Path part : rel) if (part.toString().startsWith(".")) return true;
        return false;
    }

    private static boolean isModel(String folder, Path p) {
        if (Files.isRegularFile(p)) {
            String n = p.getFileName().toString();
            return EXTENSIONS.stream().anyMatch(n::endsWith) && !n.equals("model.onnx");
        }
        if (!Files.isDirectory(p)) return false;
        if (folder.equals("checkpoints")) {
            return Files.exists(p.resolve("model_index.json")) || Files.isDirectory(p.resolve("transformer"))
                    || Files.isDirectory(p.resolve("unet"));
        }
        if (folder.equals("vae")) {
            return Files.exists(p.resolve("vae_decoder/model.onnx")) || Files.exists(p.resolve("model.onnx"));
        }
        return Files.exists(p.resolve("model.onnx"));
    }

    /** The path of {@code name} inside {@code models/<folder>}; refuses names that leave the folder. */
    public static Path resolve(Folders env, String folder, String name) {
        Path root = env.modelsDir().resolve(folder).toAbsolutePath().normalize();
        Path p = root.resolve(name).normalize();
        if (name.isBlank() || !p.startsWith(root) || p.equals(root)) {
            throw new NodeException("'" + name + "' is not a model name inside models/" + folder);
        }
        if (!Files.exists(p)) {
            throw new NodeException("model '" + name + "' not found in " + root);
        }
        return p;
    }
}
