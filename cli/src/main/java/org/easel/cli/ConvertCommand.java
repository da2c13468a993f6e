package org.easel.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.easel.Easel;
import org.easel.engine.workflow.JsonText;
import org.easel.engine.workflow.WorkflowException;
import org.easel.engine.workflow.WorkflowFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code easel convert FILE [--to api|ui] [-o OUT]}: converts between ComfyUI's editor (UI) format and its API
 * format, and extracts the workflow embedded in a PNG.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Convert a workflow between ComfyUI's editor (UI) format and its API format, "
                + "or extract the workflow embedded in a PNG.",
                "Default target: API for an editor file, editor for an API file, the embedded editor workflow "
                        + "(else the prompt) for a PNG. Exit 0 success, 2 unreadable file or usage."})
final class ConvertCommand implements Callable<Integer> {
    enum Target { api, ui }

    @Parameters(index = "0", paramLabel = "FILE", description = "API JSON, editor JSON, or PNG with embedded metadata.")
    Path file;

    @Option(names = "--to", paramLabel = "api|ui", description = "Target format: api or ui.")
    Target to;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write to this file instead of standard output.")
    Path out;

    @Option(names = "--custom-nodes", paramLabel = "DIR",
            description = "Folder of JavaScript custom nodes (default: <home>/custom_nodes; custom_nodes beside FILE too).")
    Path customNodes;

    @Override
    public Integer call() {
        WorkflowFiles.Loaded loaded;
        String json;
        // the node schemas (with custom nodes, also those beside the file) give each widget's name
        Easel.Builder builder = Easel.builder().prepare(false).extraCustomNodes(CommonOptions.besideWorkflow(file));
        if (customNodes != null) builder.customNodes(customNodes);
        try (Easel easel = builder.build()) {
            loaded = new WorkflowFiles(easel.registry()).read(file);
            Target target = to != null ? to : switch (loaded.form()) {
                case UI -> Target.api;
                case API -> Target.ui;
                case PNG -> loaded.hasWorkflow() ? Target.ui : Target.api;
            };
            json = target == Target.api ? JsonText.pretty(loaded.prompt()) : loaded.workflow().write();
            for (String w : loaded.warnings()) System.err.println("warning: " + w);
        } catch (WorkflowException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (out == null) {
            System.out.println(json);
            return 0;
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("error: cannot write " + out + ": " + e.getMessage());
            return 2;
        }
        System.err.println("Wrote " + out);
        return 0;
    }
}
