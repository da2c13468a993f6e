package org.easel.engine.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptParseTest {

    @Test
    void linksAndLiteralsAreTold() throws Exception {
        Prompt p = Prompt.parse("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 5}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 7, "c": ["x", "y"], "d": [1, 0],
                                                        "e": ["1", 0, 3], "f": "text", "g": ["1", 1.0]}}}
                """);
        assertEquals(2, p.size());
        assertEquals(List.of("1", "2"), List.copyOf(p.nodes().keySet()));
        PromptNode add = p.node("2");
        assertEquals("Add", add.classType());
        assertEquals(new Link("1", 0), add.inputs().get("a"));
        // ComfyUI's is_link: [str, number] only; a float index counts
        assertEquals(new Link("1", 1), add.inputs().get("g"));
        JsonNode b = assertInstanceOf(JsonNode.class, add.inputs().get("b"));
        assertEquals(7, b.intValue());
        // not links: second element not a number, first not a string, wrong length
        assertTrue(((JsonNode) add.inputs().get("c")).isArray());
        assertTrue(((JsonNode) add.inputs().get("d")).isArray());
        assertEquals(3, ((JsonNode) add.inputs().get("e")).size());
        assertEquals("text", ((JsonNode) add.inputs().get("f")).asText());
    }

    @Test
    void valueWrapperIsUnwrapped() throws Exception {
        Prompt p = Prompt.parse("""
                {"1": {"class_type": "X", "inputs": {"list": {"__value__": ["9", 0]},
                                                      "obj": {"__value__": [1, 2], "other": 1},
                                                      "plain": {"k": "v"}}}}
                """);
        Object list = p.node("1").inputs().get("list");
        // a wrapped 2-list that looks like a link stays a literal list
        JsonNode l = assertInstanceOf(JsonNode.class, list);
        assertTrue(l.isArray());
        assertEquals("9", l.get(0).asText());
        // an object with more than __value__ is left alone
        JsonNode obj = (JsonNode) p.node("1").inputs().get("obj");
        assertTrue(obj.isObject());
        assertTrue(obj.has("other"));
        assertTrue(((JsonNode) p.node("1").inputs().get("plain")).isObject());
    }

    @Test
    void unknownFieldsAndMetaAreKept() throws Exception {
        Prompt p = Prompt.parse("""
                {"7": {"class_type": "X", "inputs": {}, "_meta": {"title": "My node"}, "is_changed": ["abc"],
                       "custom_field": {"deep": 1}}}
                """);
        PromptNode n = p.node("7");
        assertEquals("My node", n.title());
        assertEquals("#7 My node", n.label());
        assertEquals(1, n.raw().get("custom_field").get("deep").intValue());
        assertEquals("[\"abc\"]", n.isChangedOverride().toString());
        // the whole prompt JSON is kept for metadata / history
        assertEquals(1, p.json().get("7").get("custom_field").get("deep").intValue());
    }

    @Test
    void missingClassTypeAndInputsAreTolerated() throws Exception {
        Prompt p = Prompt.parse("{\"1\": {\"inputs\": {\"a\": 1}}, \"2\": {\"class_type\": \"Y\"}, \"3\": {\"class_type\": 5}}");
        assertNull(p.node("1").classType());
        assertEquals("#1 ?", p.node("1").label());
        assertTrue(p.node("2").inputs().isEmpty());
        assertNull(p.node("3").classType(), "a non-string class_type counts as missing");
        assertNull(p.node("2").isChangedOverride());
        assertFalse(p.node("2").inputs().containsKey("a"));
    }

    @Test
    void isChangedNullMeansNoOverride() throws Exception {
        Prompt p = Prompt.parse("{\"1\": {\"class_type\": \"Y\", \"is_changed\": null}}");
        assertNull(p.node("1").isChangedOverride());
    }

    @Test
    void nonObjectPromptsAreRejected() {
        for (String bad : List.of("[]", "42", "\"x\"", "null", "[{\"1\": {}}]")) {
            assertThrows(PromptFormatException.class, () -> Prompt.parse(bad), bad);
        }
        assertThrows(PromptFormatException.class, () -> Prompt.of(null));
    }

    @Test
    void invalidJsonIsAFormatError() {
        PromptFormatException e = assertThrows(PromptFormatException.class, () -> Prompt.parse("{\"1\": "));
        assertTrue(e.getMessage().startsWith("Invalid JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void nodeThatIsNotAnObjectIsRejected() {
        PromptFormatException e = assertThrows(PromptFormatException.class,
                () -> Prompt.parse("{\"1\": {\"class_type\": \"X\"}, \"2\": [\"1\", 0]}"));
        assertTrue(e.getMessage().contains("2"), e.getMessage());
        assertThrows(PromptFormatException.class, () -> Prompt.parse("{\"1\": \"KSampler\"}"));
    }

    @Test
    void inputsThatAreNotAnObjectAreRejected() {
        PromptFormatException e = assertThrows(PromptFormatException.class,
                () -> Prompt.parse("{\"4\": {\"class_type\": \"X\", \"inputs\": [1, 2]}}"));
        assertTrue(e.getMessage().contains("4") && e.getMessage().contains("inputs"), e.getMessage());
    }

    @Test
    void emptyPromptParses() throws Exception {
        assertEquals(0, Prompt.parse("{}").size());
    }
}
