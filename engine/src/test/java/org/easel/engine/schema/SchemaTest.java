package org.easel.engine.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easel.engine.Environment;
import org.easel.engine.Harness;
import org.easel.engine.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
    @TempDir Path tmp;

    static NodeSchema sampler() {
        return NodeSchema.builder("KSamplerLike")
                .displayName("K Sampler (like)")
                .category("sampling/test")
                .description("Denoises.")
                .module("comfy_extras.nodes_test")
                .required(InputSpec.socket("model", Types.MODEL).tooltip("the model"),
                        InputSpec.integer("seed", 0, BigInteger.ZERO, new BigInteger("18446744073709551615")).controlAfterGenerate(),
                        InputSpec.number("cfg", 8.0, 0.0, 100.0).step(0.1).round(0.01),
                        InputSpec.combo("sampler_name", List.of("euler", "dpmpp_2m")),
                        InputSpec.string("text", "").multiline())
                .optional(InputSpec.bool("flag", true), InputSpec.integer("steps", 20, 1, 10000).step(1))
                .hidden("prompt", "PROMPT").hidden("unique_id", "UNIQUE_ID")
                .output(new OutputSpec(Types.LATENT, "latent", false, "The denoised latent."))
                .output(new OutputSpec(Types.INT, "seeds", true, null))
                .build();
    }

    @Test
    void objectInfoShape() throws Exception {
        Environment env = Environment.under(tmp, "cpu");
        JsonNode actual = Harness.tree(sampler().toObjectInfo(env));
        JsonNode expected = Json.parse("""
                {"input": {
                   "required": {
                     "model": ["MODEL", {"tooltip": "the model"}],
                     "seed": ["INT", {"default": 0, "min": 0, "max": 18446744073709551615, "control_after_generate": true}],
                     "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}],
                     "sampler_name": [["euler", "dpmpp_2m"], {"default": "euler"}],
                     "text": ["STRING", {"default": "", "multiline": true}]},
                   "optional": {
                     "flag": ["BOOLEAN", {"default": true}],
                     "steps": ["INT", {"default": 20, "min": 1, "max": 10000, "step": 1}]},
                   "hidden": {"prompt": "PROMPT", "unique_id": "UNIQUE_ID"}},
                 "input_order": {"required": ["model", "seed", "cfg", "sampler_name", "text"],
                                 "optional": ["flag", "steps"],
                                 "hidden": ["prompt", "unique_id"]},
                 "is_input_list": false,
                 "output": ["LATENT", "INT"],
                 "output_is_list": [false, true],
                 "output_name": ["latent", "seeds"],
                 "name": "KSamplerLike",
                 "display_name": "K Sampler (like)",
                 "description": "Denoises.",
                 "python_module": "comfy_extras.nodes_test",
                 "category": "sampling/test",
                 "output_node": false,
                 "output_tooltips": ["The denoised latent.", ""]}""");
        Harness.assertJsonEquals(expected, actual);
        // key order matters to clients that show widgets in order
        List<String> keys = new ArrayList<>();
        actual.get("input").get("required").fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("model", "seed", "cfg", "sampler_name", "text"), keys);
        assertTrue(actual.get("input").get("required").get("seed").get(1).get("max").isBigInteger());
    }

    @Test
    void minimalSchemaDefaults() throws Exception {
        NodeSchema s = NodeSchema.builder("Tiny").outputNode().build();
        JsonNode info = Harness.tree(s.toObjectInfo(Environment.under(tmp, "cpu")));
        Harness.assertJsonEquals(Json.parse("""
                {"input": {"required": {}}, "input_order": {"required": []}, "is_input_list": false,
                 "output": [], "output_is_list": [], "output_name": [], "name": "Tiny", "display_name": "Tiny",
                 "description": "", "python_module": "nodes", "category": "easel", "output_node": true}"""), info);
        assertFalse(info.has("output_tooltips"));
    }

    @Test
    void outputNameDefaultsToType() {
        NodeSchema s = NodeSchema.builder("X").output(Types.IMAGE).output(Types.MASK, "the mask").build();
        assertEquals(List.of("IMAGE", "the mask"), s.outputs().stream().map(OutputSpec::name).toList());
    }

    @Test
    void dynamicComboReadsTheEnvironment() throws Exception {
        Environment env = Environment.under(tmp, "cpu");
        InputSpec spec = InputSpec.combo("ckpt", e -> List.of(e.modelsDir().getFileName().toString(), "b"));
        assertTrue(spec.isCombo());
        assertEquals(List.of("models", "b"), spec.choices(env));
        Harness.assertJsonEquals(Json.parse("[[\"models\", \"b\"], {\"default\": \"models\"}]"), Harness.tree(spec.toJson(env)));
        assertNull(spec.defaultValue(), "the default is only known per environment");
        InputSpec empty = InputSpec.combo("none", e -> List.of());
        Harness.assertJsonEquals(Json.parse("[[], {}]"), Harness.tree(empty.toJson(env)));
    }

    @Test
    void inputSpecsAreImmutable() {
        InputSpec a = InputSpec.integer("n", 1, 0, 10);
        InputSpec b = a.step(2).tooltip("t").lazy();
        assertNotSame(a, b);
        assertFalse(a.options().containsKey("step"));
        assertEquals(2L, b.option("step"));
        assertTrue(b.isLazy());
        assertFalse(a.isLazy());
        assertThrows(UnsupportedOperationException.class, () -> a.options().put("x", 1));
        assertEquals(0.5, InputSpec.number("f", 0, 0, 1).step(0.5).option("step"));
        assertTrue(InputSpec.socket("m", Types.MODEL).forceInput().options().containsKey("forceInput"));
        assertFalse(InputSpec.socket("m", Types.MODEL).isPrimitive());
        assertTrue(InputSpec.string("s", "").isPrimitive());
    }

    @Test
    void duplicateInputNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> NodeSchema.builder("D")
                .required(InputSpec.string("x", "")).optional(InputSpec.string("x", "")).build());
        assertThrows(IllegalArgumentException.class, () -> NodeSchema.builder("D")
                .hidden("x", "PROMPT").required(InputSpec.string("x", "")).build());
    }

    @Test
    void schemaLookups() {
        NodeSchema s = sampler();
        assertTrue(s.isRequired("seed"));
        assertFalse(s.isRequired("flag"));
        assertFalse(s.isRequired("prompt"));
        assertEquals("flag", s.input("flag").name());
        assertNull(s.input("prompt"), "hidden inputs are not declared inputs");
        assertEquals(List.of("model", "seed", "cfg", "sampler_name", "text", "flag", "steps"), List.copyOf(s.inputs().keySet()));
        assertEquals(Map.of("prompt", "PROMPT", "unique_id", "UNIQUE_ID"), s.hidden());
        assertFalse(s.isNotIdempotent());
        assertTrue(NodeSchema.builder("N").notIdempotent().build().isNotIdempotent());
    }
}
