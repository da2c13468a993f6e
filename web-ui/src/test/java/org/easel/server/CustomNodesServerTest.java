package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;

/** The server watches the custom nodes folder: /object_info follows added, edited and removed scripts without a restart. */
class CustomNodesServerTest {
    @TempDir
    Path dir;

    private static String script(String display, int add) {
        return "export default { name: \"AddSome\", display_name: \"" + display + "\", category: \"script\",\n"
                + "  inputs: { required: { x: [\"INT\", { default: 1 }] } }, outputs: [\"INT\"],\n"
                + "  execute({ x }) { return x + " + add + "; } };\n";
    }

    private static JsonNode await(Harness h, Predicate<JsonNode> ok) throws Exception {
        long end = System.currentTimeMillis() + 90_000;   // the first script loads the JavaScript runtime: slow on a busy machine
        JsonNode info = null;
        while (System.currentTimeMillis() < end) {
            info = h.get("/object_info").json();
            if (ok.test(info)) return info;
            Thread.sleep(50);
        }
        throw new AssertionError("/object_info did not change: " + (info == null ? null : info.path("AddSome")));
    }

    private static String run(Harness h) throws Exception {
        Map<String, Object> prompt = Map.of(
                "1", Map.of("class_type", "AddSome", "inputs", Map.of("x", 1)),
                "2", Map.of("class_type", "PreviewAny", "inputs", Map.of("source", List.of("1", 0))));
        JsonNode hist = h.awaitHistory(h.queue(prompt, "c1"), 30_000);
        assertEquals("success", hist.path("status").path("status_str").asText(), hist.toString());
        return hist.path("outputs").path("2").toString();
    }

    @Test
    void objectInfoFollowsTheFolderWithoutARestart() throws Exception {
        try (Harness h = Harness.start(dir)) {
            Path folder = h.env.customNodesDir();
            assertTrue(Files.isDirectory(folder), "the server creates and watches the custom nodes folder");
            assertTrue(h.get("/object_info").json().has("JavaScript"));
            assertTrue(h.get("/object_info").json().path("AddSome").isMissingNode());

            Files.writeString(folder.resolve("add.mjs"), script("Add some", 1));
            await(h, i -> i.path("AddSome").path("display_name").asText().equals("Add some"));
            assertTrue(run(h).contains("2"), "runs the script");

            Files.writeString(folder.resolve("add.mjs"), script("Add more", 100));
            await(h, i -> i.path("AddSome").path("display_name").asText().equals("Add more"));
            assertTrue(run(h).contains("101"), "the edited script re-runs with the same inputs");

            Files.writeString(folder.resolve("bad.mjs"), "export default {");
            JsonNode info = await(h, i -> i.has("bad.mjs"));
            assertEquals("script/failed to load", info.path("bad.mjs").path("category").asText());

            Files.delete(folder.resolve("add.mjs"));
            await(h, i -> i.path("AddSome").isMissingNode());
        }
    }
}
