package org.easel.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.easel.engine.NodeRegistry;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;
import org.easel.engine.workflow.WorkflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code easel validate FILE}: reports validation errors without executing anything. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Check a workflow (API JSON, editor JSON or PNG) without running it. Exit code 0 when valid, 2 when not.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Workflow file: API JSON, editor JSON or PNG.")
    Path file;

    @picocli.CommandLine.Option(names = "--set", paramLabel = "NODE_ID.INPUT=VALUE", description = "Override an input value.")
    java.util.List<String> sets = new java.util.ArrayList<>();

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        NodeRegistry registry = NodeRegistry.load();
        try {
            var tree = WorkflowFile.read(file, registry);
            WorkflowFile.applySet(tree, sets, registry);
            Prompt prompt = WorkflowFile.parse(tree);
            ValidationResult v = new Validator(registry, common.environment()).validate(prompt);
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
        } catch (WorkflowException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }
}
