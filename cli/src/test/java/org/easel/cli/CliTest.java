package org.easel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.easel.engine.Json;
import org.junit.jupiter.api.Test;

class CliTest extends CliHarness {
    static final Path BASIC = Path.of("..", "workflows", "basic-math.json").toAbsolutePath().normalize();

    @Test
    void benchSd3BlockRejectsBadSizesAndIsListed() {
        assertEquals(2, run("bench", "sd3-block", "--tokens", "0"));
        assertTrue(err().contains("--tokens"), err());
        assertEquals(0, run("bench", "--help"));
        assertTrue(out().contains("sd3-block") && out().contains("--text-tokens"), out());
    }

    @Test
    void runsTheBasicWorkflow() {
        assertEquals(0, run("run", BASIC.toString()), err());
        assertTrue(out().contains("#4: 42"), out());
        assertTrue(out().contains("#7: Hello, Easel"), out());
        assertTrue(err().contains("[1/7]"), err());
    }

    @Test
    void jsonPrintsOneEventPerLine() throws Exception {
        assertEquals(0, run("run", BASIC.toString(), "--json"), err());
        List<String> types = new ArrayList<>();
        for (String line : out().split("\n")) types.add(Json.parse(line).get("type").asText());
        assertEquals("execution_start", types.get(0));
        assertEquals("execution_success", types.get(types.size() - 1));
        assertTrue(types.contains("executed") && types.contains("executing"), types.toString());
        assertFalse(out().contains("#4: 42"), "no plain text among the events");
    }

    @Test
    void jsonSaysWhyAWorkflowIsInvalid() throws Exception {
        Path wf = home.resolve("bad-op.json");
        Files.writeString(wf, """
                {"1": {"class_type": "IntMath", "inputs": {"a": 1, "b": 2, "op": "nope"}},
                 "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""");
        assertEquals(2, run("run", wf.toString(), "--json"));
        JsonNode event = Json.parse(out().trim());
        assertEquals("validation_error", event.get("type").asText());
        assertEquals("value_not_in_list", event.get("data").get("node_errors").get("1").get("errors").get(0).get("type").asText());
    }

    @Test
    void setOverridesAreCoercedByDeclaredType() {
        assertEquals(0, run("run", BASIC.toString(), "--set", "1.value=10", "--set", "3.op=add"), err());
        assertTrue(out().contains("#4: 17"), out());
    }

    @Test
    void badSetValueStopsEverythingInTheUsersTerms() {
        assertEquals(2, run("run", BASIC.toString(), "--set", "1.value=abc", "--set", "6.delimiter=x"));
        assertTrue(err().contains("error: --set 1.value=abc: 'abc' is not an integer (PrimitiveInt.value takes "), err());
        assertEquals("", out(), "nothing ran");
    }

    @Test
    void setErrors() {
        assertEquals(2, run("run", BASIC.toString(), "--set", "99.value=1"));
        assertTrue(err().contains("there is no node '99'"), err());
        assertEquals(2, run("run", BASIC.toString(), "--set", "1.nope=1"));
        assertTrue(err().contains("has no input 'nope'"), err());
        assertEquals(2, run("run", BASIC.toString(), "--set", "novalue"));
        assertTrue(err().contains("NODE_ID.INPUT=VALUE"), err());
    }

    @Test
    void comboValueNotInList() throws Exception {
        assertEquals(2, run("run", BASIC.toString(), "--set", "3.op=explode", "--set", "5.value=x"));
        assertTrue(err().contains("error: --set 3.op=explode: Value not in list — op: 'explode' not in ['add', "), err());
        Path wf = home.resolve("combo.json");
        Files.writeString(wf, """
                {"1": {"class_type": "IntMath", "inputs": {"a": 1, "b": 2, "op": "ad"}},
                 "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""");
        assertEquals(2, run("run", wf.toString()));
        assertTrue(err().contains("node #1 (IntMath), input 'op': Value not in list — op: 'ad' not in ['add', "), err());
        assertTrue(err().contains("(closest name: 'add')"), err());
    }

    @Test
    void missingAndMalformedFiles() throws Exception {
        assertEquals(2, run("run", home.resolve("nope.json").toString()));
        assertTrue(err().contains("no such file"), err());
        Path bad = home.resolve("bad.json");
        Files.writeString(bad, "{\"1\": {\n  \"class_type\": \"PrimitiveInt\",\n  \"inputs\": {\"val");
        assertEquals(2, run("run", bad.toString()));
        assertTrue(err().contains(bad + " is not valid JSON: Unexpected end-of-input"), err());
        assertTrue(err().contains(" at line 3, column "), err());
        Path ui = home.resolve("ui.json");
        Files.writeString(ui, "{\"nodes\": [], \"links\": []}");
        assertEquals(2, run("run", ui.toString()));
        assertTrue(err().contains("has no nodes to run"), err());
    }

    @Test
    void runtimeFailureExitsOneWithNodeAndReason() throws Exception {
        Path wf = home.resolve("div.json");
        Files.writeString(wf, """
                {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 0}},
                 "2": {"class_type": "IntMath", "inputs": {"a": 5, "b": ["1", 0], "op": "divide"}},
                 "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}""");
        assertEquals(1, run("run", wf.toString()));
        assertTrue(err().contains("node #2 (IntMath): division by zero"), err());
        assertTrue(!err().contains("\tat "), "no stack trace: " + err());
    }

    @Test
    void validateCommand() throws Exception {
        assertEquals(0, run("validate", BASIC.toString()), err());
        assertTrue(out().contains("OK: 7 nodes, 2 outputs (PreviewAny #4, PreviewAny #7)"), out());
        Path wf = home.resolve("cycle.json");
        Files.writeString(wf, """
                {"1": {"class_type": "IntMath", "inputs": {"a": ["2", 0], "b": 1, "op": "add"}},
                 "2": {"class_type": "IntMath", "inputs": {"a": ["1", 0], "b": 1, "op": "add"}},
                 "3": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}}}""");
        assertEquals(2, run("validate", wf.toString()));
        assertTrue(err().contains("Dependency cycle detected"), err());
    }

    @Test
    void nodesCommand() {
        assertEquals(0, run("nodes"));
        assertTrue(out().contains("IntMath"), out());
        assertFalse(out().contains("_for_testing"), out());
        assertTrue(out().contains("for testing not shown: --all"), out());
        for (String line : out().split("\n")) {
            if (line.startsWith("  ")) assertTrue(line.trim().split("\\s+").length > 1, "a node without a description: " + line);
        }
        assertEquals(0, run("nodes", "--all"));
        assertTrue(out().contains("_for_testing:"), out());
        assertEquals(0, run("nodes", "KSampler"));
        assertTrue(out().contains("  * seed "), out());
        assertEquals(0, run("nodes", "IntMath"));
        assertTrue(out().contains("Inputs (* required):") && out().contains("one of [add, subtract"), out());
        assertEquals(0, run("nodes", "IntMath", "--json"));
        assertTrue(out().contains("\"input_order\""), out());
        assertEquals(2, run("nodes", "NoSuchNode"));
        assertTrue(err().contains("no node type 'NoSuchNode'"), err());
    }

    @Test
    void scriptNodesFromTheFolderAndBesideTheWorkflow() throws Exception {
        Path examples = Path.of("..", "workflows", "custom_nodes").toAbsolutePath().normalize();
        assertEquals(0, run("nodes", "--custom-nodes", examples.toString()), err());
        assertTrue(out().contains("Vignette") && out().contains("ColorGrade") && out().contains("ImageStats")
                && out().contains("JavaScript"), out());
        // plain `easel nodes` also lists the examples shipped in <home>/workflows/custom_nodes
        reset();
        assertEquals(0, run("nodes"), err());
        assertFalse(out().contains("Vignette"), out());
        Path shipped = Files.createDirectories(home.resolve("workflows").resolve("custom_nodes"));
        try (var files = Files.list(examples)) {
            for (Path f : files.toList()) Files.copy(f, shipped.resolve(f.getFileName().toString()));
        }
        reset();
        assertEquals(0, run("nodes"), err());
        assertTrue(out().contains("Vignette") && out().contains("ColorGrade") && out().contains("JavaScript"), out());
        Path dir = home.resolve("flows");
        Files.createDirectories(dir.resolve("custom_nodes"));
        Files.writeString(dir.resolve("custom_nodes").resolve("triple.mjs"), "export default { name: \"Triple\","
                + " inputs: { required: { x: [\"INT\"] } }, outputs: [\"INT\"], execute({ x }) { return 3 * x; } };");
        Files.writeString(dir.resolve("flow.json"), "{\"1\": {\"class_type\": \"PrimitiveInt\", \"inputs\": {\"value\": 5}},"
                + " \"2\": {\"class_type\": \"Triple\", \"inputs\": {\"x\": [\"1\", 0]}},"
                + " \"3\": {\"class_type\": \"JavaScript\", \"inputs\": {\"code\": \"return `got ${a}`;\", \"a\": [\"2\", 0]}},"
                + " \"4\": {\"class_type\": \"PreviewAny\", \"inputs\": {\"source\": [\"3\", 0]}}}");
        assertEquals(0, run("run", dir.resolve("flow.json").toString(), "--set", "1.value=7"), err());
        assertTrue(out().contains("#4: got 21"), out());
        Files.writeString(dir.resolve("custom_nodes").resolve("triple.mjs"), "export default { name: \"Triple\","
                + " inputs: { required: { x: [\"INT\"] } }, outputs: [\"INT\"], execute({ x }) { for (;;) {} } };");
        assertEquals(1, run("run", dir.resolve("flow.json").toString(), "--script-timeout", "0.5"), err());
        assertTrue(err().contains("node #2 (Triple): script triple.mjs: stopped after the time budget of 0.5 s"), err());
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, run("--version"));
        assertTrue(out().startsWith("easel "), out());
        assertEquals(0, run("run", "--help"));
        assertTrue(out().contains("--set"), out());
        assertEquals(2, run("run"));
    }
}
