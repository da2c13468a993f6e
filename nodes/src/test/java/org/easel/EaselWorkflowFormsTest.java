package org.easel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.easel.engine.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java entry point takes editor workflows as well as API JSON, and keeps the editor workflow for saved pictures. */
class EaselWorkflowFormsTest {
    static final Path WORKFLOWS = Path.of("..", "workflows").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void editorWorkflowsValidateAndRun() throws Exception {
        JsonNode ui = Json.MAPPER.readTree(WORKFLOWS.resolve("ui/basic-math.json").toFile());
        try (Easel easel = Easel.builder().home(dir).prepare(false).build()) {
            Validation v = easel.validate(ui, Map.of());
            assertTrue(v.valid(), v.describe().toString());
            assertEquals(ui, v.workflow());
            assertEquals(ui, v.extraData().get("extra_pnginfo").get("workflow"));
            RunResult r = easel.run(ui, Map.of("1.value", "10"), null);
            assertTrue(r.success(), r.errorMessage());
            assertTrue(r.texts().toString().contains("70"), r.texts().toString());

            Validation changed = easel.validate(WORKFLOWS.resolve("ui/basic-math.json"), Map.of("1.value", "10"));
            assertTrue(changed.valid());
            assertNull(changed.workflow(), "overrides change the prompt, so the file's workflow no longer describes it");

            Validation bad = easel.validate(Json.parse("{\"nodes\": [{\"id\": 1}]}"), Map.of());
            assertEquals("invalid_workflow", bad.problems().get(0).type());
            assertTrue(bad.problems().get(0).message().contains("has no type"), bad.problems().toString());
        }
    }
}
