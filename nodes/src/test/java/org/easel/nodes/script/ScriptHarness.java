package org.easel.nodes.script;

import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.easel.nodes.image.ToolboxHarness;
import java.util.List;

/** A {@link ToolboxHarness} with a custom nodes folder, a sandbox of short limits, and the scripts loaded. */
final class ScriptHarness implements AutoCloseable {
    final ToolboxHarness h;
    final Path folder;
    final ScriptSandbox sandbox;
    final CustomNodes custom;
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    ScriptHarness(Path base, ScriptLimits limits) {
        h = new ToolboxHarness(base);
        folder = h.env.customNodesDir();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        sandbox = new ScriptSandbox(limits, log);
        h.env.putService(ScriptSandbox.class, sandbox);
        custom = new CustomNodes(h.registry, sandbox, List.of(folder), log);
    }

    ScriptHarness(Path base) {
        this(base, ScriptLimits.defaults().withTimeBudget(Duration.ofSeconds(3)));
    }

    /** Writes a script file into the folder and reloads. */
    ScriptHarness script(String file, String text) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(file), text);
        custom.reload();
        return this;
    }

    String log() { return logBytes.toString(StandardCharsets.UTF_8); }

    @Override
    public void close() {
        custom.close();
        sandbox.close();
    }

    /** A one-node script whose execute is {@code body}, with the given inputs and outputs (JS literals). */
    static String node(String name, String inputs, String outputs, String body) {
        return "export default {\n  name: \"" + name + "\", category: \"test\",\n  inputs: " + inputs + ",\n  outputs: " + outputs
                + ",\n  execute(args) {\n" + body + "\n  }\n};\n";
    }
}
