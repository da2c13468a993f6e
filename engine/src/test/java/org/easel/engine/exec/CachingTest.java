package org.easel.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.easel.engine.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;

/** The output cache as seen through the executor: what re-runs and what is reused between prompts. */
class CachingTest {
    @TempDir Path tmp;

    static final String GRAPH = """
            {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
             "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 2}},
             "3": {"class_type": "Record", "inputs": {"value": ["2", 0], "label": "left"}},
             "4": {"class_type": "TestInt", "inputs": {"value": 5}},
             "5": {"class_type": "Record", "inputs": {"value": ["4", 0], "label": "right"}}}""";

    @Test
    void identicalRerunExecutesNothing() {
        Harness h = new Harness(tmp);
        Harness.Run first = h.run(GRAPH);
        assertEquals(List.of("1", "2", "3", "4", "5"), first.ran());
        assertEquals(List.of(), first.cached());

        Harness.Run second = h.run(GRAPH);
        assertTrue(second.result().success());
        assertEquals(List.of(), second.ran());
        assertEquals(List.of(), second.result().executed());
        assertEquals(List.of("1", "2", "3", "4", "5"), second.cached());
        assertEquals(List.of("1", "2", "3", "4", "5"), second.events().first("execution_cached").data().get("nodes"));
        assertFalse(second.events().types().contains("executing"));
        // cached output nodes replay their UI, as executed events and in the result's outputs
        List<Harness.Events.Event> executed = second.events().of("executed");
        assertEquals(List.of("3", "5"), executed.stream().map(e -> e.data().get("node")).toList());
        assertEquals(Map.of("values", List.of("3"), "label", List.of("left")), executed.get(0).data().get("output"));
        assertEquals(second.promptId(), executed.get(0).data().get("prompt_id"));
        assertEquals(first.result().outputs(), second.result().outputs());
        assertEquals(List.of("execution_start", "execution_cached", "executed", "executed", "execution_success"),
                second.events().types());
    }

    @Test
    void cachedOutputNodeWithoutUiReplaysNull() {
        Harness h = new Harness(tmp);
        h.registry.register(new Node() {
            final NodeSchema s = NodeSchema.builder("Quiet").outputNode()
                    .required(InputSpec.socket("x", "*")).build();
            @Override public NodeSchema schema() { return s; }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) {
                return NodeOutput.of();
            }
        });
        String p = """
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "Quiet", "inputs": {"x": ["1", 0]}}}""";
        Harness.Run first = h.run(p);
        assertFalse(first.events().types().contains("executed"), "no UI, no executed event");
        assertTrue(first.result().outputs().isEmpty());
        Harness.Run again = h.run(p);
        assertEquals(List.of("1", "2"), again.cached());
        Harness.Events.Event e = again.events().first("executed");
        assertEquals("2", e.data().get("node"));
        assertTrue(e.data().containsKey("output"));
        assertEquals(null, e.data().get("output"));
        assertTrue(again.result().outputs().isEmpty());
    }

    @Test
    void changingOneWidgetRerunsOnlyThatNodeAndItsDescendants() {
        Harness h = new Harness(tmp);
        h.run(GRAPH);
        Harness.Run run = h.run(GRAPH.replace("\"b\": 2", "\"b\": 40"));
        assertEquals(List.of("2", "3"), run.ran());
        assertEquals(List.of("1", "4", "5"), run.cached());
        assertEquals(List.of("41"), run.result().outputs().get("3").get("values"));
        // and back again: the first version is still cached
        Harness.Run back = h.run(GRAPH);
        assertEquals(List.of(), back.ran());
        assertEquals(List.of("3"), back.result().outputs().get("3").get("values"));
    }

    @Test
    void changingAnOutputNodeWidgetReusesEverythingUpstream() {
        Harness h = new Harness(tmp);
        h.run(GRAPH);
        Harness.Run run = h.run(GRAPH.replace("\"left\"", "\"LEFT\""));
        assertEquals(List.of("3"), run.ran());
        assertEquals(List.of("1", "2", "4", "5"), run.cached(), "upstream of a cache hit counts as cached too");
    }

    @Test
    void nodeIdsDoNotMatter() {
        Harness h = new Harness(tmp);
        h.run(GRAPH);
        String renamed = """
                {"e": {"class_type": "Record", "inputs": {"label": "right", "value": ["d", 0]}},
                 "a": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "d": {"class_type": "TestInt", "inputs": {"value": 5}},
                 "b": {"class_type": "Add", "inputs": {"b": 2, "a": ["a", 0]}},
                 "c": {"class_type": "Record", "inputs": {"value": ["b", 0], "label": "left"}}}""";
        Harness.Run run = h.run(renamed);
        assertEquals(List.of(), run.ran());
        assertEquals(List.of("e", "a", "d", "b", "c"), run.cached());
        assertEquals(Map.of("values", List.of("3"), "label", List.of("left")), run.result().outputs().get("c"));
    }

    @Test
    void linkTopologyIsPartOfTheKey() {
        Harness h = new Harness(tmp);
        String p = """
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "TestInt", "inputs": {"value": 2}},
                 "3": {"class_type": "Concat", "inputs": {"a": "x", "b": "y"}},
                 "4": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": ["2", 0]}},
                 "5": {"class_type": "Record", "inputs": {"value": ["4", 0]}}}""";
        h.run(p);
        // same nodes, swapped links: a=2, b=1 is a different computation for the cache
        Harness.Run swapped = h.run(p.replace("\"a\": [\"1\", 0], \"b\": [\"2\", 0]", "\"a\": [\"2\", 0], \"b\": [\"1\", 0]"));
        assertEquals(List.of("4", "5"), swapped.ran());
        // a literal equal to the linked value is not the same as the link
        Harness.Run literal = h.run(p.replace("\"b\": [\"2\", 0]", "\"b\": 2"));
        assertEquals(List.of("4", "5"), literal.ran());
    }

    @Test
    void uniqueIdNodesAreKeyedByTheirId() {
        Harness h = new Harness(tmp);
        String p = """
                {"1": {"class_type": "Tagged", "inputs": {"value": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""";
        h.run(p);
        assertEquals(List.of(), h.run(p).ran());
        Harness.Run renamed = h.run(p.replace("\"1\"", "\"9\""));
        assertEquals(List.of("9", "2"), renamed.ran());
        assertEquals("9:1", h.rec.inputsOf("2").get("value"));
    }

    @Test
    void fingerprintChangeReruns() throws Exception {
        Harness h = new Harness(tmp);
        Path file = h.env.inputDir().resolve("data.txt");
        Files.writeString(file, "hello");
        String p = """
                {"1": {"class_type": "FileHash", "inputs": {"path": "data.txt"}},
                 "2": {"class_type": "Concat", "inputs": {"a": ["1", 0], "b": "!"}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}},
                 "4": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "5": {"class_type": "Record", "inputs": {"value": ["4", 0]}}}""";
        assertEquals(List.of("1", "2", "3", "4", "5"), h.run(p).ran());
        assertEquals(List.of(), h.run(p).ran());
        Files.writeString(file, "world");
        Harness.Run changed = h.run(p);
        assertEquals(List.of("1", "2", "3"), changed.ran());
        assertEquals(List.of("world!"), changed.result().outputs().get("3").get("values"));
        Files.writeString(file, "world");    // rewritten, same content: same fingerprint
        assertEquals(List.of(), h.run(p).ran());
    }

    @Test
    void fingerprintThatThrowsMeansAlwaysRerun() {
        Harness h = new Harness(tmp);
        String p = """
                {"1": {"class_type": "BrokenFingerprint", "inputs": {"value": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""";
        h.run(p);
        assertEquals(List.of("1", "2"), h.run(p).ran());
    }

    @Test
    void alwaysChangedRerunsItselfAndDescendantsEveryTime() {
        Harness h = new Harness(tmp);
        String p = """
                {"1": {"class_type": "TestInt", "inputs": {"value": 2}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 1}},
                 "3": {"class_type": "Always", "inputs": {"value": 7}},
                 "4": {"class_type": "Add", "inputs": {"a": ["3", 0], "b": ["2", 0]}},
                 "5": {"class_type": "Record", "inputs": {"value": ["4", 0]}}}""";
        h.run(p);
        for (int i = 0; i < 3; i++) {
            Harness.Run run = h.run(p);
            assertEquals(List.of("3", "4", "5"), run.ran(), "run " + i);
            assertEquals(List.of("1", "2"), run.cached());
        }
    }

    @Test
    void isChangedInThePromptOverridesTheFingerprint() {
        Harness h = new Harness(tmp);
        String p = """
                {"1": {"class_type": "Always", "inputs": {"value": 7}, "is_changed": "v1"},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""";
        h.run(p);
        assertEquals(List.of(), h.run(p).ran(), "the client's is_changed wins over ALWAYS_CHANGED");
        assertEquals(List.of("1", "2"), h.run(p.replace("v1", "v2")).ran());
        assertEquals(List.of(), h.run(p.replace("v1", "v2")).ran());
    }

    @Test
    void isChangedOnAPlainNodeForcesARerunWhenItChanges() {
        Harness h = new Harness(tmp);
        String base = """
                {"1": {"class_type": "TestInt", "inputs": {"value": 7}%s},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""";
        h.run(base.formatted(""));
        assertEquals(List.of("1", "2"), h.run(base.formatted(", \"is_changed\": [1]")).ran());
        assertEquals(List.of(), h.run(base.formatted(", \"is_changed\": [1]")).ran());
        assertEquals(List.of("1", "2"), h.run(base.formatted(", \"is_changed\": [2]")).ran());
        assertEquals(List.of(), h.run(base.formatted("")).ran(), "no override: back to the first key");
    }

    @Test
    void memoryBudgetEvictsLeastRecentlyUsed() {
        // each Sized output counts 10,000 bytes: two fit in the 25,000 byte budget, three do not
        Harness h = new Harness(tmp, 25_000);
        String p = """
                {"1": {"class_type": "Sized", "inputs": {"bytes": 10000, "tag": %d}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0], "label": "%s"}}}""";
        assertEquals(List.of("1", "2"), h.run(p.formatted(1, "a")).ran());
        assertEquals(List.of("1", "2"), h.run(p.formatted(2, "a")).ran());
        // touch tag 1, so tag 2 becomes the least recently used
        assertEquals(List.of("2"), h.run(p.formatted(1, "b")).ran());
        assertEquals(List.of("1", "2"), h.run(p.formatted(3, "a")).ran());
        assertTrue(h.executor.cache().usedBytes() <= 25_000, "used " + h.executor.cache().usedBytes());
        assertEquals(List.of("2"), h.run(p.formatted(1, "c")).ran(), "tag 1 survived");
        assertEquals(List.of("2"), h.run(p.formatted(3, "c")).ran(), "tag 3 survived");
        assertEquals(List.of("1", "2"), h.run(p.formatted(2, "c")).ran(), "tag 2 was evicted");
        assertTrue(h.executor.cache().usedBytes() <= 25_000);
    }

    @Test
    void valueLargerThanTheBudgetStillFlows() {
        Harness h = new Harness(tmp, 5_000);
        String p = """
                {"1": {"class_type": "Sized", "inputs": {"bytes": 10000, "tag": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""";
        h.run(p);
        assertEquals(1, h.executor.cache().size(), "only the small record entry is cached");
        assertEquals("Blob[bytes=10000, tag=1]", h.rec.inputsOf("2").get("value").toString());
        // the record node is cached (small), the blob is not: changing only the label re-runs the blob
        Harness.Run run = h.run(p.replace("]}}}", "], \"label\": \"x\"}}}"));
        assertEquals(List.of("1", "2"), run.ran());
    }

    @Test
    void zeroBudgetDisablesCachingButValuesStillFlow() {
        Harness h = new Harness(tmp, 0);
        Harness.Run first = h.run(GRAPH);
        Harness.Run second = h.run(GRAPH);
        assertEquals(List.of("1", "2", "3", "4", "5"), second.ran());
        assertEquals(List.of(), second.cached());
        assertEquals(first.result().outputs(), second.result().outputs());
        assertEquals(List.of("3"), second.result().outputs().get("3").get("values"));
        assertEquals(0, h.executor.cache().size());
        assertEquals(0, h.executor.cache().usedBytes());
    }

    @Test
    void aConsumerMutatingItsInputCannotCorruptTheCacheOrItsSiblings() {
        Harness h = new Harness(tmp);
        // the mutating consumer comes first in prompt order, so it runs before its sibling
        String p = """
                {"1": {"class_type": "Floats", "inputs": {"n": 4, "fill": 1.5}},
                 "2": {"class_type": "Mutate", "inputs": {"values": ["1", 0]}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}},
                 "4": {"class_type": "SumFloats", "inputs": {"values": ["1", 0]}}}""";
        Harness.Run run = h.run(p);
        assertTrue(run.ran().indexOf("2") < run.ran().indexOf("4"), run.ran().toString());
        assertEquals(List.of("6.0"), run.result().outputs().get("3").get("values"));
        assertEquals(List.of(6.0), run.result().outputs().get("4").get("sum"), "the sibling saw the original values");
        // a later prompt reusing the cached float[] sees it unharmed
        Harness.Run later = h.run("""
                {"1": {"class_type": "Floats", "inputs": {"n": 4, "fill": 1.5}},
                 "2": {"class_type": "Mutate", "inputs": {"values": ["1", 0]}},
                 "4": {"class_type": "SumFloats", "inputs": {"values": ["1", 0], "label": "again"}},
                 "5": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        assertEquals(List.of("4", "5"), later.ran());
        assertEquals(List.of(6.0), later.result().outputs().get("4").get("sum"));
        assertEquals(List.of(Arrays.toString(new float[]{1.5f, 1.5f, 1.5f, 1.5f})), later.result().outputs().get("5").get("values"));
    }

    @Test
    void interruptedRunKeepsWhatCompleted() throws Exception {
        Harness h = new Harness(tmp);
        h.registry.register(new Node() {
            final NodeSchema s = NodeSchema.builder("Stop")
                    .required(InputSpec.socket("x", "*")).output("*").build();
            @Override public NodeSchema schema() { return s; }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) {
                h.executor.interrupt();
                ctx.checkInterrupted();
                return NodeOutput.of(in.get("x"));
            }
        });
        String p = """
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "Stop", "inputs": {"x": ["1", 0]}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}}}""";
        Harness.Run run = h.run(p);
        assertTrue(run.result().interrupted());
        assertEquals(List.of("1"), run.result().executed());
        Harness.Run again = h.run(p.replace("\"Stop\"", "\"Slow\"").replace("\"x\": [\"1\", 0]", "\"value\": [\"1\", 0], \"steps\": 1"));
        assertTrue(again.result().success());
        assertEquals(List.of("2", "3"), again.ran());
        assertEquals(List.of("1"), again.cached());
    }
}
