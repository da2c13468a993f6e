package org.easel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.testnodes.Recorder;
import org.easel.engine.testnodes.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.validation.Validator;

class RegistryTest {
    @TempDir Path tmp;

    @Test
    void serviceLoaderFindsTheTestResourceEntries() {
        NodeRegistry r = NodeRegistry.load();
        assertInstanceOf(TestNodes.IntSource.class, r.get("TestInt"));
        assertInstanceOf(TestNodes.Add.class, r.get("Add"));
        assertInstanceOf(TestNodes.Record.class, r.get("Record"));
        assertTrue(r.contains("Record"));
        assertFalse(r.contains("NoSuchNode"));
        assertNull(r.get("NoSuchNode"));
    }

    @Test
    void serviceLoadedNodesRun() {
        NodeRegistry r = NodeRegistry.load(getClass().getClassLoader());
        Environment env = Environment.under(tmp, "cpu");
        Validator v = new Validator(r, env);
        Prompt p = Harness.prompt("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 20}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 22}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}}}""");
        var result = new Executor(env, new OutputCache(1 << 20))
                .execute(p, v.validate(p), "sl", null, null);
        assertTrue(result.success());
        assertEquals(List.of("42"), result.outputs().get("3").get("values"));
    }

    @Test
    void registeringTheSameTypeTwice() {
        Recorder rec = new Recorder();
        NodeRegistry r = new NodeRegistry();
        TestNodes.Add first = new TestNodes.Add(rec);
        r.register(first).register(new TestNodes.Add(rec));     // same class: ignored
        assertSame(first, r.get("Add"));
        Node impostor = new Node() {
            @Override public NodeSchema schema() { return NodeSchema.builder("Add").build(); }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs inputs) { return NodeOutput.of(); }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.register(impostor));
        assertTrue(e.getMessage().contains("Add"), e.getMessage());
        assertSame(first, r.get("Add"));
    }

    @Test
    void objectInfoIsSortedByName() {
        NodeRegistry r = TestNodes.registry(new Recorder());
        Map<String, Object> info = r.objectInfo(Environment.under(tmp, "cpu"));
        List<String> names = new ArrayList<>(info.keySet());
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        assertEquals(sorted, names);
        assertEquals(TestNodes.all(new Recorder()).size(), names.size());
        assertEquals(names, r.all().stream().map(n -> n.schema().name()).toList());
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) info.get("Record");
        assertEquals(true, record.get("output_node"));
        assertEquals("Record", record.get("name"));
    }

    @Test
    void nodeInputsAccessors() {
        NodeInputs in = new NodeInputs("3", "X", new HashMap<>(Map.of("n", 5L, "s", "t", "d", 0.5, "b", true)));
        assertEquals(5, in.getInt("n"));
        assertEquals(5.0, in.getDouble("n"));
        assertEquals(0.5, in.getDouble("d"));
        assertEquals("t", in.getString("s"));
        assertTrue(in.getBool("b"));
        assertEquals("fallback", in.getOr("missing", String.class, "fallback"));
        NodeException missing = assertThrows(NodeException.class, () -> in.getString("missing"));
        assertEquals("3", missing.nodeId());
        assertEquals("X", missing.classType());
        assertEquals("missing", missing.input());
        NodeException wrong = assertThrows(NodeException.class, () -> in.getString("n"));
        assertTrue(wrong.getMessage().contains("String") && wrong.getMessage().contains("Long"), wrong.getMessage());
        assertThrows(ArithmeticException.class, () -> new NodeInputs("1", "X", Map.of("n", Long.MAX_VALUE)).getInt("n"));
        assertThrows(UnsupportedOperationException.class, () -> in.asMap().put("x", 1));
    }

    @Test
    void nodeOutputCopiesItsValues() {
        List<Object> values = new ArrayList<>(List.of(1L, "a"));
        NodeOutput out = new NodeOutput(values, null);
        values.set(0, 99L);
        assertEquals(1L, out.values().get(0));
        assertThrows(UnsupportedOperationException.class, () -> out.values().set(0, 2L));
        assertEquals(Arrays.asList(1L, null), NodeOutput.of(1L, null).values());
    }
}
