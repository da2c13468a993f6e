package org.easel.engine.workflow;

import static org.easel.engine.workflow.WorkflowConverterTest.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import org.easel.engine.Json;
import org.junit.jupiter.api.Test;

/** The editor format's read/write round trips, PNG text chunks, and reading any of the three forms. */
class WorkflowFilesTest {
    final WorkflowFiles files = new WorkflowFiles(ComfyLikeNodes.registry());
    final WorkflowConverter converter = files.converter();

    static final String WITH_EXTRAS = """
            {"id": "5f0c", "revision": 3, "last_node_id": 9, "last_link_id": 9,
             "nodes": [%s],
             "links": %s,
             "groups": [{"id": 1, "title": "Models", "bounding": [0, 0, 400, 300], "color": "#3f789e", "font_size": 24, "flags": {}}],
             "config": {"links_ontop": true},
             "extra": {"ds": {"scale": 0.9, "offset": [10, 20]}, "frontendVersion": "1.30.0", "VHS_latentpreview": false,
                       "reroutes": [{"id": 1, "pos": [100, 200], "linkIds": [2]}], "linkExtensions": [{"id": 2, "parentId": 1}]},
             "models": [{"name": "sd.safetensors", "url": "https://example.invalid/sd", "directory": "checkpoints"}],
             "version": 0.4}
            """;

    static String txt2imgWithExtras() {
        UiBuilder b = WorkflowConverterTest.txt2img();
        ObjectNode ks = b.find(3);
        ks.putObject("properties").put("Node name for S&R", "KSampler").put("cnr_id", "comfy-core").put("ver", "0.3.40")
                .putObject("custom").put("anything", 1);
        ks.putObject("pos").put("0", 100.5).put("1", 200);         // older editors wrote typed arrays as objects
        ks.put("color", "#322").put("bgcolor", "#533");
        StringBuilder nodes = new StringBuilder();
        for (JsonNode n : b.json.get("nodes")) nodes.append(nodes.length() == 0 ? "" : ",").append(n);
        return WITH_EXTRAS.formatted(nodes, b.json.get("links"));
    }

    @Test
    void readWriteKeepsEveryUnknownField() throws Exception {
        String text = txt2imgWithExtras();
        UiWorkflow ui = UiWorkflow.parse(text);
        assertEquals(Json.parse(text), Json.parse(ui.write()));
        assertArrayEquals(new double[] {100.5, 200}, ui.graph().node("3").pos());
        assertEquals(json(WorkflowConverterTest.TXT2IMG_API), converter.toPrompt(ui));
    }

    @Test
    void version1AndSchema04ConvertIntoEachOther() throws Exception {
        UiWorkflow v04 = UiWorkflow.parse(txt2imgWithExtras());
        UiWorkflow v1 = v04.toVersion1();
        assertTrue(v1.isVersion1());
        assertEquals(1, v1.json().get("version").asInt());
        assertEquals(9, v1.json().get("state").get("lastNodeId").asInt());
        assertTrue(v1.json().get("links").get(0).isObject());
        assertEquals(json("[{'id': 1, 'pos': [100, 200], 'linkIds': [2]}]"), v1.json().get("reroutes"));
        assertEquals(1, v1.json().get("links").get(1).get("parentId").asInt(), "link 2 runs through reroute 1");
        assertFalse(v1.json().has("last_node_id") || v1.json().get("extra").has("reroutes"));
        assertEquals(converter.toPrompt(v04), converter.toPrompt(v1));
        UiWorkflow back = UiWorkflow.parse(v1.write()).toVersion04();
        assertEquals(v04.json(), back.json(), "0.4 → 1 → 0.4 gives the original file");
    }

    @Test
    void normalizeVectorsRewritesObjectPositions() throws Exception {
        UiWorkflow ui = UiWorkflow.parse(txt2imgWithExtras()).normalizeVectors();
        assertEquals(json("[100.5, 200.0]"), ui.graph().node("3").json().get("pos"));
    }

    @Test
    void truncatedJsonNamesLineAndColumn() {
        String text = WorkflowConverterTest.TXT2IMG_API.replace('\'', '"');
        byte[] cut = text.substring(0, text.indexOf("\"8\"")).getBytes(StandardCharsets.UTF_8);
        WorkflowException e = assertThrows(WorkflowException.class, () -> files.read(cut, "flow.json"));
        assertTrue(e.getMessage().startsWith("flow.json is not valid JSON: ") && e.getMessage().contains("at line 8, column"), e.getMessage());
        WorkflowException u = assertThrows(WorkflowException.class, () -> UiWorkflow.parse("{\"nodes\": [{\"id\": 1,"));
        assertTrue(u.getMessage().contains("line 1, column"), u.getMessage());
    }

    @Test
    void detectsApiUiAndPromptBodies() throws Exception {
        byte[] api = WorkflowConverterTest.TXT2IMG_API.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        WorkflowFiles.Loaded a = files.read(api, "api.json");
        assertEquals(WorkflowFiles.Form.API, a.form());
        assertTrue(a.hasPrompt());
        assertEquals(json(WorkflowConverterTest.TXT2IMG_API), a.prompt());
        assertEquals(a.prompt(), converter.toPrompt(a.workflow()), "the made-up workflow converts back");

        WorkflowFiles.Loaded u = files.read(("\uFEFF" + txt2imgWithExtras()).getBytes(StandardCharsets.UTF_8), "ui.json");
        assertEquals(WorkflowFiles.Form.UI, u.form());
        assertFalse(u.hasPrompt());
        assertEquals(json(WorkflowConverterTest.TXT2IMG_API), u.prompt());

        ObjectNode body = (ObjectNode) json("{'client_id': 'x', 'prompt': " + WorkflowConverterTest.TXT2IMG_API + "}");
        body.putObject("extra_data").putObject("extra_pnginfo").set("workflow", Json.parse(txt2imgWithExtras()));
        WorkflowFiles.Loaded p = files.read(body, "body");
        assertEquals(body.get("prompt"), p.prompt());
        assertSame(body.get("extra_data").get("extra_pnginfo").get("workflow"), p.workflow().json());
    }

    @Test
    void somethingElseIsNotAWorkflow() {
        for (String text : new String[] {"[]", "{}", "{\"a\": {\"inputs\": {}}}", "{\"3\": 5}"}) {
            WorkflowException e = assertThrows(WorkflowException.class, () -> files.read(text.getBytes(StandardCharsets.UTF_8), "x.json"));
            assertTrue(e.getMessage().startsWith("x.json"), e.getMessage());
        }
        WorkflowException e = assertThrows(WorkflowException.class, () -> files.read("{\"a\": {\"inputs\": {}}}".getBytes(StandardCharsets.UTF_8), "x.json"));
        assertTrue(e.getMessage().contains("node a has no \"class_type\""), e.getMessage());
    }

    @Test
    void pngTextChunksOfEveryKindAreRead() throws Exception {
        String workflow = txt2imgWithExtras();
        String prompt = WorkflowConverterTest.TXT2IMG_API.replace('\'', '"').replace("a cat", "a cat \u00e9\u4e16");
        byte[] png = png(Map.of("tEXt", Map.of("parameters", "steps: 20"), "zTXt", Map.of("workflow", workflow),
                "iTXt", Map.of("prompt", prompt)));
        Map<String, String> text = PngMetadata.read(png);
        assertEquals("steps: 20", text.get("parameters"));
        assertEquals(workflow, text.get("workflow"));
        assertEquals(prompt, text.get("prompt"));

        WorkflowFiles.Loaded l = files.read(png, "picture.png");
        assertEquals(WorkflowFiles.Form.PNG, l.form());
        assertTrue(l.hasPrompt() && l.hasWorkflow());
        assertEquals("a cat \u00e9\u4e16", l.prompt().get("6").get("inputs").get("text").asText(), "the embedded prompt is preferred");
        assertEquals(Json.parse(workflow), l.workflow().json());

        WorkflowFiles.Loaded onlyWorkflow = files.read(png(Map.of("tEXt", Map.of("workflow", workflow))), "w.png");
        assertEquals(json(WorkflowConverterTest.TXT2IMG_API), onlyWorkflow.prompt(), "else the workflow is converted");
        WorkflowFiles.Loaded onlyPrompt = files.read(png(Map.of("tEXt", Map.of("prompt", WorkflowConverterTest.TXT2IMG_API.replace('\'', '"')))), "p.png");
        assertEquals(onlyPrompt.prompt(), converter.toPrompt(onlyPrompt.workflow()));
    }

    @Test
    void pngsWithoutAWorkflowAreReportedClearly() throws Exception {
        byte[] plain = png(Map.of("tEXt", Map.of("Software", "paint")));
        WorkflowException e = assertThrows(WorkflowException.class, () -> files.read(plain, "photo.png"));
        assertEquals("photo.png has no embedded workflow: it carries no 'workflow' or 'prompt' text chunk (its text chunks are [Software])",
                e.getMessage());
        byte[] broken = png(Map.of("tEXt", Map.of("prompt", "{\"3\": {\"class_type\": ")));
        WorkflowException b = assertThrows(WorkflowException.class, () -> files.read(broken, "broken.png"));
        assertTrue(b.getMessage().startsWith("broken.png (chunk 'prompt') is not valid JSON") && b.getMessage().contains("line 1"), b.getMessage());
        byte[] cut = Arrays.copyOf(png(Map.of("tEXt", Map.of("x", "y"))), 20);
        assertTrue(PngMetadata.read(cut).isEmpty(), "a truncated file gives what came before the cut");
        assertNull(PngMetadata.read(png(Map.of())).get("workflow"));
    }

    /** A small PNG written by the JDK's own encoder with the given text chunks (kind → key → text). */
    static byte[] png(Map<String, Map<String, String>> chunks) throws Exception {
        BufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
        IIOMetadata meta = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
        String format = "javax_imageio_png_1.0";
        IIOMetadataNode root = new IIOMetadataNode(format);
        for (Map.Entry<String, Map<String, String>> kind : chunks.entrySet()) {
            IIOMetadataNode list = new IIOMetadataNode(kind.getKey());
            for (Map.Entry<String, String> e : kind.getValue().entrySet()) {
                IIOMetadataNode entry = new IIOMetadataNode(kind.getKey() + "Entry");
                entry.setAttribute("keyword", e.getKey());
                switch (kind.getKey()) {
                    case "tEXt" -> entry.setAttribute("value", e.getValue());
                    case "zTXt" -> {
                        entry.setAttribute("text", e.getValue());
                        entry.setAttribute("compressionMethod", "deflate");
                    }
                    default -> {
                        entry.setAttribute("text", e.getValue());
                        entry.setAttribute("compressionFlag", "TRUE");
                        entry.setAttribute("compressionMethod", "0");
                        entry.setAttribute("languageTag", "");
                        entry.setAttribute("translatedKeyword", "");
                    }
                }
                list.appendChild(entry);
            }
            root.appendChild(list);
        }
        meta.mergeTree(format, root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            w.write(new IIOImage(img, null, meta));
        }
        w.dispose();
        return out.toByteArray();
    }
}
