package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.nodes.Setup;
import org.easel.nodes.codec.PngChunks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ComfyUI client flow, end to end on the demo model: open /ws, POST /prompt with the text-to-image
 * workflow, read messages until executing with node null, GET /history/{id}, then GET /view returns the PNG.
 */
class DemoClientFlowTest {
    @TempDir
    Path dir;

    @Test
    void textToImageThroughTheApi() throws Exception {
        Setup.prepare(Environment.under(dir, "cpu"), null);
        ObjectNode wf = (ObjectNode) Json.MAPPER.readTree(Path.of("..", "workflows", "text-to-image.json").toFile());
        ((ObjectNode) wf.get("5").get("inputs")).put("width", 256).put("height", 256);
        try (Harness h = Harness.start(dir)) {
            String client = Harness.newId();
            Harness.Ws ws = h.ws(client);
            assertEquals("status", ws.next(5000).path("type").asText());
            Harness.Run run = h.run(ws, client, wf, "extra_data", Map.of("extra_pnginfo", Map.of("workflow", Map.of("nodes", List.of())),
                    "preview_method", "auto"));
            assertEquals(null, run.error, () -> "error: " + run.error);
            assertTrue(run.types().contains("execution_start"));
            assertTrue(run.types().contains("progress"), run.types().toString());
            assertTrue(run.types().contains("execution_success"), run.types().toString());
            assertEquals("success", run.history.at("/status/status_str").asText());
            // progress counts 1…steps, as ComfyUI (no 0)
            int steps = wf.get("3").get("inputs").get("steps").asInt();
            List<Integer> values = run.events.stream().filter(e -> e.path("type").asText().equals("progress"))
                    .filter(e -> e.at("/data/node").asText().equals("3")).map(e -> e.at("/data/value").asInt()).toList();
            assertEquals(IntStream.rangeClosed(1, steps).boxed().toList(), values);
            assertTrue(run.events.stream().filter(e -> e.path("type").asText().equals("progress"))
                    .allMatch(e -> e.at("/data/max").asInt() == steps));

            // a latent preview arrived as a binary frame: [u32 type][u32 format][JPEG]
            byte[] frame = ws.binary.poll(5, TimeUnit.SECONDS);
            assertNotNull(frame, "a preview frame");
            ByteBuffer b = ByteBuffer.wrap(frame);
            int type = b.getInt();
            assertTrue(type == 1 || type == 4, "preview type " + type);
            if (type == 1) {
                assertEquals(1, b.getInt(), "JPEG");
                BufferedImage preview = ImageIO.read(new ByteArrayInputStream(frame, 8, frame.length - 8));
                assertEquals(32, preview.getWidth(), "latent-size preview");
            }

            JsonNode image = run.history.at("/outputs/9/images/0");
            assertEquals("output", image.path("type").asText());
            Harness.Resp view = h.get("/view?filename=" + image.path("filename").asText() + "&type=output&subfolder="
                    + image.path("subfolder").asText());
            assertEquals(200, view.status());
            assertEquals("image/png", view.header("Content-Type"));
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(view.bytes()));
            assertEquals(256, png.getWidth());
            // a red circle: some clearly red pixels, a light background in the corner
            int red = 0;
            for (int y = 0; y < 256; y += 2) {
                for (int x = 0; x < 256; x += 2) {
                    int p = png.getRGB(x, y);
                    if (((p >> 16) & 255) > 160 && ((p >> 8) & 255) < 90 && (p & 255) < 90) red++;
                }
            }
            assertTrue(red > 200, "red pixels " + red);
            Map<String, String> text = PngChunks.readText(view.bytes());
            assertEquals(Json.parse(text.get("prompt")), wf);
            assertFalse(text.get("workflow").isEmpty());
        }
    }
}
