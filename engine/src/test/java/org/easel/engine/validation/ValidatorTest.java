package org.easel.engine.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.easel.engine.Harness;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.prompt.Link;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorTest {
    @TempDir Path tmp;
    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(tmp);
    }

    static JsonNode json(String text) {
        try {
            return Json.parse(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void assertJson(String expected, Object actual) {
        Harness.assertJsonEquals(json(expected), Harness.tree(actual));
    }

    /** The single error of node {@code id}. */
    static JsonNode onlyError(ValidationResult r, String id) {
        JsonNode ne = Harness.tree(r.nodeErrorsJson()).get(id);
        assertTrue(ne != null, () -> "no node_errors for " + id + ": " + Json.write(r.nodeErrorsJson()));
        assertEquals(1, ne.get("errors").size(), () -> Json.write(r.nodeErrorsJson()));
        return ne.get("errors").get(0);
    }

    // ---- top-level errors --------------------------------------------------------------------

    @Test
    void noPrompt() {
        ValidationResult r = h.validator.validate(null);
        assertFalse(r.ok());
        assertJson("""
                {"error": {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided", "extra_info": {}},
                 "node_errors": {}}""", r.errorJson());
    }

    @Test
    void missingClassType() {
        ValidationResult r = h.validate("""
                {"1": {"inputs": {}}, "2": {"class_type": "Record", "inputs": {"value": 1}}}""");
        assertFalse(r.ok());
        assertJson("""
                {"error": {"type": "missing_node_type",
                           "message": "Node 'ID #1' has no class_type. The workflow may be corrupted or a custom node is missing.",
                           "details": "Node ID '#1'",
                           "extra_info": {"node_id": "1", "class_type": null, "node_title": null}},
                 "node_errors": {}}""", r.errorJson());
    }

    @Test
    void missingClassTypeUsesTheTitle() {
        ValidationResult r = h.validate("""
                {"5": {"inputs": {}, "_meta": {"title": "Lost"}}}""");
        assertEquals("missing_node_type", r.error().type());
        assertEquals("Node 'Lost' has no class_type. The workflow may be corrupted or a custom node is missing.", r.error().message());
        assertEquals("Lost", r.error().extraInfo().get("node_title"));
    }

    @Test
    void unknownClassEvenWhenUnconnected() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}},
                 "3": {"class_type": "NoSuchNode", "inputs": {}}}""");
        assertJson("""
                {"error": {"type": "missing_node_type",
                           "message": "Node 'NoSuchNode' not found. The custom node may not be installed.",
                           "details": "Node ID '#3'",
                           "extra_info": {"node_id": "3", "class_type": "NoSuchNode", "node_title": "NoSuchNode"}},
                 "node_errors": {}}""", r.errorJson());
    }

    @Test
    void unknownClassWithTitle() {
        ValidationResult r = h.validate("""
                {"3": {"class_type": "NoSuchNode", "inputs": {}, "_meta": {"title": "Fancy"}}}""");
        assertEquals("Node 'Fancy' not found. The custom node may not be installed.", r.error().message());
        assertEquals("NoSuchNode", r.error().extraInfo().get("class_type"));
    }

    @Test
    void noOutputNode() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 2}}}""");
        assertJson("""
                {"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs", "details": "", "extra_info": {}},
                 "node_errors": {}}""", r.errorJson());
    }

    @Test
    void emptyPromptHasNoOutputs() {
        assertEquals("prompt_no_outputs", h.validate("{}").error().type());
    }

    @Test
    void emptyPartialTargetsHaveNoOutputs() {
        String p = """
                {"1": {"class_type": "Record", "inputs": {"value": 1}}}""";
        assertTrue(h.validate(p).ok());
        ValidationResult r = h.validate(p, List.of());
        assertFalse(r.ok());
        assertEquals("prompt_no_outputs", r.error().type());
        assertTrue(r.nodeErrors().isEmpty());
        // targets naming only non-output or absent nodes select nothing either
        assertEquals("prompt_no_outputs", h.validate("""
                {"1": {"class_type": "Record", "inputs": {"value": ["2", 0]}},
                 "2": {"class_type": "TestInt", "inputs": {"value": 1}}}""", List.of("2", "9")).error().type());
    }

    // ---- per-node errors ---------------------------------------------------------------------

    @Test
    void requiredInputMissing() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Record", "inputs": {"label": "x"}}}""");
        assertFalse(r.ok());
        assertJson("""
                {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                           "details": "Required input is missing: value", "extra_info": {}},
                 "node_errors": {"1": {"errors": [{"type": "required_input_missing", "message": "Required input is missing",
                                                   "details": "value", "extra_info": {"input_name": "value"}}],
                                       "dependent_outputs": ["1"], "class_type": "Record"}}}""", r.errorJson());
    }

    @Test
    void explicitNullCountsAsMissing() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Record", "inputs": {"value": null}}}""");
        assertEquals("required_input_missing", onlyError(r, "1").get("type").asText());
    }

    @Test
    void returnTypeMismatch() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "ImageSink", "inputs": {"image": ["1", 0]}}}""");
        assertFalse(r.ok());
        assertJson("""
                {"type": "return_type_mismatch", "message": "Return type mismatch between linked nodes",
                 "details": "image, received_type(INT) mismatch input_type(IMAGE)",
                 "extra_info": {"input_name": "image", "input_config": ["IMAGE", {}], "received_type": "INT",
                                "linked_node": ["1", 0]}}""", onlyError(r, "2"));
        assertEquals("ImageSink", r.nodeErrors().get("2").classType());
        assertEquals(List.of("2"), r.nodeErrors().get("2").dependentOutputs());
    }

    @Test
    void comboAcceptsStringLinksButNotInts() {
        String ok = """
                {"1": {"class_type": "Concat", "inputs": {"a": "re", "b": "d"}},
                 "2": {"class_type": "Pick", "inputs": {"choice": ["1", 0]}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}}}""";
        assertTrue(h.validate(ok).ok());
        ValidationResult bad = h.validate(ok.replace("\"Concat\", \"inputs\": {\"a\": \"re\", \"b\": \"d\"}",
                "\"TestInt\", \"inputs\": {\"value\": 1}"));
        JsonNode e = onlyError(bad, "2");
        assertEquals("return_type_mismatch", e.get("type").asText());
        assertEquals("choice, received_type(INT) mismatch input_type(COMBO)", e.get("details").asText());
    }

    @Test
    void anyInputAcceptsEveryLinkType() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Floats", "inputs": {"n": 2, "fill": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        assertTrue(r.ok(), () -> Json.write(r.errorJson()));
    }

    @Test
    void invalidInputTypeForInt() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Add", "inputs": {"a": "abc", "b": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        JsonNode e = onlyError(r, "1");
        assertEquals("invalid_input_type", e.get("type").asText());
        assertEquals("Failed to convert an input value to a INT value", e.get("message").asText());
        assertTrue(e.get("details").asText().startsWith("a, abc, "), e.toString());
        JsonNode x = e.get("extra_info");
        assertEquals("a", x.get("input_name").asText());
        assertEquals(json("[\"INT\", {\"default\": 0, \"min\": -1000000000000, \"max\": 1000000000000}]"), x.get("input_config"));
        assertEquals("abc", x.get("received_value").asText());
        assertTrue(x.get("exception_message").asText().contains("abc"));
        // an invalid node breaks the output that needs it; it carries dependent outputs and its class
        assertEquals(List.of("2"), r.nodeErrors().get("1").dependentOutputs());
        assertEquals("Add", r.nodeErrors().get("1").classType());
        assertFalse(r.nodeErrors().containsKey("2"), "a node that is only invalid upstream has no error of its own");
    }

    @Test
    void invalidInputTypeForOtherPrimitives() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Ranged", "inputs": {"i": [1, 2, 3], "f": "x1", "flag": "maybe", "label": {"a": 1}}}}""");
        JsonNode errs = Harness.tree(r.nodeErrorsJson()).get("1").get("errors");
        assertEquals(4, errs.size(), errs.toString());
        for (JsonNode e : errs) assertEquals("invalid_input_type", e.get("type").asText());
        assertEquals("Failed to convert an input value to a FLOAT value", errs.get(1).get("message").asText());
        assertEquals("Failed to convert an input value to a BOOLEAN value", errs.get(2).get("message").asText());
        assertEquals("Failed to convert an input value to a STRING value", errs.get(3).get("message").asText());
    }

    @Test
    void literalGivenToASocketInput() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "ImageSink", "inputs": {"image": 5}}}""");
        JsonNode e = onlyError(r, "1");
        assertEquals("invalid_input_type", e.get("type").asText());
        assertEquals("Failed to convert an input value to a IMAGE value", e.get("message").asText());
        assertEquals("image", e.get("extra_info").get("input_name").asText());
        assertEquals(5, e.get("extra_info").get("received_value").intValue());
    }

    @Test
    void valueSmallerThanMin() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Ranged", "inputs": {"i": -1, "f": 0.5}}}""");
        assertJson("""
                {"type": "value_smaller_than_min", "message": "Value -1 smaller than min of 0", "details": "i",
                 "extra_info": {"input_name": "i", "input_config": ["INT", {"default": 5, "min": 0, "max": 10}],
                                "received_value": -1}}""", onlyError(r, "1"));
    }

    @Test
    void valueBiggerThanMax() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Ranged", "inputs": {"i": 5, "f": 1.5}}}""");
        assertJson("""
                {"type": "value_bigger_than_max", "message": "Value 1.5 bigger than max of 1.0", "details": "f",
                 "extra_info": {"input_name": "f", "input_config": ["FLOAT", {"default": 0.5, "min": 0.0, "max": 1.0}],
                                "received_value": 1.5}}""", onlyError(r, "1"));
    }

    @Test
    void rangeBoundsAreInclusiveAndCheckedAfterCoercion() {
        assertTrue(h.validate("{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 0, \"f\": 1.0}}}").ok());
        assertTrue(h.validate("{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 10, \"f\": 0}}}").ok());
        assertEquals("value_bigger_than_max", onlyError(
                h.validate("{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": \"11\", \"f\": 0}}}"), "1").get("type").asText());
        // 10.9 truncates to 10 (Python int()), which is in range
        assertTrue(h.validate("{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 10.9, \"f\": 0}}}").ok());
    }

    @Test
    void infiniteFloatsAreOutOfRange() {
        // JSON 1e400 is infinity as a double; Python's validator reports it as bigger than max
        JsonNode big = onlyError(h.validate("{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 1, \"f\": 1e400}}}"), "1");
        assertEquals("value_bigger_than_max", big.get("type").asText());
        JsonNode small = onlyError(h.validate("{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 1, \"f\": \"-Infinity\"}}}"), "1");
        assertEquals("value_smaller_than_min", small.get("type").asText());
        // NaN compares false with both bounds, in Python as here: it passes
        assertTrue(h.validate("{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 1, \"f\": \"NaN\"}}}").ok());
    }

    @Test
    void infiniteBoundsDoNotBreakValidation() {
        h.registry.register(new Node() {
            final NodeSchema s = NodeSchema.builder("Unbounded").outputNode()
                    .required(InputSpec.number("x", 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY)).build();
            @Override public NodeSchema schema() { return s; }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs inputs) { return NodeOutput.of(); }
        });
        assertTrue(h.validate("{\"1\": {\"class_type\": \"Unbounded\", \"inputs\": {\"x\": -1e300}}}").ok());
        assertTrue(h.validate("{\"1\": {\"class_type\": \"Unbounded\", \"inputs\": {\"x\": 1e400}}}").ok(),
                "inf <= inf, as in Python");
    }

    @Test
    void valueNotInList() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Pick", "inputs": {"choice": "purple"}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        JsonNode e = onlyError(r, "1");
        assertEquals("value_not_in_list", e.get("type").asText());
        assertEquals("Value not in list", e.get("message").asText());
        assertTrue(e.get("details").asText().startsWith("choice: 'purple' not in "), e.toString());
        assertTrue(e.get("details").asText().contains("green"), e.toString());
        assertEquals(json("[[\"red\", \"green\", \"blue\"], {\"default\": \"red\"}]"), e.get("extra_info").get("input_config"));
        assertEquals("purple", e.get("extra_info").get("received_value").asText());
        assertEquals("choice", e.get("extra_info").get("input_name").asText());
    }

    @Test
    void valueNotInALongList() {
        List<String> many = IntStream.range(0, 25).mapToObj(i -> "m" + i).toList();
        h.registry.register(new Node() {
            final NodeSchema s = NodeSchema.builder("BigCombo").outputNode()
                    .required(InputSpec.combo("model", env -> many)).build();
            @Override public NodeSchema schema() { return s; }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs inputs) { return NodeOutput.of(); }
        });
        JsonNode e = onlyError(h.validate("{\"1\": {\"class_type\": \"BigCombo\", \"inputs\": {\"model\": \"x\"}}}"), "1");
        assertEquals("model: 'x' not in (list of length 25)", e.get("details").asText());
        assertTrue(e.get("extra_info").get("input_config").isNull());
        assertTrue(h.validate("{\"1\": {\"class_type\": \"BigCombo\", \"inputs\": {\"model\": \"m24\"}}}").ok());
    }

    @Test
    void customValidationFailed() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "EvenOnly", "inputs": {"value": 3}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        JsonNode e = onlyError(r, "1");
        assertEquals("custom_validation_failed", e.get("type").asText());
        assertEquals("Custom validation failed for node", e.get("message").asText());
        assertTrue(e.get("details").asText().contains("value must be even, got 3"), e.toString());
        assertTrue(h.validate("""
                {"1": {"class_type": "EvenOnly", "inputs": {"value": 4}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""").ok());
    }

    @Test
    void customValidationSeesLiteralsOnly() {
        // value linked from a node that will output 3: the custom check cannot see it, so it passes
        ValidationResult r = h.validate("""
                {"0": {"class_type": "TestInt", "inputs": {"value": 3}},
                 "1": {"class_type": "EvenOnly", "inputs": {"value": ["0", 0]}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        assertTrue(r.ok(), () -> Json.write(r.errorJson()));
    }

    @Test
    void dependencyCycle() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Add", "inputs": {"a": ["2", 0], "b": 1}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 1}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}}}""");
        assertFalse(r.ok());
        assertEquals("prompt_outputs_failed_validation", r.error().type());
        assertJson("""
                {"type": "dependency_cycle", "message": "Dependency cycle detected",
                 "details": "1 (Add) -> 2 (Add) -> 1 (Add)",
                 "extra_info": {"node_id": "1", "cycle_nodes": ["1", "2", "1"]}}""", onlyError(r, "1"));
        JsonNode e2 = onlyError(r, "2");
        assertEquals("dependency_cycle", e2.get("type").asText());
        assertEquals("2", e2.get("extra_info").get("node_id").asText());
        assertEquals("1 (Add) -> 2 (Add) -> 1 (Add)", e2.get("details").asText());
        assertEquals(List.of("3"), r.nodeErrors().get("1").dependentOutputs());
        assertFalse(r.nodeErrors().containsKey("3"));
    }

    @Test
    void longerCycleAndSelfLoop() {
        ValidationResult r = h.validate("""
                {"a": {"class_type": "Add", "inputs": {"a": ["c", 0], "b": 1}},
                 "b": {"class_type": "Add", "inputs": {"a": ["a", 0], "b": 1}},
                 "c": {"class_type": "Add", "inputs": {"a": ["b", 0], "b": 1}},
                 "o": {"class_type": "Record", "inputs": {"value": ["c", 0]}}}""");
        assertEquals("a (Add) -> b (Add) -> c (Add) -> a (Add)", onlyError(r, "b").get("details").asText());
        ValidationResult self = h.validate("""
                {"1": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        assertEquals("1 (Add) -> 1 (Add)", onlyError(self, "1").get("details").asText());
    }

    @Test
    void cycleInOneOutputDoesNotBlockAnother() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Add", "inputs": {"a": ["2", 0], "b": 1}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 1}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}},
                 "4": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "5": {"class_type": "Record", "inputs": {"value": ["4", 0]}}}""");
        assertTrue(r.ok());
        assertEquals(List.of("5"), r.outputs());
        assertEquals(Set.of("1", "2"), r.nodeErrors().keySet());
    }

    @Test
    void linkToAMissingNode() {
        ValidationResult r = h.validate("""
                {"2": {"class_type": "Record", "inputs": {"value": ["removeme", 0]}}}""");
        JsonNode e = onlyError(r, "2");
        assertEquals("bad_linked_input", e.get("type").asText());
        assertEquals("Bad linked input, must be a length-2 list of [node_id, slot_index]", e.get("message").asText());
        assertTrue(e.get("details").asText().contains("removeme"), e.toString());
        assertEquals("value", e.get("extra_info").get("input_name").asText());
        assertEquals(json("[\"removeme\", 0]"), e.get("extra_info").get("received_value"));
    }

    @Test
    void linkToAnOutputIndexOutOfRange() {
        for (int idx : new int[]{1, 5, -1}) {
            ValidationResult r = h.validate("""
                    {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                     "2": {"class_type": "Record", "inputs": {"value": ["1", %d]}}}""".formatted(idx));
            JsonNode e = onlyError(r, "2");
            assertEquals("bad_linked_input", e.get("type").asText(), "index " + idx);
            assertEquals(json("[\"1\", " + idx + "]"), e.get("extra_info").get("received_value"));
        }
        // the second output of a two-output node is fine
        assertTrue(h.validate("""
                {"1": {"class_type": "Pair", "inputs": {"value": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 1]}}}""").ok());
    }

    @Test
    void missingNodeInOneOfTwoOutputs() {
        String p = """
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "Add", "inputs": {"a": ["removeme", 0], "b": 1}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}},
                 "4": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""";
        ValidationResult r = h.validate(p);
        assertTrue(r.ok(), "one valid output is enough");
        assertEquals(List.of("4"), r.outputs());
        assertEquals(List.of("3"), r.nodeErrors().get("2").dependentOutputs());
        assertEquals("bad_linked_input", onlyError(r, "2").get("type").asText());
        assertNull(r.errorJson().get("error"));
        assertFalse(r.resolved().containsKey("2"));
        assertFalse(r.resolved().containsKey("3"));

        Harness.Run run = h.run(p);
        assertTrue(run.result().success());
        assertEquals(List.of("1", "4"), run.ran());
        assertEquals(Set.of("4"), run.result().outputs().keySet());
    }

    @Test
    void sharedBadSourceListsEveryDependentOutput() {
        ValidationResult r = h.validate("""
                {"4": {"class_type": "Record", "inputs": {"value": ["1", 0]}},
                 "1": {"class_type": "TestInt", "inputs": {"value": "nope"}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 1}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}},
                 "5": {"class_type": "Record", "inputs": {"value": 7}}}""");
        assertTrue(r.ok());
        assertEquals(List.of("5"), r.outputs());
        assertEquals(List.of("4", "3"), r.nodeErrors().get("1").dependentOutputs(), "outputs in prompt order");
        assertEquals(Set.of("1"), r.nodeErrors().keySet());
    }

    @Test
    void allOutputsInvalidJoinsDetails() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Ranged", "inputs": {"i": 50, "f": 0.5}},
                 "2": {"class_type": "Record", "inputs": {}}}""");
        assertFalse(r.ok());
        assertEquals("prompt_outputs_failed_validation", r.error().type());
        assertEquals("Value 50 bigger than max of 10: i\nRequired input is missing: value", r.error().details());
        assertEquals(Set.of("1", "2"), r.nodeErrors().keySet());
        assertTrue(r.describe().stream().anyMatch(l -> l.contains("node #1 (Ranged)") && l.contains("'i'")), r.describe().toString());
    }

    @Test
    void unconnectedInvalidNodeIsIgnored() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "TestInt", "inputs": {"value": "not a number"}},
                 "2": {"class_type": "Record", "inputs": {"value": 3}}}""");
        assertTrue(r.ok());
        assertTrue(r.nodeErrors().isEmpty());
        assertEquals(Set.of("2"), r.resolved().keySet());
    }

    // ---- coercion and defaults ----------------------------------------------------------------

    @Test
    void literalsAreCoercedToTheirTypes() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Ranged", "inputs": {"i": "5", "f": 1, "seed": 18446744073709551615,
                                                           "flag": "true", "label": 12, "mode": "b"}}}""");
        assertTrue(r.ok(), () -> Json.write(r.errorJson()));
        Map<String, Object> in = r.resolved().get("1").inputs();
        assertEquals(5L, in.get("i"));
        assertEquals(1.0, in.get("f"));
        assertEquals(-1L, in.get("seed"), "2^64-1 keeps its 64 bits");
        assertEquals(Boolean.TRUE, in.get("flag"));
        assertEquals("12", in.get("label"));
        assertEquals("b", in.get("mode"));
    }

    @Test
    void seedsUpToTwoToThe64MinusOne() {
        assertTrue(h.validate("{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 1, \"f\": 0, \"seed\": \"18446744073709551615\"}}}").ok());
        JsonNode e = onlyError(h.validate(
                "{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 1, \"f\": 0, \"seed\": 18446744073709551616}}}"), "1");
        assertEquals("value_bigger_than_max", e.get("type").asText());
        assertEquals("Value 18446744073709551616 bigger than max of 18446744073709551615", e.get("message").asText());
        assertEquals(json("18446744073709551615"), e.get("extra_info").get("input_config").get(1).get("max"));
        assertEquals("value_smaller_than_min", onlyError(h.validate(
                "{\"1\": {\"class_type\": \"Ranged\", \"inputs\": {\"i\": 1, \"f\": 0, \"seed\": -1}}}"), "1").get("type").asText());
    }

    @Test
    void coercedValuesReachTheNode() {
        Harness.Run run = h.run("""
                {"1": {"class_type": "Ranged", "inputs": {"i": "7", "f": 0, "seed": 18446744073709551614, "label": true}}}""");
        Map<String, Object> in = h.rec.inputsOf("1");
        assertEquals(7L, in.get("i"));
        assertEquals(0.0, in.get("f"));
        assertEquals(-2L, in.get("seed"));
        assertEquals("True", in.get("label"));
        assertTrue(run.result().success());
    }

    @Test
    void omittedOptionalInputsGetTheirDefaults() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Ranged", "inputs": {"i": 1, "f": 0.25}}}""");
        Map<String, Object> in = r.resolved().get("1").inputs();
        assertEquals(0L, in.get("seed"));
        assertEquals(Boolean.FALSE, in.get("flag"));
        assertEquals("dflt", in.get("label"));
        assertEquals("a", in.get("mode"), "a combo defaults to its first choice");
        assertFalse(in.containsKey("extra"), "a socket has no default");
        h.run("""
                {"1": {"class_type": "Ranged", "inputs": {"i": 1, "f": 0.25}}}""");
        assertEquals("dflt", h.rec.inputsOf("1").get("label"));
        assertEquals(0.25, h.rec.inputsOf("1").get("f"));
    }

    @Test
    void undeclaredInputsAreNotPassedOn() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 2, "bogus": "x"}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        assertTrue(r.ok());
        assertFalse(r.resolved().get("1").inputs().containsKey("bogus"));
        assertEquals(new Link("1", 0), r.resolved().get("2").inputs().get("value"));
    }

    @Test
    void partialTargetsSelectOutputsAndTheirNeeds() {
        String p = """
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}},
                 "3": {"class_type": "TestInt", "inputs": {"value": 2}},
                 "4": {"class_type": "Record", "inputs": {"value": ["3", 0]}}}""";
        ValidationResult all = h.validate(p);
        assertEquals(List.of("2", "4"), all.outputs());
        ValidationResult part = h.validate(p, List.of("4"));
        assertEquals(List.of("4"), part.outputs());
        assertEquals(Set.of("3", "4"), part.resolved().keySet());
    }

    @Test
    void invalidNodeOutsideTheTargetsIsNotReported() {
        ValidationResult r = h.validate("""
                {"1": {"class_type": "Record", "inputs": {}},
                 "2": {"class_type": "Record", "inputs": {"value": 1}}}""", List.of("2"));
        assertTrue(r.ok());
        assertTrue(r.nodeErrors().isEmpty());
    }

    @Test
    void socketTypeUnionsMatchByIntersection() {
        h.registry.register(new Node() {
            final NodeSchema s = NodeSchema.builder("Num").outputNode()
                    .required(InputSpec.socket("x", "FLOAT,INT")).build();
            @Override public NodeSchema schema() { return s; }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs inputs) { return NodeOutput.of(); }
        });
        assertTrue(h.validate("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "Num", "inputs": {"x": ["1", 0]}}}""").ok());
        assertEquals("return_type_mismatch", onlyError(h.validate("""
                {"1": {"class_type": "Concat", "inputs": {"a": "1", "b": "2"}},
                 "2": {"class_type": "Num", "inputs": {"x": ["1", 0]}}}"""), "2").get("type").asText());
    }
}
