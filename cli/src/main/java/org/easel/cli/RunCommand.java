package org.easel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.easel.engine.Environment;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;
import org.easel.engine.workflow.WorkflowException;
import org.easel.nodes.Setup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code easel run FILE}: validates and runs a workflow headless, then prints where outputs went. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Run a workflow headless: API JSON, editor (UI) JSON, or a PNG with an embedded workflow.",
                "Exit codes: 0 success, 1 execution error, 2 invalid workflow or usage, 130 interrupted."})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Workflow file: API JSON, editor JSON or PNG.")
    Path file;

    @Option(names = "--set", paramLabel = "NODE_ID.INPUT=VALUE",
            description = "Override an input value, coerced by the input's declared type (repeatable), e.g. --set 3.seed=42.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--quiet", description = "Print only the output paths and errors.")
    boolean quiet;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        NodeRegistry registry = NodeRegistry.load();
        Environment env = common.environment();
        Prompt prompt;
        WorkflowFile.Opened opened;
        try {
            opened = WorkflowFile.open(file, registry, System.err);
            ObjectNode tree = opened.prompt();
            WorkflowFile.applySet(tree, sets, registry);
            prompt = WorkflowFile.parse(tree);
        } catch (WorkflowException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        try {
            Setup.prepare(env, prompt.json(), quiet ? null : System.err);
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        ValidationResult v = new Validator(registry, env).validate(prompt);
        if (!v.ok()) {
            System.err.println("Workflow " + file + " is invalid:");
            v.describe().forEach(System.err::println);
            return 2;
        }
        if (!v.nodeErrors().isEmpty()) {
            System.err.println("Skipping invalid outputs:");
            v.describe().forEach(System.err::println);
        }
        Executor executor = new Executor(env, new OutputCache(common.cacheBytes()));
        Thread hook = new Thread(executor::interrupt, "easel-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean tty = System.console() != null && System.getenv("CI") == null;
        ProgressPrinter printer = new ProgressPrinter(System.err, tty, prompt, v.resolved().size());
        long t0 = System.nanoTime();
        ExecutionResult r = executor.execute(prompt, v, UUID.randomUUID().toString(), opened.extraData(!sets.isEmpty()),
                quiet ? (type, data) -> { } : printer);
        printer.endBar();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // shutting down already
        }
        if (r.interrupted()) {
            System.err.println("Interrupted.");
            return 130;
        }
        if (!r.success()) {
            System.err.println("error: " + r.errorMessage());
            return 1;
        }
        printOutputs(env, r);
        if (!quiet) System.err.printf("Done in %.2f s%n", (System.nanoTime() - t0) / 1e9);
        if (!v.nodeErrors().isEmpty()) {
            System.err.println("error: some outputs were skipped because their inputs are invalid (listed above)");
            return 2;
        }
        return 0;
    }

    /** Prints each saved file (absolute path) and each text output. */
    static void printOutputs(Environment env, ExecutionResult r) {
        for (Map.Entry<String, Map<String, Object>> e : r.outputs().entrySet()) {
            Map<String, Object> ui = e.getValue();
            for (String key : List.of("images", "files")) {
                Object items = ui.get(key);
                if (!(items instanceof List<?> list)) continue;
                for (Object o : list) {
                    if (!(o instanceof Map<?, ?> item)) continue;
                    Path base = "temp".equals(item.get("type")) ? env.tempDir()
                            : "input".equals(item.get("type")) ? env.inputDir() : env.outputDir();
                    String sub = item.get("subfolder") == null ? "" : item.get("subfolder").toString();
                    Path p = base.resolve(sub).resolve(item.get("filename").toString());
                    System.out.println("Saved " + p);
                }
            }
            if (ui.get("text") instanceof List<?> texts) {
                for (Object t : texts) System.out.println("#" + e.getKey() + ": " + t);
            }
        }
    }
}
