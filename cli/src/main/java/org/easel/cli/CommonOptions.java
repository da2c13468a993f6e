package org.easel.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.easel.engine.Environment;
import org.easel.engine.NodeRegistry;
import org.easel.nodes.script.CustomNodes;
import org.easel.nodes.script.ScriptLimits;
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

    @Option(names = "--custom-nodes", paramLabel = "DIR",
            description = "Folder of JavaScript custom nodes (default: <home>/custom_nodes).")
    Path customNodes;

    @Option(names = "--script-timeout", paramLabel = "SECONDS",
            description = "Longest call of a script node before it is stopped (default: 60).")
    Double scriptTimeout;

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
        Environment env = new Environment(m,
                input != null ? input : home.resolve("input"),
                output != null ? output : home.resolve("output"),
                temp != null ? temp : home.resolve("temp"),
                user != null ? user : home.resolve("user"),
                customNodes != null ? customNodes : home.resolve("custom_nodes"),
                dev);
        if (scriptTimeout != null) {
            if (!(scriptTimeout > 0)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--script-timeout must be positive");
            }
            env.putService(ScriptLimits.class, ScriptLimits.defaults().withTimeBudget(Duration.ofMillis(Math.round(scriptTimeout * 1000))));
        }
        return env;
    }

    /**
     * The built-in nodes plus the script nodes of the custom nodes folder and of {@code extraFolders} (those
     * that exist); scripts that fail to load are reported on stderr.
     */
    static NodeRegistry registry(Environment env, Path... extraFolders) {
        NodeRegistry registry = NodeRegistry.load();
        List<Path> extra = new ArrayList<>();
        for (Path p : extraFolders) if (p != null && Files.isDirectory(p)) extra.add(p);
        CustomNodes c = CustomNodes.load(registry, env, null, extra.toArray(Path[]::new));
        c.failures().forEach((file, why) -> System.err.println("custom nodes: failed to load " + file + ": " + why));
        return registry;
    }

    /** The {@code custom_nodes} folder beside a workflow file. */
    static Path besideWorkflow(Path workflow) {
        Path parent = workflow.toAbsolutePath().normalize().getParent();
        return parent == null ? null : parent.resolve("custom_nodes");
    }

    public long cacheBytes() {
        if (cacheNone) return 0;
        if (cacheMb != null) return Math.max(0, cacheMb) * 1024L * 1024L;
        return Runtime.getRuntime().maxMemory() / 4;
    }
}
