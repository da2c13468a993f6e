package org.easel.cli;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.easel.Easel;
import org.easel.Problem;
import org.easel.RunResult;
import org.easel.Validation;
import org.easel.engine.Json;
import org.easel.engine.NodeException;
import org.easel.engine.NodeRegistry;
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

    @Option(names = "--quiet", description = "Print only the saved files' paths, one per line (for xargs), and errors.")
    boolean quiet;

    @Option(names = "--json", description = "Print every event as one JSON object per line (ComfyUI's WebSocket messages).")
    boolean json;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        if (quiet && json) {
            System.err.println("error: --quiet and --json do not go together");
            return 2;
        }
        Map<String, String> overrides = overrides(sets);
        if (overrides == null) return 2;
        Easel easel;
        try {
            NodeRegistry nodes = NodeRegistry.load();
            easel = common.builder().registry(nodes).extraCustomNodes(CommonOptions.besideWorkflow(file, nodes)).log(quiet || json ? null : System.err).build();
        } catch (IllegalArgumentException | NodeException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        try (easel) {
            Validation v = easel.validate(file, overrides);
            if (json && !v.runnable()) System.out.println(Json.write(validationEvent(v)));
            if (!setProblems(v, overrides) || !report(file, v, "Skipping invalid outputs:")) return 2;
            return execute(easel, v);
        }
    }

    private int execute(Easel easel, Validation v) {
        boolean tty = System.console() != null && System.getenv("CI") == null;
        ProgressPrinter.Style style = json ? ProgressPrinter.Style.JSON : quiet ? ProgressPrinter.Style.QUIET
                : tty ? ProgressPrinter.Style.LIVE : ProgressPrinter.Style.PLAIN;
        var registry = easel.registry();
        ProgressPrinter printer = new ProgressPrinter(json ? System.out : System.err, style, v.prompt(),
                v.result().resolved().size(), type -> registry.contains(type)
                        && registry.get(type).schema().category().contains("loaders"),
                style == ProgressPrinter.Style.LIVE ? new TerminalWidth() : () -> 80, System::nanoTime);
        // Ctrl+C: the run stops at its next check and this thread reports; the JVM waits for that (the exit
        // status is then 130), and gives up after 5 s so a stuck node cannot keep it alive
        CountDownLatch reported = new CountDownLatch(1);
        AtomicBoolean cancelled = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            cancelled.set(true);
            long deadline = System.nanoTime() + 5_000_000_000L;
            try {
                do {
                    easel.interrupt();
                } while (!reported.await(50, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "easel-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            printer.starting();
            long t0 = System.nanoTime();
            RunResult r = easel.run(v, UUID.randomUUID().toString(), v.extraData(), printer);
            printer.endLine();
            if (r.status() == RunResult.Status.INTERRUPTED || cancelled.get()) {
                List<Path> saved = r.images().stream().map(RunResult.SavedFile::path).toList();
                System.err.println(printer.interrupted(saved));
                return 130;
            }
            if (!r.success()) {
                System.err.println("error: " + r.errorMessage());
                return 1;
            }
            if (!json) printOutputs(r, quiet);
            if (!quiet && !json) System.err.printf("Done in %.2f s%n", (System.nanoTime() - t0) / 1e9);
            if (!v.valid()) {
                System.err.println("error: some outputs were skipped because their inputs are invalid (listed above)");
                return 2;
            }
            return 0;
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
    }

    /**
     * A problem caused by a {@code --set} value stops everything before any node runs, said in the terms the
     * user typed: {@code --set 3.seed=abc: 'abc' is not an integer (KSampler.seed takes 0 … 2^64−1)}.
     * @return whether no override is at fault
     */
    static boolean setProblems(Validation v, Map<String, String> overrides) {
        boolean ok = true;
        for (Problem p : v.problems()) {
            String key = p.nodeId() + "." + p.input();
            if (p.nodeId() == null || p.input() == null || !overrides.containsKey(key)) continue;
            String details = p.details() == null || p.details().isEmpty() ? ""
                    : "invalid_input_type".equals(p.type()) ? " (" + p.details() + ")" : " — " + p.details();
            System.err.println("error: --set " + key + "=" + overrides.get(key) + ": " + p.message() + details);
            ok = false;
        }
        return ok;
    }

    /** ComfyUI's answer to an invalid prompt, as one JSON event for {@code --json}. */
    static Map<String, Object> validationEvent(Validation v) {
        Map<String, Object> data = v.result() != null ? v.result().errorJson()
                : Map.of("error", Map.of("type", v.problems().get(0).type(), "message", v.problems().get(0).message()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "validation_error");
        m.put("data", data);
        return m;
    }

    /** {@code NODE_ID.INPUT=VALUE} options as a map, or null (after printing why) when one is malformed. */
    static Map<String, String> overrides(List<String> sets) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            int dot = eq < 0 ? -1 : s.lastIndexOf('.', eq);
            if (eq < 0 || dot <= 0 || dot == eq - 1) {
                System.err.println("error: --set expects NODE_ID.INPUT=VALUE, got '" + s + "'");
                return null;
            }
            m.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return m;
    }

    /**
     * Prints what validation found: a file or override problem as one line, an invalid workflow with every
     * problem by node and input, skipped outputs under {@code skipping}. @return whether something can run
     */
    static boolean report(Path file, Validation v, String skipping) {
        v.warnings().forEach(w -> System.err.println("warning: " + w));
        if (v.prompt() == null) {
            Problem p = v.problems().get(0);
            System.err.println("error: " + ("bad_override".equals(p.type()) ? "--set " : "") + p.message());
            return false;
        }
        if (!v.runnable()) {
            System.err.println("Workflow " + file + " is invalid:");
            v.describe().forEach(System.err::println);
            return false;
        }
        if (!v.valid()) {
            System.err.println(skipping);
            v.describe().forEach(System.err::println);
        }
        return true;
    }

    /** Prints each saved file (absolute path) and each text output; {@code bare}: only the paths. */
    static void printOutputs(RunResult r, boolean bare) {
        for (RunResult.SavedFile f : r.images()) System.out.println(bare ? f.path().toString() : "Saved " + f.path());
        if (!bare) r.texts().forEach((node, texts) -> texts.forEach(t -> System.out.println("#" + node + ": " + t)));
    }
}
