package org.easel.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easel.Easel;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeRegistry;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code easel nodes [NAME]}: lists node types, or shows one node's inputs and outputs. */
@Command(name = "nodes", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "List node types, or show the schema of one (NAME).")
final class NodesCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "A node type, e.g. KSampler.")
    String name;

    @Option(names = "--json", description = "Print ComfyUI /object_info JSON.")
    boolean json;

    @Option(names = "--all", description = "Also list the nodes for testing (category _for_testing).")
    boolean all;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        // the custom nodes folder, and the example script nodes shipped in <home>/workflows/custom_nodes
        try (Easel easel = common.builder().prepare(false)
                .extraCustomNodes(CommonOptions.home().resolve("workflows").resolve("custom_nodes")).build()) {
            easel.customNodes().failures().forEach((file, why) -> System.err.println("custom nodes: failed to load " + file + ": " + why));
            return show(easel.registry(), easel.environment());
        }
    }

    private Integer show(NodeRegistry registry, Environment env) {
        if (name == null) {
            if (json) {
                System.out.println(Json.write(registry.objectInfo(env)));
                return 0;
            }
            String lastCategory = null;
            List<Node> nodes = registry.all().stream()
                    .filter(n -> all || !n.schema().category().startsWith("_for_testing"))
                    .sorted(Comparator.comparing((Node n) -> n.schema().category()).thenComparing(n -> n.schema().name()))
                    .toList();
            for (Node n : nodes) {
                NodeSchema s = n.schema();
                if (!s.category().equals(lastCategory)) {
                    System.out.println(s.category() + ":");
                    lastCategory = s.category();
                }
                System.out.println(ProgressPrinter.cut(String.format("  %-28s %s", s.name(), firstLine(s.description())), 119));
            }
            long hidden = registry.all().stream().filter(n -> n.schema().category().startsWith("_for_testing")).count();
            System.out.println(nodes.size() + " node types" + (all || hidden == 0 ? "" : " (" + hidden + " for testing not shown: --all)")
                    + ". Show one with: easel nodes NAME");
            return 0;
        }
        Node n = registry.get(name);
        if (n == null) {
            String near = registry.all().stream().map(x -> x.schema().name())
                    .filter(x -> x.toLowerCase().contains(name.toLowerCase())).toList().toString();
            System.err.println("error: no node type '" + name + "'" + (near.equals("[]") ? "" : "; did you mean one of " + near + "?"));
            return 2;
        }
        NodeSchema s = n.schema();
        if (json) {
            System.out.println(Json.write(Map.of(s.name(), s.toObjectInfo(env))));
            return 0;
        }
        System.out.println(s.name() + (s.displayName().equals(s.name()) ? "" : " (" + s.displayName() + ")")
                + "  [" + s.category() + "]" + (s.isOutputNode() ? "  output node" : ""));
        if (!s.description().isEmpty()) System.out.println("  " + s.description());
        System.out.println("Inputs (* required):");
        for (InputSpec i : s.required()) System.out.println("  * " + describe(i, env, false));
        for (InputSpec i : s.optional()) System.out.println("    " + describe(i, env, true));
        System.out.println("Outputs:");
        int k = 0;
        for (OutputSpec o : s.outputs()) System.out.println("  " + (k++) + ": " + o.name() + " (" + o.type() + ")");
        if (s.outputs().isEmpty()) System.out.println("  (none)");
        return 0;
    }

    /** The first line of a description (some hold a list after it), or a dash when there is none. */
    static String firstLine(String description) {
        if (description == null || description.isBlank()) return "-";
        String line = description.strip().split("\n", 2)[0].strip();
        return line.endsWith(":") ? line.substring(0, line.length() - 1) : line;
    }

    private static String describe(InputSpec i, Environment env, boolean optional) {
        StringBuilder b = new StringBuilder(String.format("%-16s ", i.name()));
        if (i.isCombo()) {
            List<String> c = i.choices(env);
            b.append("one of ").append(c.size() > 12 ? c.subList(0, 12) + "… (" + c.size() + ")" : c.toString());
        } else {
            b.append(i.type());
        }
        Map<String, Object> o = i.options();
        if (o.containsKey("default") && !i.isCombo()) b.append(" default=").append(Json.write(o.get("default")));
        if (o.containsKey("min")) b.append(" min=").append(o.get("min"));
        if (o.containsKey("max")) b.append(" max=").append(o.get("max"));
        if (optional) b.append(" (optional)");
        return b.toString();
    }
}
