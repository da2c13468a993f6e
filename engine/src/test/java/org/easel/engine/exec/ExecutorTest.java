package org.easel.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.easel.engine.Harness;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.engine.testnodes.TestNodes;
import org.easel.engine.validation.ValidationResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorTest {
    @TempDir Path tmp;
    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness(tmp);
    }

    static final String SUM = """
            {"1": {"class_type": "TestInt", "inputs": {"value": 2}},
             "2": {"class_type": "TestInt", "inputs": {"value": 3}},
             "3": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": ["2", 0]}},
             "4": {"class_type": "Record", "inputs": {"value": ["3", 0], "label": "sum"}},
             "5": {"class_type": "TestInt", "inputs": {"value": 99}}}""";

    @Test
    void valuesFlowAndOnlyNeededNodesRun() {
        Harness.Run run = h.run(SUM);
        ExecutionResult r = run.result();
        assertTrue(r.success());
        assertFalse(r.interrupted());
        assertEquals("success", r.statusStr());
        assertNull(r.error());
        assertNull(r.errorMessage());
        assertEquals(List.of("1", "2", "3", "4"), run.ran(), "the unconnected node 5 never runs");
        assertEquals(run.ran(), r.executed());
        assertEquals(Map.of("4", Map.of("values", List.of("5"), "label", List.of("sum"))), r.outputs());
        assertEquals(2, h.rec.count("TestInt"));
    }

    @Test
    void secondOutputOfATwoOutputNode() {
        h.run("""
                {"1": {"class_type": "Pair", "inputs": {"value": 7}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 1]}},
                 "3": {"class_type": "Record", "inputs": {"value": ["1", 0]}}}""");
        assertEquals("#7", h.rec.inputsOf("2").get("value"));
        assertEquals(7L, h.rec.inputsOf("3").get("value"));
    }

    @Test
    void sourcesRunBeforeConsumersWhateverThePromptOrder() {
        Harness.Run run = h.run("""
                {"9": {"class_type": "Record", "inputs": {"value": ["8", 0]}},
                 "8": {"class_type": "Concat", "inputs": {"a": ["7", 0], "b": ["6", 0], "sep": "-"}},
                 "7": {"class_type": "Pick", "inputs": {"choice": "blue"}},
                 "6": {"class_type": "Pick", "inputs": {"choice": "red"}}}""");
        List<String> ran = run.ran();
        assertEquals(4, ran.size());
        assertTrue(ran.indexOf("7") < ran.indexOf("8") && ran.indexOf("6") < ran.indexOf("8"), ran.toString());
        assertTrue(ran.indexOf("8") < ran.indexOf("9"), ran.toString());
        assertEquals(Map.of("values", List.of("blue-red"), "label", List.of("")), run.result().outputs().get("9"));
    }

    @Test
    void partialTargetsRunOnlyTheirBranch() {
        String p = """
                {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 0]}},
                 "3": {"class_type": "TestInt", "inputs": {"value": 2}},
                 "4": {"class_type": "Record", "inputs": {"value": ["3", 0]}}}""";
        Harness.Run run = h.run(p, List.of("2"));
        assertEquals(List.of("1", "2"), run.ran());
        assertEquals(Set.of("2"), run.result().outputs().keySet());
        Harness.Run other = h.run(p, List.of("4"));
        assertEquals(List.of("3", "4"), other.ran());
    }

    @Test
    void nonTargetedOutputNodeStillRunsAsADependency() {
        Harness.Run run = h.run("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 3}},
                 "2": {"class_type": "OutPass", "inputs": {"value": ["1", 0], "factor": 2}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}},
                 "4": {"class_type": "Record", "inputs": {"value": ["1", 0], "label": "not a target"}}}""", List.of("3"));
        assertEquals(List.of("1", "2", "3"), run.ran());
        assertEquals(6L, h.rec.inputsOf("3").get("value"));
    }

    // ---- events ------------------------------------------------------------------------------

    @Test
    void eventOrderAndPromptIds() {
        Harness.Run run = h.run(SUM);
        Harness.Events ev = run.events();
        assertEquals(List.of("execution_start", "execution_cached", "executing", "executing", "executing", "executing",
                "executed", "execution_success"), ev.types());
        for (Harness.Events.Event e : ev.list) {
            assertEquals(run.promptId(), e.data().get("prompt_id"), e.type());
        }
        assertNotNull(ev.first("execution_start").data().get("timestamp"));
        assertNotNull(ev.first("execution_success").data().get("timestamp"));
        assertEquals(List.of(), ev.first("execution_cached").data().get("nodes"));
        List<Object> executing = ev.of("executing").stream().map(e -> e.data().get("node")).toList();
        assertEquals(List.of("1", "2", "3", "4"), executing);
        for (Harness.Events.Event e : ev.of("executing")) assertEquals(e.data().get("node"), e.data().get("display_node"));
        Map<String, Object> executed = ev.first("executed").data();
        assertEquals("4", executed.get("node"));
        assertEquals("4", executed.get("display_node"));
        assertEquals(Map.of("values", List.of("5"), "label", List.of("sum")), executed.get("output"));
        // the history's status messages are the prompt-level ones, as [type, data] pairs
        List<Object> msgTypes = run.result().messages().stream().map(m -> m.get(0)).toList();
        assertEquals(List.of("execution_start", "execution_cached", "execution_success"), msgTypes);
    }

    @Test
    void progressEventsCarryValueMaxAndNode() {
        Harness.Run run = h.run("""
                {"1": {"class_type": "TestInt", "inputs": {"value": 4}},
                 "7": {"class_type": "Slow", "inputs": {"steps": 3, "value": ["1", 0]}},
                 "8": {"class_type": "Record", "inputs": {"value": ["7", 0]}}}""");
        List<Harness.Events.Event> progress = run.events().of("progress");
        assertEquals(3, progress.size());
        for (int i = 0; i < 3; i++) {
            Map<String, Object> d = progress.get(i).data();
            assertEquals((long) i + 1, d.get("value"));
            assertEquals(3L, d.get("max"));
            assertEquals("7", d.get("node"));
            assertEquals(run.promptId(), d.get("prompt_id"));
        }
        // progress comes between the slow node's executing event and the next node's
        assertEquals(List.of("execution_start", "execution_cached", "executing", "executing", "progress", "progress",
                "progress", "executing", "executed", "execution_success"), run.events().types());
        assertEquals("7", run.events().of("executing").get(1).data().get("node"));
        assertEquals(4L, h.rec.inputsOf("8").get("value"));
    }

    @Test
    void nodeContextKnowsPromptIdNodeIdAndHiddenInputs() {
        AtomicReference<String> seen = new AtomicReference<>();
        h.registry.register(new Node() {
            final NodeSchema s = NodeSchema.builder("Meta").outputNode().required(InputSpec.string("x", ""))
                    .hidden("prompt", "PROMPT").hidden("png", "EXTRA_PNGINFO").hidden("id", "UNIQUE_ID").build();
            @Override public NodeSchema schema() { return s; }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) {
                JsonNode prompt = (JsonNode) in.get("prompt");
                JsonNode png = (JsonNode) in.get("png");
                seen.set(ctx.promptId() + "|" + ctx.nodeId() + "|" + in.get("id") + "|"
                        + prompt.get("5").get("class_type").asText() + "|" + png.get("workflow").get("v").asInt()
                        + "|" + ctx.extraPngInfo().get("workflow").get("v").asInt() + "|" + ctx.prompt().size()
                        + "|" + (ctx.env() == h.env) + "|" + ctx.wantsPreviews());
                return NodeOutput.of();
            }
        });
        Prompt p = Harness.prompt("{\"5\": {\"class_type\": \"Meta\", \"inputs\": {\"x\": \"y\"}}}");
        ValidationResult v = h.validator.validate(p);
        ExecutionResult r = h.executor.execute(p, v, "pid-1", Harness.tree(Map.of("extra_pnginfo", Map.of("workflow", Map.of("v", 3)))),
                null);
        assertTrue(r.success());
        assertEquals("pid-1|5|5|Meta|3|3|1|true|false", seen.get());
    }

    @Test
    void executingAnInvalidPromptIsRefused() {
        Prompt p = Harness.prompt("{\"1\": {\"class_type\": \"Record\", \"inputs\": {}}}");
        ValidationResult v = h.validator.validate(p);
        assertThrows(IllegalArgumentException.class, () -> h.executor.execute(p, v, "x", null, null));
    }

    // ---- failures ----------------------------------------------------------------------------

    static final String FAILING = """
            {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
             "2": {"class_type": "Fail", "inputs": {"message": "kaputt", "value": ["1", 0]}},
             "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}},
             "4": {"class_type": "TestInt", "inputs": {"value": 5}},
             "5": {"class_type": "Record", "inputs": {"value": ["4", 0]}}}""";

    @Test
    void nodeFailureStopsThePrompt() {
        Harness.Run run = h.run(FAILING);
        ExecutionResult r = run.result();
        assertFalse(r.success());
        assertFalse(r.interrupted());
        assertEquals("error", r.statusStr());
        assertEquals(List.of("1", "2"), run.ran(), "nothing runs after the failing node");
        assertEquals(List.of("1"), r.executed());
        Map<String, Object> d = run.events().first("execution_error").data();
        assertEquals(run.promptId(), d.get("prompt_id"));
        assertEquals("2", d.get("node_id"));
        assertEquals("Fail", d.get("node_type"));
        assertEquals(List.of("1"), d.get("executed"));
        assertEquals("kaputt", d.get("exception_message"));
        assertEquals(RuntimeException.class.getName(), d.get("exception_type"));
        assertFalse(((List<?>) d.get("traceback")).isEmpty(), "an unexpected exception keeps a traceback");
        assertTrue(d.containsKey("current_inputs") && d.containsKey("current_outputs") && d.containsKey("timestamp"));
        assertEquals(List.of("kaputt"), ((Map<?, ?>) d.get("current_inputs")).get("message"));
        assertEquals(d, r.error());
        assertEquals("node #2 (Fail): kaputt", r.errorMessage());
        assertFalse(run.events().types().contains("execution_success"));
        assertEquals("execution_error", run.result().messages().get(run.result().messages().size() - 1).get(0));
        assertTrue(r.outputs().isEmpty());
    }

    @Test
    void engineStaysUsableAfterAFailure() {
        h.run(FAILING);
        Harness.Run ok = h.run(SUM);
        assertTrue(ok.result().success());
        assertEquals(List.of("1", "2", "3", "4"), ok.ran());
        // nodes that completed before the failure were cached: only the failing node runs again
        Harness.Run again = h.run(FAILING);
        assertEquals(List.of("2"), again.ran());
        assertTrue(again.cached().contains("1"));
    }

    @Test
    void wrongNumberOfOutputsIsAClearError() {
        Harness.Run run = h.run("""
                {"1": {"class_type": "WrongArity", "inputs": {"value": 1}},
                 "2": {"class_type": "Record", "inputs": {"value": ["1", 1]}}}""");
        assertFalse(run.result().success());
        Map<String, Object> d = run.result().error();
        assertEquals("1", d.get("node_id"));
        assertEquals("WrongArity", d.get("node_type"));
        assertEquals("WrongArity returned 1 values but declares 2 outputs", d.get("exception_message"));
        assertEquals(List.of(), d.get("traceback"), "a NodeException is a user-facing error: no traceback");
        assertEquals(List.of("1"), run.ran());
        assertEquals(0, h.executor.cache().size(), "a bad result is not cached");
    }

    @Test
    void nullMessageFallsBackToTheExceptionName() {
        h.registry.register(new Node() {
            final NodeSchema s = NodeSchema.builder("Npe").outputNode().build();
            @Override public NodeSchema schema() { return s; }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) {
                throw new UnsupportedOperationException();
            }
        });
        Harness.Run run = h.run("{\"1\": {\"class_type\": \"Npe\", \"inputs\": {}}}");
        assertEquals("UnsupportedOperationException", run.result().error().get("exception_message"));
    }

    // ---- interrupt ---------------------------------------------------------------------------

    static final String SLOW = """
            {"1": {"class_type": "TestInt", "inputs": {"value": 1}},
             "2": {"class_type": "Slow", "inputs": {"steps": 100000, "value": ["1", 0]}},
             "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}}}""";

    TestNodes.Slow slowNode() {
        return (TestNodes.Slow) h.registry.get("Slow");
    }

    @Test
    void interruptFromAnotherThread() throws Exception {
        TestNodes.Slow slow = slowNode();
        slow.started = new CountDownLatch(1);
        CompletableFuture<Harness.Run> f = CompletableFuture.supplyAsync(() -> h.run(SLOW));
        assertTrue(slow.started.await(10, TimeUnit.SECONDS), "slow node started");
        assertFalse(h.executor.interrupt("some-other-prompt"), "interrupting another prompt id does nothing");
        String running = h.executor.runningPromptId();
        assertNotNull(running);
        assertTrue(h.executor.interrupt(running));
        Harness.Run run = f.get(10, TimeUnit.SECONDS);
        ExecutionResult r = run.result();
        assertFalse(r.success());
        assertTrue(r.interrupted());
        assertEquals("error", r.statusStr());
        assertEquals(List.of("1", "2"), run.ran(), "the record node after the slow one never ran");
        Map<String, Object> d = run.events().first("execution_interrupted").data();
        assertEquals(run.promptId(), d.get("prompt_id"));
        assertEquals("2", d.get("node_id"));
        assertEquals("Slow", d.get("node_type"));
        assertEquals(List.of("1"), d.get("executed"));
        assertFalse(run.events().types().contains("execution_success"));
        assertFalse(run.events().types().contains("execution_error"));
        assertEquals("Interrupted at node #2 (Slow)", r.errorMessage());
        assertTrue(run.events().of("progress").size() >= 1);
        assertNull(h.executor.runningPromptId());

        // the flag is reset: the next prompt runs normally, reusing the completed node
        slow.started = new CountDownLatch(1);
        Harness.Run next = h.run(SLOW.replace("100000", "3"));
        assertTrue(next.result().success(), () -> String.valueOf(next.result().error()));
        assertEquals(List.of("2", "3"), next.ran());
        assertTrue(next.cached().contains("1"));
    }

    @Test
    void plainInterruptAndBetweenNodeCheck() throws Exception {
        // a node that interrupts the executor and then finishes normally: the next node must not start
        h.registry.register(new Node() {
            final NodeSchema s = NodeSchema.builder("Stopper").required(InputSpec.integer("v", 0, 0, 10)).output(Types.INT).build();
            @Override public NodeSchema schema() { return s; }
            @Override public NodeOutput execute(NodeContext ctx, NodeInputs in) {
                h.executor.interrupt();
                return NodeOutput.of(in.getLong("v"));
            }
        });
        Harness.Run run = h.run("""
                {"1": {"class_type": "Stopper", "inputs": {"v": 1}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 1}},
                 "3": {"class_type": "Record", "inputs": {"value": ["2", 0]}}}""");
        assertTrue(run.result().interrupted());
        assertEquals(List.of(), run.ran());
        assertEquals(List.of("1"), run.result().executed());
        assertEquals("2", run.result().error().get("node_id"));
        assertEquals(List.of("execution_start", "execution_cached", "executing", "execution_interrupted"), run.events().types());
    }

    @Test
    void anInterruptBeforeAPromptStartsIsForgotten() {
        h.executor.interrupt();
        Harness.Run run = h.run(SUM);
        assertTrue(run.result().success());
        assertEquals(4, run.ran().size());
    }

    // ---- scale -------------------------------------------------------------------------------

    @Test
    void longChainWithoutStackOverflow() throws Throwable {
        int n = 3000;
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.putObject("0").put("class_type", "TestInt").putObject("inputs").put("value", 1);
        for (int i = 1; i <= n; i++) {
            ObjectNode in = p.putObject(String.valueOf(i)).put("class_type", "Add").putObject("inputs");
            in.putArray("a").add(String.valueOf(i - 1)).add(0);
            in.put("b", 1);
        }
        p.putObject("out").put("class_type", "Record").putObject("inputs").putArray("value").add(String.valueOf(n)).add(0);
        String json = p.toString();

        List<Harness.Run> runs = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // a deliberately small stack: recursion over the chain would overflow it
        Thread t = new Thread(null, () -> {
            try {
                runs.add(h.run(json));
                runs.add(h.run(json));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join(60_000);
        assertFalse(t.isAlive(), "finished in time");
        if (failure.get() != null) throw failure.get();
        Harness.Run first = runs.get(0);
        assertTrue(first.result().success());
        assertEquals(n + 2, first.ran().size());
        assertEquals(List.of(String.valueOf(n + 1)), first.result().outputs().get("out").get("values"));
        Harness.Run second = runs.get(1);
        assertEquals(List.of(), second.ran());
        assertEquals(n + 2, second.cached().size());

        // a cycle closing the chain is found without recursion either
        ObjectNode cyc = p.deepCopy();
        ((ObjectNode) cyc.get("0")).put("class_type", "Add").putObject("inputs").put("b", 1).putArray("a").add(String.valueOf(n)).add(0);
        AtomicReference<ValidationResult> vr = new AtomicReference<>();
        Thread t2 = new Thread(null, () -> {
            try {
                vr.set(h.validator.validate(Prompt.of(cyc)));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack-2", 256 * 1024);
        t2.start();
        t2.join(60_000);
        if (failure.get() != null) throw failure.get();
        assertFalse(vr.get().ok());
        assertEquals(n + 1, vr.get().nodeErrors().size());
        String details = vr.get().nodeErrors().get("0").errors().get(0).details();
        assertTrue(details.startsWith("0 (Add) -> 1 (Add) -> 2 (Add)") && details.endsWith(n + " (Add) -> 0 (Add)"),
                details.substring(0, 60));
    }
}
