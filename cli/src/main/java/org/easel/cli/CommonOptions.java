package org.easel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.easel.Easel;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeException;
import org.easel.engine.NodeRegistry;
import org.easel.engine.Suggestions;
import org.easel.nodes.onnx.OnnxRuntime;
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

    /**
     * An {@link Easel} builder with these folders, device and cache size. A models folder given by
     * {@code --models} or {@code EASEL_MODELS} must exist (a typo must not grow a new folder with the demo
     * model in it); the device must be one this build can use.
     * @throws ParameterException saying what is wrong
     */
    public Easel.Builder builder() {
        Easel.Builder b = Easel.builder().home(home()).models(models).input(input).output(output).temp(temp).user(user)
                .cacheBytes(cacheBytes()).customNodes(customNodes);
        if (scriptTimeout != null) {
            if (!(scriptTimeout > 0)) throw new ParameterException(new CommandLine(this), "--script-timeout must be positive");
            b.scriptLimits(ScriptLimits.defaults().withTimeBudget(Duration.ofMillis(Math.round(scriptTimeout * 1000))));
        }
        try {
            b.device(device);
            OnnxRuntime.checkDevice(b.environment().device());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(new CommandLine(this), "--" + e.getMessage());
        } catch (NodeException e) {
            throw new ParameterException(new CommandLine(this), e.getMessage());
        }
        String fromEnv = System.getenv("EASEL_MODELS");
        if (models != null) {
            checkModels(models, "--models");
        } else if (fromEnv != null && !fromEnv.isBlank()) {
            checkModels(Path.of(fromEnv), "EASEL_MODELS");
        }
        return b;
    }

    private void checkModels(Path dir, String option) {
        Path m = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(m)) return;
        String why = Files.exists(m) ? "it is a file, not a folder" : "no such folder";
        String hint;
        String sibling = closestSibling(m);
        Path standard = home().resolve("models");
        if (sibling != null) hint = "did you mean " + sibling + "?";
        else if (Files.isDirectory(standard)) hint = "leave " + option + " out to use " + standard + ", or create the folder first";
        else hint = "create the folder first, or leave " + option + " out to use " + standard;
        throw new ParameterException(new CommandLine(this), "cannot use " + m + " as the models folder: " + why + "; " + hint);
    }

    /** A folder next to {@code missing} whose name is a likely typo of it, or null. */
    private static String closestSibling(Path missing) {
        Path parent = missing.getParent();
        if (parent == null || missing.getFileName() == null || !Files.isDirectory(parent)) return null;
        try (Stream<Path> s = Files.list(parent)) {
            List<String> names = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
            String near = Suggestions.nearMiss(missing.getFileName().toString(), names);
            return near == null ? null : parent.resolve(near).toString();
        } catch (IOException e) {
            return null;
        }
    }

    public Environment environment() {
        return builder().environment();
    }

    /**
     * The {@code custom_nodes} folder beside a workflow file, where {@code run} and {@code validate} also look,
     * when the workflow names a node type that {@code builtIn} lacks; else null, since starting the script
     * engine for nodes the workflow does not use costs every run start-up time.
     */
    static Path besideWorkflow(Path workflow, NodeRegistry builtIn) {
        Path folder = besideWorkflow(workflow);
        if (folder == null || !Files.isDirectory(folder)) return null;
        return usesUnknownTypes(workflow, builtIn) ? folder : null;
    }

    /** The {@code custom_nodes} folder beside a workflow file. */
    static Path besideWorkflow(Path workflow) {
        Path parent = workflow.toAbsolutePath().normalize().getParent();
        return parent == null ? null : parent.resolve("custom_nodes");
    }

    /** Whether a workflow (API or editor format) names a type not in {@code registry}; true when unsure. */
    private static boolean usesUnknownTypes(Path workflow, NodeRegistry registry) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(workflow.toFile());
        } catch (IOException | RuntimeException e) {
            return true;
        }
        if (tree == null || !tree.isObject()) return true;
        if (tree.has("prompt") && tree.get("prompt").isObject()) tree = tree.get("prompt");
        Iterable<JsonNode> nodes = tree.path("nodes").isArray() ? tree.get("nodes") : tree;
        for (JsonNode n : nodes) {
            String type = n.path("class_type").asText(n.path("type").asText(""));
            if (!n.isObject() || type.isEmpty() || !registry.contains(type)) return true;
        }
        return false;
    }

    public long cacheBytes() {
        if (cacheNone) return 0;
        if (cacheMb != null) return Math.max(0, cacheMb) * 1024L * 1024L;
        return Runtime.getRuntime().maxMemory() / 4;
    }
}
