package org.easel.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.easel.engine.NodeRegistry;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code easel validate FILE}: reports validation errors without executing anything. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Check a workflow (API format) without running it. Exit code 0 when valid, 2 when not.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Workflow file in ComfyUI API format.")
    Path file;

    @picocli.CommandLine.Option(names = "--set", paramLabel = "NODE_ID.INPUT=VALUE", description = "Override an input value.")
    java.util.List<String> sets = new java.util.ArrayList<>();

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        var env = common.environment();
        NodeRegistry registry = CommonOptions.registry(env, CommonOptions.besideWorkflow(file));
        try {
            var tree = WorkflowFile.read(file);
            WorkflowFile.applySet(tree, sets, registry);
            Prompt prompt = WorkflowFile.parse(tree);
            ValidationResult v = new Validator(registry, env).validate(prompt);
            if (!v.ok()) {
                System.err.println("Workflow " + file + " is invalid:");
                v.describe().forEach(System.err::println);
                return 2;
            }
            if (!v.nodeErrors().isEmpty()) {
                System.err.println("Some outputs are invalid and would be skipped:");
                v.describe().forEach(System.err::println);
            }
            System.out.println("OK: " + prompt.size() + " nodes, outputs " + v.outputs());
            return 0;
        } catch (WorkflowFile.WorkflowException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
