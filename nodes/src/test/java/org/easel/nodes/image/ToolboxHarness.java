package org.easel.nodes.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;
import org.easel.engine.validation.ValidationError;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;
import org.easel.nodes.types.FloatTensor;
import org.easel.engine.prompt.PromptFormatException;

/**
 * Drives nodes through the real engine: the registry of {@code NodeRegistry.load()} plus test-only source
 * nodes (TestImage / TestMask / TestLatent, which output a value put into this harness) and an output node
 * TestCapture that records what it receives. Prompts go through the Validator and the Executor.
 */
public final class ToolboxHarness {
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final Map<String, Object> captured = new ConcurrentHashMap<>();
    public final NodeRegistry registry;
    public final Environment env;
    public final Validator validator;
    public final Executor executor;
    private int counter;

    public ToolboxHarness(Path base) {
        registry = NodeRegistry.load();
        registry.register(new Source("TestImage", Types.IMAGE, values));
        registry.register(new Source("TestMask", Types.MASK, values));
        registry.register(new Source("TestLatent", Types.LATENT, values));
        registry.register(new Capture(captured));
        env = Environment.under(base, "cpu");
        validator = new Validator(registry, env);
        executor = new Executor(env, new OutputCache(64L << 20));
    }

    /** A link to output {@code slot} of node {@code id}. */
    public record Ref(String id, int slot) {}

    public Graph graph() { return new Graph(); }

    /** A prompt under construction. */
    public final class Graph {
        private final Map<String, Object> nodes = new LinkedHashMap<>();
        private final List<String> captureKeys = new ArrayList<>();
        private int next = 1;

        private Ref source(String classType, Object value) {
            String key = "v" + (++counter);
            values.put(key, value);
            return new Ref(add(classType, "key", key), 0);
        }

        public Ref image(FloatTensor t) { return source("TestImage", t); }
        public Ref mask(FloatTensor t) { return source("TestMask", t); }
        public Ref latent(Object l) { return source("TestLatent", l); }

        /** Adds a node; {@code kv} alternates input names and values (literals or {@link Ref}s). Returns its id. */
        public String add(String classType, Object... kv) {
            Map<String, Object> inputs = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) {
                Object v = kv[i + 1];
                inputs.put((String) kv[i], v instanceof Ref r ? List.of(r.id(), r.slot()) : v);
            }
            String id = String.valueOf(next++);
            nodes.put(id, Map.of("class_type", classType, "inputs", inputs));
            return id;
        }

        /** Adds a node and returns a link to its first output. */
        public Ref node(String classType, Object... kv) { return new Ref(add(classType, kv), 0); }

        /** Captures what {@code ref} outputs; returns the capture key. */
        public String capture(Ref ref) {
            String key = "c" + (++counter);
            add("TestCapture", "value", ref, "key", key);
            captureKeys.add(key);
            return key;
        }

        public String json() { return Json.write(nodes); }

        public ValidationResult validate() {
            try {
                return validator.validate(Prompt.parse(json()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        public ExecutionResult execute() {
            try {
                Prompt p = Prompt.parse(json());
                ValidationResult v = validator.validate(p);
                assertTrue(v.ok(), () -> "validation failed: " + Json.write(v.errorJson()) + " " + Json.write(v.nodeErrorsJson()));
                return executor.execute(p, v, "p" + (++counter), null, null);
            } catch (PromptFormatException e) {
                throw new AssertionError(e);
            }
        }

        /** Runs (must succeed) and returns the captured values by capture key. */
        public Map<String, Object> run() {
            ExecutionResult r = execute();
            assertTrue(r.success(), () -> "execution failed: " + r.errorMessage());
            Map<String, Object> out = new LinkedHashMap<>();
            for (String k : captureKeys) out.put(k, captured.get(k));
            return out;
        }

        /** Runs the single capture and returns its value. */
        @SuppressWarnings("unchecked")
        public <T> T runOne(Class<T> type) {
            Map<String, Object> out = run();
            assertEquals(1, out.size());
            Object v = out.values().iterator().next();
            assertNotNull(v);
            assertTrue(type.isInstance(v), () -> "expected " + type.getSimpleName() + ", got " + v);
            return (T) v;
        }

        /** Runs, expecting a node failure; returns the exception message (ComfyUI's {@code exception_message}). */
        public String runFailing(String nodeType) {
            ExecutionResult r = execute();
            assertFalse(r.success(), "execution should have failed");
            assertEquals(nodeType, r.error().get("node_type"));
            assertEquals("org.easel.engine.NodeException", r.error().get("exception_type"), () -> "message: " + r.error().get("exception_message"));
            return (String) r.error().get("exception_message");
        }

        /** Validates, expecting an error about {@code input} of a {@code nodeType} node; returns its type. */
        public String invalid(String nodeType, String input) {
            ValidationResult v = validate();
            assertFalse(v.ok(), "validation should have failed");
            for (ValidationResult.NodeErrors ne : v.nodeErrors().values()) {
                if (!ne.classType().equals(nodeType)) continue;
                for (ValidationError e : ne.errors()) if (input.equals(e.inputName())) return e.type();
            }
            fail("no validation error about " + nodeType + "." + input + ": " + Json.write(v.nodeErrorsJson()));
            return null;
        }
    }

    static final class Source implements Node {
        private final NodeSchema schema;
        private final Map<String, Object> values;

        Source(String name, String type, Map<String, Object> values) {
            this.schema = NodeSchema.builder(name).category("_test").required(InputSpec.string("key", "")).output(type).build();
            this.values = values;
        }

        @Override public NodeSchema schema() { return schema; }

        @Override
        public NodeOutput execute(NodeContext ctx, NodeInputs in) {
            Object v = values.get(in.getString("key"));
            if (v == null) throw new IllegalStateException("no test value " + in.getString("key"));
            return NodeOutput.of(v);
        }
    }

    static final class Capture implements Node {
        private static final NodeSchema SCHEMA = NodeSchema.builder("TestCapture").category("_test")
                .required(InputSpec.socket("value", Types.ANY), InputSpec.string("key", "")).outputNode().build();
        private final Map<String, Object> captured;

        Capture(Map<String, Object> captured) { this.captured = captured; }

        @Override public NodeSchema schema() { return SCHEMA; }

        @Override
        public NodeOutput execute(NodeContext ctx, NodeInputs in) {
            captured.put(in.getString("key"), in.get("value"));
            return NodeOutput.withUi(Map.of("captured", List.of(in.getString("key"))));
        }
    }

    // ---- tensor helpers ------------------------------------------------------------------------

    /** A tensor of the given shape filled with {@code v}. */
    public static FloatTensor filled(float v, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] a = new float[n];
        Arrays.fill(a, v);
        return FloatTensor.wrap(a, shape);
    }

    public static FloatTensor t(float[] data, int... shape) { return FloatTensor.of(data, shape); }

    /** Input order per section, from the registered schema's object_info. */
    @SuppressWarnings("unchecked")
    public Map<String, List<String>> inputOrder(String nodeType) {
        Node n = registry.get(nodeType);
        assertNotNull(n, nodeType + " is not registered");
        return (Map<String, List<String>>) n.schema().toObjectInfo(env).get("input_order");
    }
}
