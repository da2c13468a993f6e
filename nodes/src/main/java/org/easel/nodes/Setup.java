package org.easel.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import org.easel.engine.Environment;

/** What the node library does before a workflow runs or a server starts (e.g. create the demo model). */
public final class Setup {
    private Setup() {}

    /**
     * Prepares the environment for running {@code prompt} (may be null for a server): creates missing
     * folders. {@code log} receives one-line notices (null = silent).
     */
    public static void prepare(Environment env, JsonNode prompt, PrintStream log) throws java.io.IOException {
        java.nio.file.Files.createDirectories(env.outputDir());
        java.nio.file.Files.createDirectories(env.inputDir());
        if (log != null && !java.nio.file.Files.isDirectory(org.easel.nodes.demo.DemoModels.checkpointDir(env.modelsDir()))) {
            log.println("easel: creating the demo model easel-tiny-sd3 in " + env.modelsDir() + " (once, a few MB)");
        }
        org.easel.nodes.demo.DemoModels.ensure(env.modelsDir());
        org.easel.nodes.demo.SampleImage.ensure(env.inputDir());
    }
}
