package org.easel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void setOverridesAreCoercedByDeclaredType() {
        assertEquals(0, run("run", BASIC.toString(), "--set", "1.value=10", "--set", "3.op=add"), err());
        assertTrue(out().contains("#4: 17"), out());
    }

    @Test
    void badSetValueIsAValidationErrorNamingNodeAndInput() {
        assertEquals(2, run("run", BASIC.toString(), "--set", "1.value=abc", "--set", "6.delimiter=x"));
        assertTrue(err().contains("node #1 (PrimitiveInt), input 'value'"), err());
        assertTrue(err().contains("Failed to convert an input value to a INT value"), err());
        // the other, valid output still ran
        assertTrue(out().contains("#7: HelloxEasel"), out());
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
    void comboValueNotInList() {
        assertEquals(2, run("run", BASIC.toString(), "--set", "3.op=explode", "--set", "5.value=x"));
        assertTrue(err().contains("input 'op': Value not in list"), err());
    }

    @Test
    void missingAndMalformedFiles() throws Exception {
        assertEquals(2, run("run", home.resolve("nope.json").toString()));
        assertTrue(err().contains("no such file"), err());
        Path bad = home.resolve("bad.json");
        Files.writeString(bad, "{\"1\": {");
        assertEquals(2, run("run", bad.toString()));
        assertTrue(err().contains("is not valid JSON"), err());
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
        assertTrue(out().contains("OK: 7 nodes"), out());
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
        assertEquals(0, run("nodes", "IntMath"));
        assertTrue(out().contains("Inputs:") && out().contains("one of [add, subtract"), out());
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
