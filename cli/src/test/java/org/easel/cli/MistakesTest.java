package org.easel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.easel.engine.Environment;
import org.easel.nodes.onnx.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mistakes a new user makes on the command line: each is refused before any node runs, with exit code 2
 * and a message that says what to do.
 */
class MistakesTest extends CapturedConsole {
    static final Path WORKFLOWS = Path.of("..", "workflows").toAbsolutePath().normalize();
    static final Path T2I = WORKFLOWS.resolve("text-to-image.json");
    static final Path I2I = WORKFLOWS.resolve("image-to-image.json");

    /** One home for the class: the demo model is made once. */
    @TempDir
    static Path home;

    @Override
    Path home() { return home; }

    @Override
    boolean freshOutputPerRun() { return true; }

    private static long filesIn(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void outputFolderThatCannotBeUsed() throws Exception {
        assertEquals(2, run("run", T2I.toString(), "--output", "/proc/foo"));
        assertTrue(err().startsWith("error: cannot use /proc/foo as the output folder: "), err());
        assertFalse(err().contains("[1/"), "nothing ran: " + err());

        Path file = home.resolve("README.md");
        Files.writeString(file, "not a folder");
        assertEquals(2, run("run", T2I.toString(), "--output", file.toString()));
        assertEquals("error: cannot use " + file + " as the output folder: it is a file, not a folder\n", err());
        assertEquals("", out());
    }

    @Test
    void modelsFolderThatDoesNotExist() throws Exception {
        Path typo = home.resolve("nonexistent");
        assertEquals(2, run("run", T2I.toString(), "--models", typo.toString()));
        assertTrue(err().startsWith("error: cannot use " + typo + " as the models folder: no such folder; "), err());
        assertFalse(Files.exists(typo), "the typo did not become a folder");

        Files.createDirectories(home.resolve("my-models"));
        assertEquals(2, run("validate", T2I.toString(), "--models", home.resolve("my-modles").toString()));
        assertTrue(err().contains("did you mean " + home.resolve("my-models") + "?"), err());
    }

    @Test
    void cudaOnTheCpuBuildIsRefusedBeforeTheRun() {
        assumeFalse(Device.cudaBuildPresent(), "this build has the GPU runtime");
        assertEquals(2, run("run", T2I.toString(), "--device", "cuda"));
        assertTrue(err().contains("device cuda was requested, but this build has the CPU-only ONNX Runtime"), err());
        assertFalse(err().contains("[1/"), "no node ran: " + err());
        assertEquals(2, run("validate", T2I.toString(), "--device", "cuda:1"));
        assertTrue(err().contains("device cuda:1 was requested"), err());
    }

    @Test
    void unknownDeviceGivesTheMessageAloneWithTheValidValues() {
        assertEquals(2, run("run", T2I.toString(), "--device", "gpu"));
        assertEquals("error: --device must be auto, cpu, cuda or cuda:N, not 'gpu'\n", err());
        assertFalse(err().contains("Usage"), err());
    }

    @Test
    void setValueOfTheWrongType() throws Exception {
        assertEquals(2, run("run", T2I.toString(), "--set", "3.seed=abc"));
        assertEquals("error: --set 3.seed=abc: 'abc' is not an integer (KSampler.seed takes 0 … 2^64−1)\n", err());
        assertEquals("", out());
        assertEquals(0, filesIn(home.resolve("output")), "nothing saved");
        assertEquals(2, run("validate", T2I.toString(), "--set", "3.cfg=high"));
        assertEquals("error: --set 3.cfg=high: 'high' is not a number (KSampler.cfg takes 0 … 100)\n", err());
    }

    @Test
    void missingModelNamesTheFolderAndTheClosestName() throws Exception {
        assertEquals(2, run("run", T2I.toString(), "--set", "4.ckpt_name=easel-tiny"));
        Path folder = home.resolve("models").resolve("checkpoints");
        assertTrue(err().contains("--set 4.ckpt_name=easel-tiny: Value not in list — ckpt_name: 'easel-tiny' not in "
                + "['easel-tiny-sd3'] (searched " + folder + "; closest name: 'easel-tiny-sd3')"), err());

        Path wf = home.resolve("missing-model.json");
        Files.writeString(wf, Files.readString(T2I).replace("\"ckpt_name\": \"easel-tiny-sd3\"", "\"ckpt_name\": \"missing-model\""));
        assertEquals(2, run("run", wf.toString()));
        assertTrue(err().contains("node #4 (CheckpointLoaderSimple), input 'ckpt_name': Value not in list — ckpt_name: "
                + "'missing-model' not in ['easel-tiny-sd3'] (searched " + folder + "; closest name: 'easel-tiny-sd3')"), err());
        assertEquals(0, filesIn(home.resolve("output")));
    }

    @Test
    void missingImageNamesTheFolderAndTheClosestName() {
        assertEquals(2, run("run", I2I.toString(), "--set", "10.image=easel-sampel.png"));
        assertTrue(err().contains("Invalid image file: easel-sampel.png (not found in " + home.resolve("input")
                + "; closest name: 'easel-sample.png')"), err());
    }

    @Test
    void validateReadsLoadImageFilesLikeRun() throws Exception {
        assertEquals(0, run("validate", I2I.toString()), err());
        assertTrue(out().startsWith("OK: "), out());
        assertTrue(out().contains("models found, input images readable"), out());

        Files.createDirectories(home.resolve("input"));
        Files.writeString(home.resolve("input").resolve("notes.png"), "this is text, not a picture");
        assertEquals(2, run("validate", I2I.toString(), "--set", "10.image=notes.png"));
        String message = "Invalid image file: notes.png (not a PNG, JPEG, WebP, BMP or GIF image)";
        assertTrue(err().contains(message), err());
        assertEquals(2, run("run", I2I.toString(), "--set", "10.image=notes.png"));
        assertTrue(err().contains(message), err());
        assertEquals(0, filesIn(home.resolve("output")));
    }

    @Test
    void serverStartUpSummaryNamesFoldersModelsAndDevice() throws Exception {
        assertEquals(0, run("validate", T2I.toString()), err());          // the demo model exists
        Path mine = home.resolve("models/my_styles/ink");                 // a folder the user added
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("model.onnx"), "x");
        List<String> lines = ServeCommand.summary(Environment.under(home, "auto"));
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +my_styles: +ink")), lines.toString());
        assertEquals("  models  " + home.resolve("models"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +checkpoints: +easel-tiny-sd3")), lines.toString());
        assertTrue(lines.contains("  output  " + home.resolve("output")), lines.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("  device  auto ("), lines.toString());
    }

    @Test
    void textToImageSummaryAndBarePaths() throws Exception {
        assertEquals(0, run("validate", T2I.toString()), err());
        assertEquals("OK: 7 nodes, 1 output (SaveImage #9), models found\n", out());
        Path folder = home.resolve("quiet-output");
        assertEquals(0, run("run", T2I.toString(), "--quiet", "--output", folder.toString(), "--set", "3.steps=2",
                "--set", "5.width=256", "--set", "5.height=256"), err());
        String[] lines = out().split("\n");
        assertEquals(1, lines.length, out());
        assertTrue(lines[0].startsWith(folder.toString()) && lines[0].endsWith(".png"), out());
        assertTrue(Files.isRegularFile(Path.of(lines[0])));
        assertEquals("", err(), "--quiet prints nothing else");
    }
}
