package org.easel.cli;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.easel.Easel;
import org.easel.Problem;
import org.easel.RunResult;
import org.easel.Validation;
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
        Map<String, String> overrides = overrides(sets);
        if (overrides == null) return 2;
        Easel easel;
        try {
            easel = common.builder().extraCustomNodes(CommonOptions.besideWorkflow(file)).log(quiet ? null : System.err).build();
        } catch (UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        try (easel) {
            Validation v = easel.validate(file, overrides);
            if (!report(file, v, "Skipping invalid outputs:")) return 2;
            Thread hook = new Thread(easel::interrupt, "easel-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            boolean tty = System.console() != null && System.getenv("CI") == null;
            ProgressPrinter printer = new ProgressPrinter(System.err, tty, v.prompt(), v.result().resolved().size());
            long t0 = System.nanoTime();
            RunResult r = easel.run(v, UUID.randomUUID().toString(), v.extraData(), quiet ? null : printer);
            printer.endBar();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
            if (r.status() == RunResult.Status.INTERRUPTED) {
                System.err.println("Interrupted.");
                return 130;
            }
            if (!r.success()) {
                System.err.println("error: " + r.errorMessage());
                return 1;
            }
            printOutputs(r);
            if (!quiet) System.err.printf("Done in %.2f s%n", (System.nanoTime() - t0) / 1e9);
            if (!v.valid()) {
                System.err.println("error: some outputs were skipped because their inputs are invalid (listed above)");
                return 2;
            }
            return 0;
        }
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

    /** Prints each saved file (absolute path) and each text output. */
    static void printOutputs(RunResult r) {
        for (RunResult.SavedFile f : r.images()) System.out.println("Saved " + f.path());
        r.texts().forEach((node, texts) -> texts.forEach(t -> System.out.println("#" + node + ": " + t)));
    }
}
