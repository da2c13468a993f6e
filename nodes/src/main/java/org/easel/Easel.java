package org.easel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.easel.engine.Environment;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.ExecutionListener;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.Validator;
import org.easel.nodes.Setup;
import org.easel.nodes.script.CustomNodes;
import org.easel.nodes.script.ScriptLimits;

/**
 * Easel for Java programs: validates and runs workflows (ComfyUI API JSON, editor JSON, or a PNG with the
 * workflow embedded) with the node library.
 * <pre>{@code
 * try (Easel easel = Easel.builder().home(dir).device("auto").build()) {
 *     RunResult r = easel.run(Path.of("workflows/text-to-image.json"), Map.of("6.text", "a blue square"), listener);
 *     r.images();   // saved files, with their node ids
 * }
 * }</pre>
 * Validation reports problems as values ({@link Validation}, {@link Problem}); a run returns a
 * {@link RunResult} whether it succeeded, failed at a node, was interrupted or was invalid.
 * <p>
 * One instance keeps its node output cache and its loaded model sessions between calls, so a second run
 * that changes only the seed re-runs only the sampler and what follows it.
 * <p>
 * <b>Threads.</b> Every method may be called from any thread. {@code validate} calls run in parallel;
 * runs are <em>serialised</em>: one run executes at a time (the model sessions and the cache are shared),
 * others wait their turn in arrival order. {@link #interrupt()} stops the run in progress from any thread.
 */
public final class Easel implements AutoCloseable {
    private final NodeRegistry registry;
    private final Path home;
    private final Environment env;
    private final boolean ownsEnvironment;
    private final Executor executor;
    private final ReentrantLock runLock = new ReentrantLock(true);
    private final CustomNodes customNodes;
    private volatile boolean closed;

    private Easel(NodeRegistry registry, Path home, Environment env, boolean ownsEnvironment, long cacheBytes,
                  CustomNodes customNodes) {
        this.registry = registry;
        this.customNodes = customNodes;
        this.home = home;
        this.env = env;
        this.ownsEnvironment = ownsEnvironment;
        this.executor = new Executor(env, cacheBytes > 0 ? new OutputCache(cacheBytes) : OutputCache.disabled());
    }

    public static Builder builder() {
        return new Builder();
    }

    public NodeRegistry registry() { return registry; }
    public Environment environment() { return env; }
    /** The JavaScript custom nodes loaded into the registry ({@link CustomNodes#watch()} keeps them current). */
    public CustomNodes customNodes() { return customNodes; }
    /** The node output cache kept between runs. */
    public OutputCache cache() { return executor.cache(); }

    // ---- validation ----------------------------------------------------------------------------------

    /**
     * Reads a workflow file, applies {@code NODE_ID.INPUT → VALUE} overrides and validates it. A relative
     * path that does not exist from the current directory is looked up under the home.
     */
    public Validation validate(Path workflow, Map<String, String> sets) {
        Path file = workflow.isAbsolute() || Files.exists(workflow) ? workflow : home.resolve(workflow);
        try {
            return validateTree(WorkflowFile.read(file, registry), sets, null);
        } catch (WorkflowFile.FileProblem e) {
            return Validation.failed(e.problem);
        }
    }

    /**
     * Validates a prompt (API format, a {@code /prompt} body holding one, or an editor workflow, converted) after
     * applying overrides to a copy.
     */
    public Validation validate(JsonNode prompt, Map<String, String> sets) {
        return validate(prompt, sets, null);
    }

    /**
     * As {@link #validate(JsonNode, Map)}, running only {@code partialTargets} (output node ids) and what they
     * need, like ComfyUI's {@code partial_execution_targets}; null runs every output node.
     */
    public Validation validate(JsonNode prompt, Map<String, String> sets, Collection<String> partialTargets) {
        try {
            WorkflowFile.Opened opened = WorkflowFile.apiPrompt(prompt, "the prompt", registry);
            if (sets != null && !sets.isEmpty()) {
                opened = new WorkflowFile.Opened(opened.prompt().deepCopy(), opened.workflow(), opened.warnings());
            }
            return validateTree(opened, sets, partialTargets);
        } catch (WorkflowFile.FileProblem e) {
            return Validation.failed(e.problem);
        }
    }

    /**
     * Applies the overrides and validates. The file's editor workflow is kept for saved pictures only when no
     * override changed the prompt (else SaveImage makes the workflow from the prompt that ran).
     */
    private Validation validateTree(WorkflowFile.Opened opened, Map<String, String> sets, Collection<String> partialTargets)
            throws WorkflowFile.FileProblem {
        boolean changed = sets != null && !sets.isEmpty();
        if (changed) WorkflowFile.applySet(opened.prompt(), sets, registry);
        Prompt prompt = WorkflowFile.parse(opened.prompt());
        return Validation.of(prompt, new Validator(registry, env).validate(prompt, partialTargets),
                changed ? null : opened.workflow(), opened.warnings());
    }

    // ---- running -------------------------------------------------------------------------------------

    /** Validates and runs a workflow file with overrides; {@code listener} (may be null) receives ComfyUI's events. */
    public RunResult run(Path workflow, Map<String, String> sets, ExecutionListener listener) {
        return runValidated(validate(workflow, sets), listener);
    }

    /** Validates and runs a prompt (API format or editor workflow) with overrides applied to a copy. */
    public RunResult run(JsonNode prompt, Map<String, String> sets, ExecutionListener listener) {
        return runValidated(validate(prompt, sets), listener);
    }

    private RunResult runValidated(Validation v, ExecutionListener listener) {
        String id = UUID.randomUUID().toString();
        return v.runnable() ? run(v, id, v.extraData(), listener) : RunResult.invalid(id, v);
    }

    /**
     * Runs an already validated prompt under a given prompt id, with ComfyUI's {@code extra_data} (e.g.
     * {@code extra_pnginfo}; may be null): the server's worker uses this. Waits for any run in progress.
     *
     * @throws IllegalArgumentException when {@code validated} is not {@link Validation#runnable()}
     * @throws IllegalStateException after {@link #close()}
     */
    public RunResult run(Validation validated, String promptId, JsonNode extraData, ExecutionListener listener) {
        if (!validated.runnable()) throw new IllegalArgumentException("the prompt did not pass validation");
        Objects.requireNonNull(promptId, "promptId");
        runLock.lock();
        try {
            if (closed) throw new IllegalStateException("this Easel is closed");
            ExecutionResult r = executor.execute(validated.prompt(), validated.result(), promptId, extraData,
                    listener == null ? ExecutionListener.NONE : listener);
            return RunResult.of(promptId, validated, r, env);
        } finally {
            runLock.unlock();
        }
    }

    /** Interrupts the run in progress at its next check (between nodes or sampler steps). @return whether one was running */
    public boolean interrupt() {
        return executor.interrupt(executor.runningPromptId());
    }

    /** Interrupts the run in progress only if it is {@code promptId}. */
    public boolean interrupt(String promptId) {
        return executor.interrupt(promptId);
    }

    /** The id of the prompt running now, or null. */
    public String runningPromptId() {
        return executor.runningPromptId();
    }

    /**
     * Frees memory (ComfyUI's {@code /free}): {@code unloadModels} unloads the model sessions not in use
     * (they load again when needed), {@code clearCache} empties the node output cache.
     */
    public void free(boolean unloadModels, boolean clearCache) {
        if (unloadModels) env.release();
        if (clearCache) executor.cache().clear();
    }

    /**
     * Interrupts the run in progress, waits for it to end, and frees the model sessions (when this Easel
     * created its environment). Later runs throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        interrupt();
        runLock.lock();
        try {
            if (closed) return;
            closed = true;
            customNodes.close();
            executor.cache().clear();
            if (ownsEnvironment) env.closeServices();
        } catch (Exception e) {
            throw new IllegalStateException("closing the model sessions failed: " + e.getMessage(), e);
        } finally {
            runLock.unlock();
        }
    }

    // ---- building ------------------------------------------------------------------------------------

    /**
     * Where Easel finds its folders and how it runs. Folders default to {@code models/}, {@code input/},
     * {@code output/}, {@code temp/}, {@code user/}, {@code custom_nodes/} under the home; the home defaults to {@code -Deasel.home},
     * {@code EASEL_HOME} or the current directory, the models folder to {@code EASEL_MODELS} when set.
     */
    public static final class Builder {
        private Path home;
        private Path models;
        private Path input;
        private Path output;
        private Path temp;
        private Path user;
        private String device = "auto";
        private Long cacheBytes;
        private PrintStream log;
        private boolean prepare = true;
        private Environment environment;
        private NodeRegistry registry;
        private Path customNodes;
        private final List<Path> extraCustomNodes = new ArrayList<>();
        private ScriptLimits scriptLimits;
        private PrintStream customNodesLog;

        private Builder() {}

        public Builder home(Path dir) { this.home = dir; return this; }
        public Builder models(Path dir) { this.models = dir; return this; }
        public Builder input(Path dir) { this.input = dir; return this; }
        public Builder output(Path dir) { this.output = dir; return this; }
        public Builder temp(Path dir) { this.temp = dir; return this; }
        public Builder user(Path dir) { this.user = dir; return this; }
        /** The folder of JavaScript custom nodes (default: {@code custom_nodes/} under the home). */
        public Builder customNodes(Path dir) { this.customNodes = dir; return this; }

        /** Another folder of custom nodes to load when it exists (e.g. the one beside a workflow file). */
        public Builder extraCustomNodes(Path dir) {
            if (dir != null) extraCustomNodes.add(dir);
            return this;
        }

        /** Where the custom nodes loader reports loads, reloads and failures (default: nowhere). */
        public Builder customNodesLog(PrintStream log) { this.customNodesLog = log; return this; }

        /** Limits of script calls (default: {@link ScriptLimits#defaults()}). */
        public Builder scriptLimits(ScriptLimits limits) { this.scriptLimits = limits; return this; }

        /** {@code auto} (default: CUDA when the GPU build of ONNX Runtime is present), {@code cpu}, {@code cuda}, {@code cuda:N}. */
        public Builder device(String device) {
            String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
            if (!d.matches("auto|cpu|cuda(:\\d+)?")) {
                throw new IllegalArgumentException("device must be auto, cpu, cuda or cuda:N, not '" + device + "'");
            }
            this.device = d;
            return this;
        }

        /** Memory budget of the node output cache; 0 disables it. Default: a quarter of the Java heap. */
        public Builder cacheBytes(long bytes) { this.cacheBytes = Math.max(0, bytes); return this; }

        /** Receives one-line notices, such as the demo model being created (default: none). */
        public Builder log(PrintStream log) { this.log = log; return this; }

        /**
         * Whether {@link #build()} creates the missing folders, the demo model {@code easel-tiny-sd3} and the
         * sample input image (default true).
         */
        public Builder prepare(boolean prepare) { this.prepare = prepare; return this; }

        /**
         * Uses this environment (folders, device and shared services such as the ONNX session pool) instead of
         * one built from the folder options; {@link Easel#close()} then leaves its services open.
         */
        public Builder environment(Environment env) { this.environment = env; return this; }

        /** The node types to use (default: every node on the class path, {@link NodeRegistry#load()}). */
        public Builder registry(NodeRegistry registry) { this.registry = registry; return this; }

        /** The home the folders default to. */
        public static Path defaultHome() {
            String h = System.getProperty("easel.home");
            if (h == null || h.isBlank()) h = System.getenv("EASEL_HOME");
            return Path.of(h == null || h.isBlank() ? "." : h).toAbsolutePath().normalize();
        }

        private Path home() {
            return home != null ? home.toAbsolutePath().normalize() : defaultHome();
        }

        /** The environment the folder and device options describe. */
        public Environment environment() {
            if (environment != null) return environment;
            Path h = home();
            Path m = models;
            if (m == null) {
                String e = System.getenv("EASEL_MODELS");
                m = e == null || e.isBlank() ? h.resolve("models") : Path.of(e);
            }
            Environment env = new Environment(m,
                    input != null ? input : h.resolve("input"),
                    output != null ? output : h.resolve("output"),
                    temp != null ? temp : h.resolve("temp"),
                    user != null ? user : h.resolve("user"),
                    customNodes != null ? customNodes : h.resolve("custom_nodes"),
                    device);
            if (scriptLimits != null) env.putService(ScriptLimits.class, scriptLimits);
            return env;
        }

        /** @throws UncheckedIOException when preparing the folders or the demo model fails */
        public Easel build() {
            Environment env = environment();
            if (prepare) {
                try {
                    Setup.prepare(env, log);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not prepare " + env.modelsDir() + ": " + e.getMessage(), e);
                }
            }
            long cache = cacheBytes != null ? cacheBytes : Runtime.getRuntime().maxMemory() / 4;
            NodeRegistry nodes = registry != null ? registry : NodeRegistry.load();
            List<Path> extra = extraCustomNodes.stream().filter(Files::isDirectory).toList();
            CustomNodes scripts = CustomNodes.load(nodes, env, customNodesLog, extra.toArray(Path[]::new));
            if (log != null) scripts.failures().forEach((file, why) -> log.println("custom nodes: failed to load " + file + ": " + why));
            return new Easel(nodes, home(), env, environment == null, cache, scripts);
        }
    }
}
