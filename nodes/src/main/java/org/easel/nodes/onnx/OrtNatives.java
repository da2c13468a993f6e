package org.easel.nodes.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * ONNX Runtime's native libraries, unpacked once. The runtime's Java API otherwise copies them (24 MB for the
 * CPU build) out of its jar into a fresh temporary folder on every start and deletes them at exit, which is
 * about a sixth of a second of every {@code easel run}. Here they are unpacked into a folder named after their
 * checksums under the user's cache ({@code $XDG_CACHE_HOME/easel}, else {@code ~/.cache/easel}) and the runtime
 * is pointed at it with {@code onnxruntime.native.path}; a new runtime jar gets a new folder. When anything
 * fails (no jar, a read-only home), nothing is set and the runtime unpacks them itself as before.
 */
public final class OrtNatives {
    private static final String PREFIX = "ai/onnxruntime/native/";
    private static final String PROPERTY = "onnxruntime.native.path";
    private static boolean done;

    private OrtNatives() {}

    /** Points the runtime at the unpacked libraries; call before the first use of ONNX Runtime. Idempotent. */
    public static synchronized void prepare() {
        if (done) return;
        done = true;
        if (System.getProperty(PROPERTY) != null) return;          // the user chose a folder
        try {
            Path dir = unpack(cacheRoot());
            if (dir != null) System.setProperty(PROPERTY, dir.toString());
        } catch (IOException | RuntimeException | URISyntaxException e) {
            // the runtime's own unpacking still works
        }
    }

    /** The folder holding this platform's libraries (unpacked now if needed), or null when the jar has none. */
    static Path unpack(Path cacheRoot) throws IOException, URISyntaxException {
        Path jar = Path.of(ai.onnxruntime.OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) return null;
        String platform = PREFIX + platform() + "/";
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<ZipEntry> libs = new ArrayList<>();
            CRC32 key = new CRC32();
            zip.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(platform)
                            && e.getName().indexOf('/', platform.length()) < 0)
                    .sorted(Comparator.comparing(ZipEntry::getName))
                    .forEach(e -> {
                        libs.add(e);
                        key.update((e.getName() + ":" + e.getCrc() + ":" + e.getSize() + ";").getBytes());
                    });
            if (libs.isEmpty()) return null;
            Path dir = cacheRoot.resolve("onnxruntime-" + platform() + "-" + Long.toHexString(key.getValue()));
            if (complete(dir, libs)) return dir;
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, ".onnxruntime-");
            try {
                for (ZipEntry e : libs) {
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, tmp.resolve(name(e)));
                    }
                }
                deleteTree(dir);                                  // a damaged or partial copy
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    if (!complete(dir, libs)) throw raced;          // another process unpacked it first
                }
            } finally {
                deleteTree(tmp);
            }
            return complete(dir, libs) ? dir : null;
        }
    }

    private static boolean complete(Path dir, List<ZipEntry> libs) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        for (ZipEntry e : libs) {
            Path f = dir.resolve(name(e));
            if (!Files.isRegularFile(f) || Files.size(f) != e.getSize()) return false;
        }
        return true;
    }

    private static String name(ZipEntry e) {
        return e.getName().substring(e.getName().lastIndexOf('/') + 1);
    }

    /** ONNX Runtime's name for this platform: {@code linux-x64}, {@code osx-aarch64}, {@code win-x64}, … */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("win") ? "win" : os.contains("mac") || os.contains("darwin") ? "osx" : "linux";
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("arm64") ? "aarch64" : arch;
        return o + "-" + a;
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("easel");
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // a leftover temp folder is harmless
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
