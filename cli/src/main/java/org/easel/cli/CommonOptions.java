package org.easel.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.easel.Easel;
import org.easel.engine.Environment;
import org.easel.nodes.script.ScriptLimits;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

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
        return Easel.Builder.defaultHome();
    }

    /** An {@link Easel} builder with these folders, device and cache size. */
    public Easel.Builder builder() {
        Easel.Builder b = Easel.builder().home(home()).models(models).input(input).output(output).temp(temp).user(user)
                .cacheBytes(cacheBytes()).customNodes(customNodes);
        if (scriptTimeout != null) {
            if (!(scriptTimeout > 0)) throw new ParameterException(new CommandLine(this), "--script-timeout must be positive");
            b.scriptLimits(ScriptLimits.defaults().withTimeBudget(Duration.ofMillis(Math.round(scriptTimeout * 1000))));
        }
        try {
            return b.device(device);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(new CommandLine(this), "--" + e.getMessage());
        }
    }

    public Environment environment() {
        return builder().environment();
    }

    /** The {@code custom_nodes} folder beside a workflow file, where {@code run} and {@code validate} also look. */
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
