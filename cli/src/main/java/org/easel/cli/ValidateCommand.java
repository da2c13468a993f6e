package org.easel.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easel.Easel;
import org.easel.Validation;
import org.easel.engine.Environment;
import org.easel.engine.NodeRegistry;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.validation.ResolvedNode;
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
        NodeRegistry nodes = NodeRegistry.load();
        try (Easel easel = common.builder().registry(nodes).extraCustomNodes(CommonOptions.besideWorkflow(file, nodes))
                .prepare(false).build()) {
            Validation v = easel.validate(file, overrides);
            if (!RunCommand.setProblems(v, overrides)
                    || !RunCommand.report(file, v, "Some outputs are invalid and would be skipped:")) return 2;
            System.out.println("OK: " + summary(v, easel.environment()));
            return 0;
        }
    }

    /** What was checked, in words: {@code 7 nodes, 1 output (SaveImage #9), models found}. */
    static String summary(Validation v, Environment env) {
        List<String> outs = new ArrayList<>();
        for (String id : v.outputs()) outs.add(v.prompt().node(id).classType() + " #" + id);
        boolean models = false;
        boolean images = false;
        for (ResolvedNode r : v.result().resolved().values()) {
            for (InputSpec spec : r.node().schema().inputs().values()) {
                if (!(r.inputs().get(spec.name()) instanceof String)) continue;
                if (!spec.folders(env).isEmpty()) models = true;
                if (Boolean.TRUE.equals(spec.option("image_upload"))) images = true;
            }
        }
        int n = v.prompt().size();
        return n + (n == 1 ? " node, " : " nodes, ") + outs.size() + (outs.size() == 1 ? " output (" : " outputs (")
                + String.join(", ", outs) + ")" + (models ? ", models found" : "") + (images ? ", input images readable" : "");
    }
}
