package org.easel.nodes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.easel.engine.Environment;
import org.easel.nodes.demo.DemoModels;
import org.easel.nodes.demo.SampleImage;
import org.easel.nodes.onnx.OnnxRuntime;

/** What the node library does before a workflow runs or a server starts (e.g. create the demo model). */
public final class Setup {
    private Setup() {}

    /**
     * Prepares the environment: creates missing folders, the demo model and the sample input image.
     * {@code log} receives one-line notices (null = silent).
     */
    public static void prepare(Environment env, PrintStream log) throws IOException {
        OnnxRuntime.checkDevice(env.device());
        usableFolder(env.outputDir(), "output");
        usableFolder(env.inputDir(), "input");
        if (log != null && !Files.isDirectory(DemoModels.checkpointDir(env.modelsDir()))) {
            log.println("easel: creating the demo model easel-tiny-sd3 in " + env.modelsDir() + " (once, a few MB)");
        }
        DemoModels.ensure(env.modelsDir());
        SampleImage.ensure(env.inputDir());
    }

    /**
     * Makes sure {@code dir} is a folder Easel can write to, creating it when missing.
     * @throws IllegalArgumentException {@code cannot use DIR as the ROLE folder: REASON}
     */
    public static void usableFolder(Path dir, String role) {
        String why = null;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            why = "it is a file, not a folder";
        } else if (Files.isDirectory(dir)) {
            if (!Files.isWritable(dir)) why = "it is not writable";
        } else {
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                why = e.getFile() + " is a file, not a folder";
            } catch (FileSystemException e) {
                why = e.getReason() != null ? e.getReason().toLowerCase(Locale.ROOT) : e.getClass().getSimpleName();
            } catch (IOException e) {
                why = e.getMessage();
            }
        }
        if (why != null) throw new IllegalArgumentException("cannot use " + dir + " as the " + role + " folder: " + why);
    }
}
