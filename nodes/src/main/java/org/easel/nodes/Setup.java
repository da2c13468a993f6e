package org.easel.nodes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import org.easel.engine.Environment;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.demo.SampleImage;

/** What the node library does before a workflow runs or a server starts (e.g. create the demo model). */
public final class Setup {
    private Setup() {}

    /**
     * Prepares the environment: creates missing folders, the demo model and the sample input image.
     * {@code log} receives one-line notices (null = silent).
     */
    public static void prepare(Environment env, PrintStream log) throws IOException {
        Files.createDirectories(env.outputDir());
        Files.createDirectories(env.inputDir());
        if (log != null && !Files.isDirectory(DemoModels.checkpointDir(env.modelsDir()))) {
            log.println("easel: creating the demo model easel-tiny-sd3 in " + env.modelsDir() + " (once, a few MB)");
        }
        DemoModels.ensure(env.modelsDir());
        SampleImage.ensure(env.inputDir());
    }
}
