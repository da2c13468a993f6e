package org.easel.nodes.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.easel.engine.NodeException;
import org.easel.engine.schema.Folders;
import org.easel.engine.schema.InputSpec;

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

    /** A COMBO input listing {@code models/<folder>}, whose errors name that folder. */
    public static InputSpec combo(String name, String folder) {
        return InputSpec.combo(name, env -> list(env, folder)).searchedIn(env -> List.of(env.modelsDir().resolve(folder)));
    }

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
        if (!Files.isDirectory(root)) return new ArrayList<>();
        Listing l = LISTINGS.get(root);
        if (l == null || !l.current()) {
            l = scan(root, folder);
            LISTINGS.put(root, l);
        }
        return new ArrayList<>(l.names());
    }

    /**
     * A folder's listing and the modification times of the directories it was read from: still current while
     * none of them changed (adding, removing or renaming an entry changes its directory's time). Every prompt's
     * validation asks for the list, so a stat of a few directories stands in for walking them. A directory
     * changed within {@value #RACY_MILLIS} ms of the scan may change again without its time moving (file
     * systems keep coarse clocks), so such a listing is never reused.
     */
    private record Listing(List<String> names, Map<Path, FileTime> dirs, boolean racy) {
        boolean current() {
            if (racy) return false;
            try {
                for (Map.Entry<Path, FileTime> d : dirs.entrySet()) {
                    if (!Files.getLastModifiedTime(d.getKey()).equals(d.getValue())) return false;
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    private static final Map<Path, Listing> LISTINGS = new ConcurrentHashMap<>();
    private static final long RACY_MILLIS = 2000;

    private static Listing scan(Path root, String folder) {
        long started = System.currentTimeMillis();
        Map<Path, FileTime> dirs = new HashMap<>();
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, Set.of(), 3, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    dirs.put(dir, attrs.lastModifiedTime());       // read before the directory is listed
                    if (!dir.equals(root)) found.add(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isDirectory()) dirs.put(file, attrs.lastModifiedTime());   // at the depth limit
                    found.add(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return new Listing(List.of(), Map.of(), true);
        }
        List<String> names = new ArrayList<>();
        found.stream().filter(p -> !hidden(root.relativize(p)))
                .filter(p -> isModel(folder, p))
                .map(p -> root.relativize(p).toString().replace('\\', '/'))
                .sorted()
                .filter(n -> names.stream().noneMatch(prev -> n.startsWith(prev + "/")))
                .forEach(names::add);
        boolean racy = dirs.values().stream().anyMatch(t -> t.toMillis() > started - RACY_MILLIS);
        return new Listing(List.copyOf(names), Map.copyOf(dirs), racy);
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
