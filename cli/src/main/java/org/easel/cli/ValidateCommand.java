package org.easel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easel.Easel;
import org.easel.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code easel validate FILE}: reports validation errors without executing anything. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Check a workflow (API JSON, editor JSON or PNG) without running it. Exit code 0 when valid, 2 when not.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Workflow file: API JSON, editor JSON or PNG.")
    Path file;

    @Option(names = "--set", paramLabel = "NODE_ID.INPUT=VALUE", description = "Override an input value.")
    List<String> sets = new ArrayList<>();

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        Map<String, String> overrides = RunCommand.overrides(sets);
        if (overrides == null) return 2;
        try (Easel easel = common.builder().extraCustomNodes(CommonOptions.besideWorkflow(file)).prepare(false).build()) {
            Validation v = easel.validate(file, overrides);
            if (!RunCommand.report(file, v, "Some outputs are invalid and would be skipped:")) return 2;
            System.out.println("OK: " + v.prompt().size() + " nodes, outputs " + v.outputs());
            return 0;
        }
    }
}
