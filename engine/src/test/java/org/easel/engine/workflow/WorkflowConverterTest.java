package org.easel.engine.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ComfyUI's editor → API rules, one fixture per rule, plus API → editor and bad input. */
class WorkflowConverterTest {
    @TempDir Path tmp;
    final NodeRegistry registry = ComfyLikeNodes.registry();
    final WorkflowConverter converter = new WorkflowConverter(registry);

    static JsonNode json(String text) {
        try {
            return Json.parse(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A txt2img graph: checkpoint 4, prompts 6/7, latent 5, sampler 3, decode 8, save 9. */
    static UiBuilder txt2img() {
        UiBuilder b = new UiBuilder();
        b.node(4, "CheckpointLoaderSimple").out("MODEL", "CLIP", "VAE").widgets("sd.safetensors");
        b.node(6, "CLIPTextEncode").in("clip", "CLIP").out("CONDITIONING").widgets("a cat").title("Positive");
        b.node(7, "CLIPTextEncode").in("clip", "CLIP").out("CONDITIONING").widgets("blurry");
        b.node(5, "EmptyLatentImage").out("LATENT").widgets(512, 768, 1);
        b.node(3, "KSampler").in("model", "MODEL").in("positive", "CONDITIONING").in("negative", "CONDITIONING")
                .in("latent_image", "LATENT").out("LATENT").widgets(156680208700286L, "randomize", 20, 8, "euler", "normal", 1);
        b.node(8, "VAEDecode").in("samples", "LATENT").in("vae", "VAE").out("IMAGE");
        b.node(9, "SaveImage").in("images", "IMAGE").widgets("ComfyUI");
        b.link(4, 0, 3, "model").link(4, 1, 6, "clip").link(4, 1, 7, "clip").link(6, 0, 3, "positive").link(7, 0, 3, "negative")
                .link(5, 0, 3, "latent_image").link(3, 0, 8, "samples").link(4, 2, 8, "vae").link(8, 0, 9, "images");
        return b;
    }

    static final String TXT2IMG_API = """
            {'4': {'inputs': {'ckpt_name': 'sd.safetensors'}, 'class_type': 'CheckpointLoaderSimple', '_meta': {'title': 'Load Checkpoint'}},
             '6': {'inputs': {'text': 'a cat', 'clip': ['4', 1]}, 'class_type': 'CLIPTextEncode', '_meta': {'title': 'Positive'}},
             '7': {'inputs': {'text': 'blurry', 'clip': ['4', 1]}, 'class_type': 'CLIPTextEncode', '_meta': {'title': 'CLIP Text Encode (Prompt)'}},
             '5': {'inputs': {'width': 512, 'height': 768, 'batch_size': 1}, 'class_type': 'EmptyLatentImage', '_meta': {'title': 'Empty Latent Image'}},
             '3': {'inputs': {'seed': 156680208700286, 'steps': 20, 'cfg': 8, 'sampler_name': 'euler', 'scheduler': 'normal', 'denoise': 1,
                              'model': ['4', 0], 'positive': ['6', 0], 'negative': ['7', 0], 'latent_image': ['5', 0]},
                   'class_type': 'KSampler', '_meta': {'title': 'KSampler'}},
             '8': {'inputs': {'samples': ['3', 0], 'vae': ['4', 2]}, 'class_type': 'VAEDecode', '_meta': {'title': 'VAE Decode'}},
             '9': {'inputs': {'filename_prefix': 'ComfyUI', 'images': ['8', 0]}, 'class_type': 'SaveImage', '_meta': {'title': 'Save Image'}}}
            """;

    ObjectNode prompt(UiBuilder b) throws WorkflowException {
        return converter.toPrompt(b.build());
    }

    @Test
    void widgetsMapToInputNamesSkippingTheSeedControl() throws Exception {
        ObjectNode p = prompt(txt2img());
        assertEquals(json(TXT2IMG_API), p);
        List<String> keys = List.of("seed", "steps", "cfg", "sampler_name", "scheduler", "denoise", "model", "positive", "negative", "latent_image");
        assertEquals(keys, iterate(p.get("3").get("inputs")), "widgets first, then links, as the editor writes them");
    }

    static List<String> iterate(JsonNode o) {
        List<String> k = new ArrayList<>();
        o.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void aLinkedWidgetSocketOverridesTheStoredValue() throws Exception {
        UiBuilder b = txt2img();
        b.node(20, "EmptyLatentImage").out("LATENT").widgets(64, 64, 1);
        b.node(21, "PickStyle").out("STRING").widgets("a", "fixed", "", "x");
        new UiBuilder.N(b.find(6)).widgetIn("text", "STRING");
        b.link(21, 0, 6, "text");
        assertEquals(json("['21', 0]"), prompt(b).get("6").get("inputs").get("text"));
    }

    @Test
    void mutedNodesAreDroppedWithTheInputsThatPointAtThem() throws Exception {
        UiBuilder b = txt2img();
        b.find(7).put("mode", UiNode.MODE_NEVER);
        b.find(9).put("mode", UiNode.MODE_NEVER);
        ObjectNode p = prompt(b);
        assertFalse(p.has("7"));
        assertFalse(p.has("9"));
        assertFalse(p.get("3").get("inputs").has("negative"), "input pointing at a muted node is removed");
        assertEquals(json("['6', 0]"), p.get("3").get("inputs").get("positive"));
    }

    @Test
    void bypassChainsPassThroughByType() throws Exception {
        UiBuilder b = txt2img();
        b.node(30, "ImageInvert").in("image", "IMAGE").out("IMAGE").mode(UiNode.MODE_BYPASS);
        b.node(31, "ImageScale").in("image", "IMAGE").out("IMAGE").widgets("bilinear", 1024, 1024, "disabled").mode(UiNode.MODE_BYPASS);
        b.node(32, "ModelSamplingSD3").in("model", "MODEL").out("MODEL").widgets(3.0).mode(UiNode.MODE_BYPASS);
        // image: decode 8 → invert 30 → scale 31 → save 9; model: ckpt → 32 → sampler
        b.link(8, 0, 30, "image");
        b.link(30, 0, 31, "image");
        b.link(31, 0, 9, "images");
        b.link(4, 0, 32, "model");
        b.link(32, 0, 3, "model");
        ObjectNode p = prompt(b);
        assertFalse(p.has("30") || p.has("31") || p.has("32"));
        assertEquals(json("['8', 0]"), p.get("9").get("inputs").get("images"));
        assertEquals(json("['4', 0]"), p.get("3").get("inputs").get("model"));
    }

    @Test
    void bypassPicksTheInputOfTheOutputsTypeWhateverItsIndex() throws Exception {
        // a bypassed KSampler: its LATENT output passes its latent_image input (index 3) through
        UiBuilder b = txt2img();
        b.node(40, "KSampler").in("model", "MODEL").in("positive", "CONDITIONING").in("negative", "CONDITIONING")
                .in("latent_image", "LATENT").out("LATENT").widgets(1, "fixed", 20, 8, "euler", "normal", 1).mode(UiNode.MODE_BYPASS);
        b.link(5, 0, 40, "latent_image");
        b.link(4, 0, 40, "model");
        b.link(40, 0, 3, "latent_image");
        assertEquals(json("['5', 0]"), prompt(b).get("3").get("inputs").get("latent_image"));
    }

    @Test
    void aBypassedNodeWithoutAMatchingInputDropsTheLink() throws Exception {
        UiBuilder b = txt2img();
        b.node(41, "EmptyLatentImage").out("LATENT").widgets(64, 64, 1).mode(UiNode.MODE_BYPASS);
        b.link(41, 0, 3, "latent_image");
        assertFalse(prompt(b).get("3").get("inputs").has("latent_image"));
    }

    @Test
    void rerouteChainsResolveToTheOrigin() throws Exception {
        UiBuilder b = txt2img();
        b.node(50, "Reroute").in("", "*").out("MODEL");
        b.node(51, "Reroute").in("", "*").out("MODEL");
        b.link(4, 0, 50, "");
        b.link(50, 0, 51, "");
        b.link(51, 0, 3, "model");
        ObjectNode p = prompt(b);
        assertEquals(json("['4', 0]"), p.get("3").get("inputs").get("model"));
        assertFalse(p.has("50") || p.has("51"));
    }

    @Test
    void aCycleThroughReroutesNamesTheNodeAndInput() {
        UiBuilder b = txt2img();
        b.node(50, "Reroute").in("", "*").out("MODEL");
        b.node(51, "Reroute").in("", "*").out("MODEL");
        b.link(51, 0, 50, "");
        b.link(50, 0, 51, "");
        b.link(51, 0, 3, "model");
        WorkflowException e = assertThrows(WorkflowException.class, () -> prompt(b));
        assertTrue(e.getMessage().contains("node 3 (KSampler)") && e.getMessage().contains("'model'")
                && e.getMessage().contains("cycle") && e.getMessage().contains("Reroute"), e.getMessage());
        assertEquals("3", e.nodeId());
        assertEquals("model", e.field());
    }

    @Test
    void aPrimitiveNodeFeedsSeveralWidgets() throws Exception {
        UiBuilder b = txt2img();
        b.node(42, "KSampler").in("model", "MODEL").in("positive", "CONDITIONING").in("negative", "CONDITIONING")
                .in("latent_image", "LATENT").widgetIn("seed", "INT").out("LATENT").widgets(0, "randomize", 10, 7, "euler", "karras", 0.5);
        new UiBuilder.N(b.find(3)).widgetIn("seed", "INT");
        b.node(60, "PrimitiveNode").out("INT").widgets(777, "fixed").title("seed");
        b.link(60, 0, 3, "seed").link(60, 0, 42, "seed").link(4, 0, 42, "model").link(3, 0, 42, "latent_image");
        ObjectNode p = prompt(b);
        assertEquals(777, p.get("3").get("inputs").get("seed").asInt());
        assertEquals(777, p.get("42").get("inputs").get("seed").asInt());
        assertEquals(10, p.get("42").get("inputs").get("steps").asInt());
        assertFalse(p.has("60"));
    }

    @Test
    void notesAreDropped() throws Exception {
        UiBuilder b = txt2img();
        b.node(70, "Note").widgets("remember the seed");
        b.node(71, "MarkdownNote").widgets("# hi");
        ObjectNode p = prompt(b);
        assertEquals(json(TXT2IMG_API), p);
    }

    @Test
    void seedLikeIntsComboControlsAndUploadButtonsAreSkipped() throws Exception {
        UiBuilder b = new UiBuilder();
        b.node(1, "KSamplerAdvanced").widgets("enable", 5, "increment", 30, 6.5, "euler", "karras", 0, 30, "disable");
        b.node(2, "PickStyle").widgets("b", "increment-wrap", "/a|b/", "!");
        b.node(3, "LoadImage").out("IMAGE", "MASK").widgets("example.png", "image");
        ObjectNode p = prompt(b);
        assertEquals(json("{'add_noise': 'enable', 'noise_seed': 5, 'steps': 30, 'cfg': 6.5, 'sampler_name': 'euler', "
                + "'scheduler': 'karras', 'start_at_step': 0, 'end_at_step': 30, 'return_with_leftover_noise': 'disable'}"),
                p.get("1").get("inputs"));
        assertEquals(json("{'style': 'b', 'suffix': '!'}"), p.get("2").get("inputs"));
        assertEquals(json("{'image': 'example.png'}"), p.get("3").get("inputs"));
    }

    @Test
    void oldFilesBooleanSeedControlAndMissingControlAreTolerated() throws Exception {
        UiBuilder b = new UiBuilder();
        b.node(3, "KSampler").widgets(8, true, 20, 7.5, "euler", "normal", 1);         // boolean control
        b.node(4, "KSampler").widgets(9, 25, 7.0, "dpmpp_2m", "karras", 0.8);          // no control slot at all
        b.node(5, "LoadImage").widgets("other.png");                                   // no upload slot
        WorkflowConverter.Conversion c = converter.convert(b.build());
        assertEquals(json("{'seed': 8, 'steps': 20, 'cfg': 7.5, 'sampler_name': 'euler', 'scheduler': 'normal', 'denoise': 1}"),
                c.prompt().get("3").get("inputs"));
        assertEquals(json("{'seed': 9, 'steps': 25, 'cfg': 7.0, 'sampler_name': 'dpmpp_2m', 'scheduler': 'karras', 'denoise': 0.8}"),
                c.prompt().get("4").get("inputs"));
        assertEquals("other.png", c.prompt().get("5").get("inputs").get("image").asText());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void shortAndLongWidgetListsAreReportedByNodeAndField() throws Exception {
        UiBuilder b = new UiBuilder();
        b.node(3, "KSampler").widgets(8, "fixed", 20, 7.5, "euler");
        b.node(5, "EmptyLatentImage").widgets(512, 512, 1, "extra", 9);
        WorkflowConverter.Conversion c = converter.convert(b.build());
        assertEquals(1.0, c.prompt().get("3").get("inputs").get("denoise").asDouble(), "default for the missing widget");
        assertEquals("normal", c.prompt().get("3").get("inputs").get("scheduler").asText());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("node 3 (KSampler)") && w.contains("'scheduler'")), c.warnings().toString());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("node 3 (KSampler)") && w.contains("'denoise'")), c.warnings().toString());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("node 5 (EmptyLatentImage)") && w.contains("2 widget value(s)")
                && w.contains("\"extra\"")), c.warnings().toString());
        assertEquals(json("{'width': 512, 'height': 512, 'batch_size': 1}"), c.prompt().get("5").get("inputs"));
    }

    @Test
    void widgetValuesAsAnObjectAreReadByName() throws Exception {
        UiBuilder b = new UiBuilder();
        b.node(5, "EmptyLatentImage").json.set("widgets_values", json("{'height': 640, 'width': 320, 'batch_size': 2}"));
        assertEquals(json("{'width': 320, 'height': 640, 'batch_size': 2}"), prompt(b).get("5").get("inputs"));
    }

    @Test
    void listValuesAreWrapped() throws Exception {
        UiBuilder b = new UiBuilder();
        b.node(1, "ListNode").out("STRING").widgets(List.of("x", "y"));
        assertEquals(json("{'items': {'__value__': ['x', 'y']}}"), prompt(b).get("1").get("inputs"));
    }

    @Test
    void forceInputWidgetsTakeNoWidgetSlot() {
        assertEquals(List.of("items"), WidgetSlots.of(registry.get("ListNode").schema()).stream().map(WidgetSlots.Slot::name).toList());
        assertEquals(List.of("seed", "control_after_generate", "steps", "cfg", "sampler_name", "scheduler", "denoise"),
                WidgetSlots.of(registry.get("KSampler").schema()).stream().map(WidgetSlots.Slot::name).toList());
    }

    @Test
    void unknownNodeTypesAreKeptAndValidationNamesThem() throws Exception {
        UiBuilder b = txt2img();
        b.node(80, "FancyUpscaler").in("image", "IMAGE").out("IMAGE").widgets(4, "lanczos");
        b.link(8, 0, 80, "image");
        b.link(80, 0, 9, "images");
        ObjectNode p = prompt(b);
        assertEquals(json("{'inputs': {'image': ['8', 0]}, 'class_type': 'FancyUpscaler', '_meta': {'title': 'FancyUpscaler'}}"), p.get("80"));
        ValidationResult v = new Validator(registry, Environment.under(tmp, "cpu")).validate(Prompt.of(p));
        assertEquals("missing_node_type", v.error().type());
        assertTrue(v.error().message().contains("FancyUpscaler") && v.error().details().contains("80"), v.error().toString());
    }

    @Test
    void aLinkFromAMissingNodeIsAnErrorNamingNodeAndInput() {
        UiBuilder b = txt2img();
        ((ArrayNode) b.json.get("links")).addArray().add(99).add(123).add(0).add(3).add(0).add("MODEL");
        ((ObjectNode) b.find(3).get("inputs").get(0)).put("link", 99);
        WorkflowException e = assertThrows(WorkflowException.class, () -> prompt(b));
        assertTrue(e.getMessage().contains("node 3 (KSampler)") && e.getMessage().contains("'model'") && e.getMessage().contains("123"),
                e.getMessage());
    }

    @Test
    void nestedSubgraphsFlattenIntoColonIds() throws Exception {
        UiBuilder b = new UiBuilder();
        b.node(4, "CheckpointLoaderSimple").out("MODEL", "CLIP", "VAE").widgets("sd.safetensors");
        // inner: text → CLIPTextEncode 2 → output 0; the text is a widget promoted through the instance
        UiBuilder inner = b.subgraph("inner-uuid", "Encode").input("clip", "CLIP").input("text", "STRING").output("CONDITIONING", "CONDITIONING");
        inner.node(2, "CLIPTextEncode").in("clip", "CLIP").widgetIn("text", "STRING").out("CONDITIONING").widgets("unused");
        inner.link(-10, 0, 2, "clip").link(-10, 1, 2, "text").link(2, 0, -20, "0");
        // outer: an Encode instance 7 and a KSampler 3 fed by it, and a muted node
        UiBuilder outer = b.subgraph("outer-uuid", "Sample").input("model", "MODEL").input("clip", "CLIP").output("LATENT", "LATENT");
        outer.node(7, "inner-uuid").in("clip", "CLIP").widgetIn("text", "STRING").out("CONDITIONING").widgets("a dog");
        outer.node(5, "EmptyLatentImage").out("LATENT").widgets(256, 256, 1);
        outer.node(9, "EmptyLatentImage").out("LATENT").widgets(8, 8, 1).mode(UiNode.MODE_NEVER);
        outer.node(3, "KSampler").in("model", "MODEL").in("positive", "CONDITIONING").in("negative", "CONDITIONING")
                .in("latent_image", "LATENT").out("LATENT").widgets(1, "fixed", 4, 1, "euler", "simple", 1);
        outer.link(-10, 1, 7, "clip").link(-10, 0, 3, "model").link(7, 0, 3, "positive").link(7, 0, 3, "negative")
                .link(5, 0, 3, "latent_image").link(3, 0, -20, "0");
        b.node(10, "outer-uuid").in("model", "MODEL").in("clip", "CLIP").out("LATENT");
        b.node(11, "VAEDecode").in("samples", "LATENT").in("vae", "VAE").out("IMAGE");
        b.link(4, 0, 10, "model").link(4, 1, 10, "clip").link(10, 0, 11, "samples").link(4, 2, 11, "vae");
        ObjectNode p = prompt(b);
        assertEquals(json("""
                {'4': {'inputs': {'ckpt_name': 'sd.safetensors'}, 'class_type': 'CheckpointLoaderSimple', '_meta': {'title': 'Load Checkpoint'}},
                 '10:7:2': {'inputs': {'text': 'a dog', 'clip': ['4', 1]}, 'class_type': 'CLIPTextEncode', '_meta': {'title': 'CLIP Text Encode (Prompt)'}},
                 '10:5': {'inputs': {'width': 256, 'height': 256, 'batch_size': 1}, 'class_type': 'EmptyLatentImage', '_meta': {'title': 'Empty Latent Image'}},
                 '10:3': {'inputs': {'seed': 1, 'steps': 4, 'cfg': 1, 'sampler_name': 'euler', 'scheduler': 'simple', 'denoise': 1,
                          'model': ['4', 0], 'positive': ['10:7:2', 0], 'negative': ['10:7:2', 0], 'latent_image': ['10:5', 0]},
                          'class_type': 'KSampler', '_meta': {'title': 'KSampler'}},
                 '11': {'inputs': {'samples': ['10:3', 0], 'vae': ['4', 2]}, 'class_type': 'VAEDecode', '_meta': {'title': 'VAE Decode'}}}
                """), p);
    }

    @Test
    void aBypassedSubgraphInstancePassesThroughAndAMutedOneIsDropped() throws Exception {
        UiBuilder b = txt2img();
        UiBuilder def = b.subgraph("inv", "Invert").input("image", "IMAGE").output("IMAGE", "IMAGE");
        def.node(1, "ImageInvert").in("image", "IMAGE").out("IMAGE");
        def.link(-10, 0, 1, "image").link(1, 0, -20, "0");
        b.node(90, "inv").in("image", "IMAGE").out("IMAGE").mode(UiNode.MODE_BYPASS);
        b.link(8, 0, 90, "image");
        b.link(90, 0, 9, "images");
        assertEquals(json("['8', 0]"), prompt(b).get("9").get("inputs").get("images"));
        b.find(90).put("mode", UiNode.MODE_ALWAYS);
        assertEquals(json("['90:1', 0]"), prompt(b).get("9").get("inputs").get("images"));
        b.find(90).put("mode", UiNode.MODE_NEVER);
        ObjectNode p = prompt(b);
        assertFalse(p.get("9").get("inputs").has("images"));
        assertFalse(p.has("90:1"));
    }

    @Test
    void aSubgraphThatContainsItselfIsAnError() {
        UiBuilder b = new UiBuilder();
        UiBuilder def = b.subgraph("loop", "Loop");
        def.node(1, "loop");
        b.node(5, "loop");
        WorkflowException e = assertThrows(WorkflowException.class, () -> prompt(b));
        assertTrue(e.getMessage().contains("Loop") && e.getMessage().contains("itself"), e.getMessage());
    }

    @Test
    void apiToUiAndBackGivesTheSamePrompt() throws Exception {
        ObjectNode api = (ObjectNode) json(TXT2IMG_API);
        UiWorkflow ui = converter.toWorkflow(api.deepCopy());
        assertEquals(api, converter.toPrompt(ui));
        assertEquals(api, converter.toPrompt(UiWorkflow.parse(ui.write())), "also after writing and reading the file");
        // columns follow the links: loader left of the sampler, sampler left of the decoder
        double x4 = node(ui, "4").pos()[0], x3 = node(ui, "3").pos()[0], x8 = node(ui, "8").pos()[0], x9 = node(ui, "9").pos()[0];
        assertTrue(x4 < x3 && x3 < x8 && x8 < x9, x4 + " " + x3 + " " + x8 + " " + x9);
        assertEquals(json("[156680208700286, 'fixed', 20, 8, 'euler', 'normal', 1]"), node(ui, "3").widgetsValues());
        assertEquals(9, ui.graph().links().size());
        for (UiLink l : ui.graph().links().values()) {
            UiNode target = node(ui, l.targetId());
            assertEquals(l.id(), target.inputs().get(l.targetSlot()).link(), "input slot " + l.targetSlot() + " of " + target);
            assertTrue(node(ui, l.originId()).outputs().get(l.originSlot()).links().contains(l.id()));
        }
    }

    @Test
    void apiToUiKeepsUnknownTypesAndRenumbersColonIds() throws Exception {
        ObjectNode api = (ObjectNode) json("""
                {'83:3': {'class_type': 'EmptyLatentImage', 'inputs': {'width': 64, 'height': 64, 'batch_size': 1}},
                 '7': {'class_type': 'Mystery', 'inputs': {'latent': ['83:3', 0], 'strength': 0.5, 'list': {'__value__': [1, 2]}}},
                 '9': {'class_type': 'SaveImage', 'inputs': {'images': ['7', 0], 'filename_prefix': 'x'}}}
                """);
        UiWorkflow ui = converter.toWorkflow(api);
        ObjectNode back = converter.toPrompt(ui);
        assertEquals(json("{'width': 64, 'height': 64, 'batch_size': 1}"), back.get("10").get("inputs"));
        assertEquals(json("{'latent': ['10', 0]}"), back.get("7").get("inputs"), "unknown types keep their links");
        assertEquals(json("[0.5, [1, 2]]"), node(ui, "7").widgetsValues());
        assertEquals(json("['7', 0]"), back.get("9").get("inputs").get("images"));
    }

    @Test
    void apiToUiWithWidgetsFedByLinksMakesWidgetSockets() throws Exception {
        ObjectNode api = (ObjectNode) json("""
                {'1': {'class_type': 'PickStyle', 'inputs': {'style': 'a', 'suffix': ''}},
                 '2': {'class_type': 'CLIPTextEncode', 'inputs': {'text': ['1', 0], 'clip': ['4', 1]}},
                 '4': {'class_type': 'CheckpointLoaderSimple', 'inputs': {'ckpt_name': 'sd.safetensors'}}}
                """);
        UiWorkflow ui = converter.toWorkflow(api);
        UiNode enc = node(ui, "2");
        assertEquals("text", enc.inputs().get(0).widget());
        ObjectNode back = converter.toPrompt(ui);
        assertEquals(json("{'text': ['1', 0], 'clip': ['4', 1]}"), back.get("2").get("inputs"));
        assertEquals(json("['a', 'fixed', '', '']"), node(ui, "1").widgetsValues());
    }

    @Test
    void legacyGroupNodesExpandLikeSubgraphs() throws Exception {
        UiBuilder b = txt2img();
        b.json.withObject("/extra").withObject("/groupNodes").set("Sampler group", json("""
                {'nodes': [
                   {'type': 'EmptyLatentImage', 'index': 0, 'inputs': [], 'outputs': [{'name': 'LATENT', 'type': 'LATENT', 'links': [], 'slot_index': 0}],
                    'widgets_values': [512, 512, 1]},
                   {'type': 'KSampler', 'index': 1,
                    'inputs': [{'name': 'model', 'type': 'MODEL', 'link': null}, {'name': 'positive', 'type': 'CONDITIONING', 'link': null},
                               {'name': 'negative', 'type': 'CONDITIONING', 'link': null}, {'name': 'latent_image', 'type': 'LATENT', 'link': null}],
                    'outputs': [{'name': 'LATENT', 'type': 'LATENT', 'links': [], 'slot_index': 0}],
                    'widgets_values': [0, 'randomize', 20, 8, 'euler', 'normal', 1]}],
                 'links': [[0, 0, 1, 3, 5, 'LATENT']],
                 'external': []}
                """));
        b.node(12, "workflow>Sampler group").in("KSampler model", "MODEL").in("KSampler positive", "CONDITIONING")
                .in("KSampler negative", "CONDITIONING").out("LATENT").widgets(64, 64, 1, 5, "fixed", 10, 7, "euler", "normal", 0.9);
        b.link(4, 0, 12, "KSampler model").link(6, 0, 12, "KSampler positive").link(7, 0, 12, "KSampler negative");
        b.link(12, 0, 8, "samples");
        ObjectNode p = prompt(b);
        assertEquals(json("{'width': 64, 'height': 64, 'batch_size': 1}"), p.get("12:0").get("inputs"));
        assertEquals(json("{'seed': 5, 'steps': 10, 'cfg': 7, 'sampler_name': 'euler', 'scheduler': 'normal', 'denoise': 0.9, "
                + "'model': ['4', 0], 'positive': ['6', 0], 'negative': ['7', 0], 'latent_image': ['12:0', 0]}"), p.get("12:1").get("inputs"));
        assertEquals(json("['12:1', 0]"), p.get("8").get("inputs").get("samples"));
    }

    @Test
    void promotedWidgetValuesOnASubgraphInstanceOverrideTheInnerOnes() throws Exception {
        UiBuilder b = new UiBuilder();
        UiBuilder def = b.subgraph("lat", "Latent").output("LATENT", "LATENT");
        def.node(5, "EmptyLatentImage").out("LATENT").widgets(512, 512, 1);
        def.node(6, "KSampler").in("model", "MODEL").in("positive", "CONDITIONING").in("negative", "CONDITIONING")
                .in("latent_image", "LATENT").out("LATENT").widgets(1, "randomize", 20, 8, "euler", "normal", 1);
        def.link(5, 0, -20, "0");
        UiBuilder.N inst = b.node(30, "lat").out("LATENT").widgets(640, 3, "fixed");
        inst.json.putObject("properties").set("proxyWidgets", json("[['5', 'width'], ['6', 'seed'], ['6', 'control_after_generate']]"));
        ObjectNode p = prompt(b);
        assertEquals(640, p.get("30:5").get("inputs").get("width").asInt());
        assertEquals(512, p.get("30:5").get("inputs").get("height").asInt());
        assertEquals(3, p.get("30:6").get("inputs").get("seed").asInt());
        b.find(30).put("widgets_values", json("[]"));      // values kept inside, as templates save them
        assertEquals(512, prompt(b).get("30:5").get("inputs").get("width").asInt());
    }

    static UiNode node(UiWorkflow ui, String id) {
        return ui.graph().node(id);
    }
}
