package org.easel.nodes.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ComfyUI's {@code folder_paths.get_save_image_path(filename_prefix, output_dir, width, height)}.
 *
 * <ol>
 *   <li>{@code %width%}, {@code %height%}, {@code %year%}, {@code %month%}, {@code %day%},
 *       {@code %hour%}, {@code %minute%}, {@code %second%} are substituted (2-digit zero padded
 *       date parts, local time). {@code %date:...%} and {@code %Node.widget%} are frontend-only.</li>
 *   <li>The prefix is normalised like Python's {@code os.path.normpath}; its dirname is the
 *       subfolder and its basename the file name base. A prefix that resolves outside the
 *       output folder (e.g. {@code ../x}, {@code /abs/x}) is rejected.</li>
 *   <li>counter = 1 + the largest {@code N} among files named {@code <base>_N...} in the folder
 *       (the folder is created when missing).</li>
 * </ol>
 * Files are then {@code <base with %batch_num% = i>_<counter:05>_.png}, counter + 1 per image.
 *
 * <p>{@link #get} is the plain, stateless ComfyUI computation. {@link #reserve} is the
 * thread-safe variant: under a per-folder lock it computes the counter and creates the
 * (empty) files, so two concurrent saves never get the same names.
 */
public final class SaveImagePaths {
    private SaveImagePaths() {}

    /** ComfyUI's error text for an escaping prefix. */
    public static final String OUTSIDE_ERROR = "**** ERROR: Saving image outside the output folder is not allowed.";

    /**
     * Result of {@code get_save_image_path}.
     *
     * @param fullOutputFolder absolute folder the files go into
     * @param filename         base file name (may still contain {@code %batch_num%})
     * @param counter          first counter to use
     * @param subfolder        subfolder relative to the output folder, "" for none, '/' separated
     * @param filenamePrefix   the prefix after placeholder substitution
     */
    public record SavePath(Path fullOutputFolder, String filename, int counter, String subfolder, String filenamePrefix) {
        /** The file name of batch item {@code batchIndex}: {@code <filename>_<counter+i:05>_.png}. */
        public String fileName(int batchIndex) {
            return fileNameFor(filename, batchIndex, counter + batchIndex);
        }

        /** The path of batch item {@code batchIndex}. */
        public Path file(int batchIndex) {
            return fullOutputFolder.resolve(fileName(batchIndex));
        }
    }

    static String fileNameFor(String filename, int batchIndex, int counter) {
        return filename.replace("%batch_num%", Integer.toString(batchIndex)) + "_" + String.format("%05d", counter) + "_.png";
    }

    /** Substitutes the server-side placeholders (ComfyUI {@code compute_vars}). */
    public static String computeVars(String input, int width, int height, LocalDateTime now) {
        if (input.indexOf('%') < 0) return input;
        return input.replace("%width%", Integer.toString(width))
                .replace("%height%", Integer.toString(height))
                .replace("%year%", Integer.toString(now.getYear()))
                .replace("%month%", two(now.getMonthValue()))
                .replace("%day%", two(now.getDayOfMonth()))
                .replace("%hour%", two(now.getHour()))
                .replace("%minute%", two(now.getMinute()))
                .replace("%second%", two(now.getSecond()));
    }

    private static String two(int v) { return v < 10 ? "0" + v : Integer.toString(v); }

    /** {@code get_save_image_path} with the current local time. */
    public static SavePath get(String filenamePrefix, Path outputDir, int width, int height) {
        return get(filenamePrefix, outputDir, width, height, LocalDateTime.now());
    }

    /**
     * {@code get_save_image_path}; creates the folder when missing.
     *
     * @throws IllegalArgumentException if the prefix escapes {@code outputDir} or is not a valid path
     */
    public static SavePath get(String filenamePrefix, Path outputDir, int width, int height, LocalDateTime now) {
        Resolved r = resolve(filenamePrefix, outputDir, width, height, now);
        int counter;
        try {
            counter = highestCounter(r.folder, r.filename, r.rawBaseLength) + 1;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list output folder " + r.folder + ": " + e.getMessage(), e);
        }
        return new SavePath(r.folder, r.filename, counter, r.subfolder, r.prefix);
    }

    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    /**
     * Thread-safe {@link #get}: picks the counter and atomically creates empty placeholder files for
     * batch items {@code 0..count-1}, which the caller then overwrites (or deletes on failure).
     * A name already taken (another process) bumps the counter and retries.
     */
    public static SavePath reserve(String filenamePrefix, Path outputDir, int width, int height, int count) {
        if (count < 1) throw new IllegalArgumentException("count must be >= 1, got " + count);
        Resolved r = resolve(filenamePrefix, outputDir, width, height, LocalDateTime.now());
        Object lock = LOCKS.computeIfAbsent(r.folder, k -> new Object());
        synchronized (lock) {
            try {
                int counter = highestCounter(r.folder, r.filename, r.rawBaseLength) + 1;
                for (int attempt = 0; attempt < 1000; attempt++) {
                    Deque<Path> created = new ArrayDeque<>();
                    boolean ok = true;
                    for (int i = 0; i < count; i++) {
                        Path f = r.folder.resolve(fileNameFor(r.filename, i, counter + i));
                        try {
                            Files.createFile(f);
                            created.push(f);
                        } catch (FileAlreadyExistsException e) {
                            ok = false;
                            break;
                        }
                    }
                    if (ok) return new SavePath(r.folder, r.filename, counter, r.subfolder, r.prefix);
                    for (Path p : created) Files.deleteIfExists(p);
                    counter++;
                }
                throw new IllegalStateException("could not reserve " + count + " file names for " + r.filename + " in " + r.folder);
            } catch (IOException e) {
                throw new IllegalStateException("cannot reserve output files in " + r.folder + ": " + e.getMessage(), e);
            }
        }
    }

    private record Resolved(Path folder, String filename, String subfolder, String prefix, int rawBaseLength) {}

    private static Resolved resolve(String filenamePrefix, Path outputDir, int width, int height, LocalDateTime now) {
        if (filenamePrefix == null) throw new IllegalArgumentException("filename_prefix must not be null");
        if (filenamePrefix.indexOf('\0') >= 0) throw new IllegalArgumentException("filename_prefix must not contain NUL characters");
        String prefix = computeVars(filenamePrefix, width, height, now);
        if (prefix.startsWith("/")) throw new IllegalArgumentException(OUTSIDE_ERROR + " (absolute filename_prefix '" + filenamePrefix + "')");
        String norm = normpath(prefix);
        int slash = norm.lastIndexOf('/');
        String subfolder = slash < 0 ? "" : norm.substring(0, slash);
        String filename = norm.substring(slash + 1);
        if (filename.equals("..") || subfolder.equals("..") || subfolder.startsWith("../")) {
            throw new IllegalArgumentException(OUTSIDE_ERROR + " (filename_prefix '" + filenamePrefix + "')");
        }
        Path base = outputDir.toAbsolutePath().normalize();
        Path folder;
        try {
            folder = (subfolder.isEmpty() ? base : base.resolve(subfolder)).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid filename_prefix '" + filenamePrefix + "': " + e.getMessage(), e);
        }
        if (!folder.startsWith(base)) throw new IllegalArgumentException(OUTSIDE_ERROR + " (filename_prefix '" + filenamePrefix + "')");
        // ComfyUI measures the counter prefix with len(basename(un-normalised prefix)); that differs only
        // for a trailing '/', where it makes ComfyUI overwrite "<name>_00001_.png" on every save.
        // The normalised base name is used instead.
        return new Resolved(folder, filename, subfolder, prefix, filename.length());
    }

    /** Python {@code posixpath.normpath} (lexical, no file system access). */
    static String normpath(String path) {
        if (path.isEmpty()) return ".";
        boolean abs = path.startsWith("/");
        int initialSlashes = abs ? (path.startsWith("//") && !path.startsWith("///") ? 2 : 1) : 0;
        List<String> out = new ArrayList<>();
        for (String comp : path.split("/")) {
            if (comp.isEmpty() || comp.equals(".")) continue;
            if (!comp.equals("..") || (!abs && out.isEmpty()) || (!out.isEmpty() && out.get(out.size() - 1).equals(".."))) {
                out.add(comp);
            } else if (!out.isEmpty()) {
                out.remove(out.size() - 1);
            }
        }
        String joined = String.join("/", out);
        if (abs) joined = "/".repeat(initialSlashes) + joined;
        return joined.isEmpty() ? "." : joined;
    }

    /**
     * Largest counter among the folder's entries named {@code <filename>_<digits>...}; 0 when none.
     * Creates the folder when missing. Mirrors ComfyUI's {@code map_filename} parsing:
     * {@code int(f[len+1:].split('_')[0])}, 0 when that is not an integer.
     */
    static int highestCounter(Path folder, String filename, int rawBaseLength) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            return 0;
        }
        int best = Integer.MIN_VALUE;
        boolean any = false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                int cut = Math.min(f.length(), rawBaseLength + 1);
                String pre = f.substring(0, cut);
                if (pre.isEmpty() || pre.charAt(pre.length() - 1) != '_') continue;
                if (!pre.substring(0, pre.length() - 1).equals(filename)) continue;
                String rest = f.substring(cut);
                int us = rest.indexOf('_');
                int digits = parsePythonInt(us < 0 ? rest : rest.substring(0, us));
                any = true;
                best = Math.max(best, digits);
            }
        }
        return any ? best : 0;
    }

    /** Python {@code int(str)} for the ASCII cases ComfyUI meets; 0 when it would raise. */
    static int parsePythonInt(String s) {
        String t = s.strip();
        if (t.isEmpty()) return 0;
        int i = 0;
        boolean neg = false;
        if (t.charAt(0) == '+' || t.charAt(0) == '-') {
            neg = t.charAt(0) == '-';
            i = 1;
        }
        if (i >= t.length()) return 0;
        long v = 0;
        for (; i < t.length(); i++) {
            int d = Character.digit(t.charAt(i), 10);
            if (d < 0) return 0;
            v = v * 10 + d;
            if (v > Integer.MAX_VALUE / 2) return 0; // absurd counters are ignored rather than overflowing
        }
        return (int) (neg ? -v : v);
    }
}
