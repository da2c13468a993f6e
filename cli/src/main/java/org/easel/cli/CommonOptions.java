package org.easel.cli;

import java.nio.file.Path;
import org.easel.engine.Environment;
import picocli.CommandLine.Option;

/**
 * Folder, device and cache options shared by {@code run}, {@code validate}, {@code serve}. Folders default
 * to {@code models/}, {@code input/}, {@code output/}, {@code temp/}, {@code user/} under the Easel home:
 * the repository root when started with {@code ./easel}, else the current directory.
 */
public final class CommonOptions {
    @Option(names = "--models", paramLabel = "DIR", description = "Models folder (default: $EASEL_MODELS or <home>/models).")
    Path models;

    @Option(names = {"--output", "--output-directory"}, paramLabel = "DIR", description = "Output folder (default: <home>/output).")
    Path output;

    @Option(names = {"--input", "--input-directory"}, paramLabel = "DIR", description = "Input folder (default: <home>/input).")
    Path input;

    @Option(names = {"--temp", "--temp-directory"}, paramLabel = "DIR", description = "Temp folder for previews (default: <home>/temp).")
    Path temp;

    @Option(names = {"--user-directory"}, paramLabel = "DIR", description = "User folder: database and settings (default: <home>/user).")
    Path user;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--cache-size", paramLabel = "MB",
            description = "Memory budget of the node output cache in MB (default: a quarter of the Java heap).")
    Long cacheMb;

    @Option(names = "--cache-none", description = "Disable the node output cache.")
    boolean cacheNone;

    static Path home() {
        String h = System.getProperty("easel.home");
        if (h == null || h.isBlank()) h = System.getenv("EASEL_HOME");
        return Path.of(h == null || h.isBlank() ? "." : h).toAbsolutePath().normalize();
    }

    public Environment environment() {
        Path home = home();
        Path m = models;
        if (m == null) {
            String e = System.getenv("EASEL_MODELS");
            m = e == null || e.isBlank() ? home.resolve("models") : Path.of(e);
        }
        String dev = device == null ? "auto" : device.trim().toLowerCase(java.util.Locale.ROOT);
        if (!dev.matches("auto|cpu|cuda(:\\d+)?")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--device must be auto, cpu, cuda or cuda:N, not '" + device + "'");
        }
        return new Environment(m,
                input != null ? input : home.resolve("input"),
                output != null ? output : home.resolve("output"),
                temp != null ? temp : home.resolve("temp"),
                user != null ? user : home.resolve("user"),
                dev);
    }

    public long cacheBytes() {
        if (cacheNone) return 0;
        if (cacheMb != null) return Math.max(0, cacheMb) * 1024L * 1024L;
        return Runtime.getRuntime().maxMemory() / 4;
    }
}
