package org.easel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.easel.engine.Json;
import org.easel.engine.workflow.PngMetadata;
import org.junit.jupiter.api.Test;

/** {@code easel run|validate|convert} with API JSON, editor JSON and PNG files. */
class WorkflowFormatsCliTest extends CliHarness {
    static final Path WORKFLOWS = Path.of("..", "workflows").toAbsolutePath().normalize();

    @Test
    void runsAnEditorFileWithSet() {
        Path ui = WORKFLOWS.resolve("ui/basic-math.json");
        assertEquals(0, run("run", ui.toString()), err());
        assertTrue(out().contains("#4: 42") && out().contains("#7: Hello, Easel"), out());
        reset();
        assertEquals(0, run("run", ui.toString(), "--set", "1.value=10", "--set", "3.op=add"), err());
        assertTrue(out().contains("#4: 17"), out());
        reset();
        assertEquals(0, run("validate", ui.toString()), err());
        assertTrue(out().contains("OK: 7 nodes"), out());
    }

    @Test
    void convertRoundTripsThroughFiles() throws Exception {
        Path api = WORKFLOWS.resolve("hires-fix.json");
        Path ui = home.resolve("out/hires-ui.json");
        Path back = home.resolve("hires-api.json");
        assertEquals(0, run("convert", api.toString(), "-o", ui.toString()), err());
        JsonNode uiJson = Json.MAPPER.readTree(ui.toFile());
        assertTrue(uiJson.get("nodes").isArray() && uiJson.get("links").get(0).isArray(), "schema 0.4 editor file");
        assertEquals(0, run("convert", ui.toString(), "-o", back.toString()), err());
        assertEquals(Json.MAPPER.readTree(api.toFile()), Json.MAPPER.readTree(back.toFile()));
        reset();
        assertEquals(0, run("convert", ui.toString(), "--to", "ui"), err());
        assertEquals(uiJson, Json.parse(out()));
    }

    @Test
    void badFilesExitTwoWithAClearMessage() throws Exception {
        Path cut = home.resolve("cut.json");
        String text = Files.readString(WORKFLOWS.resolve("ui/basic-math.json"));
        Files.writeString(cut, text.substring(0, text.length() / 2));
        for (String cmd : new String[] {"run", "validate", "convert"}) {
            reset();
            assertEquals(2, run(cmd, cut.toString()), cmd);
            assertTrue(err().contains("cut.json is not valid JSON") && err().matches("(?s).*at line \\d+, column \\d+.*"), err());
            assertFalse(err().contains("\tat "), "no stack trace: " + err());
        }
        Path png = home.resolve("plain.png");
        Files.write(png, Arrays.copyOf(Files.readAllBytes(writePicture()), 33 + 12)); // signature, IHDR, then cut
        reset();
        assertEquals(2, run("run", png.toString()));
        assertTrue(err().contains("plain.png has no embedded workflow"), err());

        Path missing = home.resolve("missing.json");
        JsonNode wf = Json.MAPPER.readTree(WORKFLOWS.resolve("ui/basic-math.json").toFile());
        ((ArrayNode) wf.get("links").get(0)).set(1, Json.tree(99));
        Files.writeString(missing, wf.toString());
        reset();
        assertEquals(2, run("convert", missing.toString()));
        assertTrue(err().contains("which does not exist") && err().contains("node 99"), err());
    }

    /** Runs text-to-image on the demo model and returns the saved picture. */
    private Path writePicture(String... extra) {
        reset();
        String[] args = new String[3 + extra.length];
        args[0] = "run";
        args[1] = WORKFLOWS.resolve("text-to-image.json").toString();
        args[2] = "--quiet";
        System.arraycopy(extra, 0, args, 3, extra.length);
        assertEquals(0, run(args), err());
        return savedPath(out());
    }

    private static Path savedPath(String stdout) {
        Matcher m = Pattern.compile("(?m)^(?:Saved )?(.*\\.png)$").matcher(stdout);     // --quiet: the bare path
        assertTrue(m.find(), stdout);
        return Path.of(m.group(1).trim());
    }

    @Test
    void aSavedPictureRunsAgainToTheSameBytes() throws Exception {
        Path first = writePicture("--set", "3.seed=5");
        byte[] a = Files.readAllBytes(first);
        var text = PngMetadata.read(a);
        assertTrue(text.containsKey("prompt") && text.containsKey("workflow"), text.keySet().toString());
        assertTrue(Json.parse(text.get("workflow")).get("nodes").isArray(), "an editor workflow made from the API prompt");

        reset();
        assertEquals(0, run("run", first.toString(), "--quiet"), err());
        Path second = savedPath(out());
        assertFalse(second.equals(first));
        assertArrayEquals(a, Files.readAllBytes(second), "same prompt, same seed: the same file, metadata included");

        reset();
        assertEquals(0, run("convert", first.toString()), err());
        assertEquals(Json.parse(text.get("workflow")), Json.parse(out()), "convert extracts the embedded workflow");
        reset();
        assertEquals(0, run("convert", first.toString(), "--to", "api"), err());
        assertEquals(5, Json.parse(out()).get("3").get("inputs").get("seed").asInt());
    }
}
