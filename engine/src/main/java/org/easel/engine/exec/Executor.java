package org.easel.engine.exec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.easel.engine.Environment;
import org.easel.engine.ExecutionInterruptedException;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeException;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.Overrides;
import org.easel.engine.prompt.Link;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.validation.ResolvedNode;
import org.easel.engine.validation.ValidationResult;

/**
 * Runs validated prompts, one at a time: computes every needed node's cache key, finds the nodes whose
 * outputs are not cached, runs them in the order of the prompt's dependency graph ({@code PromptGraph}),
 * and reports each step as ComfyUI-shaped events. The output cache persists across prompts. A failing node stops the prompt with
 * an {@code execution_error}; the executor stays usable.
 */
public final class Executor {
    private final Environment env;
    private final OutputCache cache;
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final Signatures signatures = new Signatures();
    private volatile String runningPromptId;

    public Executor(Environment env, OutputCache cache) {
        this.env = env;
        this.cache = cache;
    }

    public OutputCache cache() { return cache; }
    public Environment env() { return env; }

    /** Interrupts the running prompt at its next check (between nodes, or at a node's next progress step). */
    public void interrupt() {
        interrupted.set(true);
    }

    /** Interrupts only if {@code promptId} is the one running. */
    public boolean interrupt(String promptId) {
        if (promptId != null && promptId.equals(runningPromptId)) {
            interrupted.set(true);
            return true;
        }
        return false;
    }

    public String runningPromptId() { return runningPromptId; }

    public synchronized ExecutionResult execute(Prompt prompt, ValidationResult validation, String promptId,
                                                JsonNode extraData, ExecutionListener listener) {
        if (!validation.ok()) throw new IllegalArgumentException("prompt did not pass validation");
        interrupted.set(false);
        runningPromptId = promptId;
        try {
            return new Run(prompt, validation, promptId, extraData, listener).run();
        } finally {
            runningPromptId = null;
        }
    }

    /** The state of one prompt's execution. */
    private final class Run implements NodeContext {
        final Prompt prompt;
        final ValidationResult validation;
        final String promptId;
        final JsonNode extraPngInfo;
        final ExecutionListener listener;
        final List<List<Object>> messages = new ArrayList<>();
        final Map<String, Map<String, Object>> outputs = new LinkedHashMap<>();
        final List<String> executed = new ArrayList<>();
        final Map<String, List<Object>> values = new HashMap<>();
        String currentNode;

        Run(Prompt prompt, ValidationResult validation, String promptId, JsonNode extraData, ExecutionListener listener) {
            this.prompt = prompt;
            this.validation = validation;
            this.promptId = promptId;
            JsonNode png = extraData == null ? null : extraData.get("extra_pnginfo");
            this.extraPngInfo = png == null || png.isNull() ? null : png;
            this.listener = listener == null ? ExecutionListener.NONE : listener;
        }

        ExecutionResult run() {
            message("execution_start", data("timestamp", System.currentTimeMillis()));
            Map<String, ResolvedNode> nodes = validation.resolved();
            Iterable<String> order = nodes.keySet();          // validation lists sources first

            // cache keys, sources first
            Map<String, CacheKey> keys = new HashMap<>(nodes.size() * 2);
            for (String id : order) {
                ResolvedNode r = nodes.get(id);
                keys.put(id, keyOf(r, keys));
            }
            // which nodes must run: walk from the outputs, stopping at cache hits
            Map<String, OutputCache.Entry> hits = new HashMap<>();
            Set<String> toRun = new HashSet<>();
            Deque<String> stack = new ArrayDeque<>(validation.outputs());
            Set<String> seen = new HashSet<>();
            while (!stack.isEmpty()) {
                String id = stack.pop();
                if (!seen.add(id)) continue;
                OutputCache.Entry e = cache.get(keys.get(id));
                if (e != null) {
                    hits.put(id, e);
                    continue;
                }
                toRun.add(id);
                for (Object v : nodes.get(id).inputs().values()) if (v instanceof Link l) stack.push(l.nodeId());
            }
            Set<String> present = cache.present(keys);
            List<String> cachedIds = new ArrayList<>();
            for (String id : prompt.nodes().keySet()) {
                if (hits.containsKey(id) || (!toRun.contains(id) && present.contains(id))) cachedIds.add(id);
            }
            hits.forEach((id, e) -> values.put(id, e.outputs()));
            message("execution_cached", data("nodes", cachedIds, "timestamp", System.currentTimeMillis()));

            // cached output nodes replay their UI
            for (String o : validation.outputs()) {
                OutputCache.Entry e = hits.get(o);
                if (e != null) {
                    if (e.ui() != null) outputs.put(o, e.ui());
                    listener.onEvent("executed", data("node", o, "display_node", o, "output", e.ui()));
                }
            }

            for (String id : validation.graph().order(toRun)) {
                currentNode = id;
                ResolvedNode r = nodes.get(id);
                try {
                    checkInterrupted();
                    listener.onEvent("executing", data("node", id, "display_node", id));
                    NodeOutput out = r.node().execute(this, inputsOf(r));
                    List<Object> vals = freeze(r, out);
                    values.put(id, vals);
                    cache.put(keys.get(id), vals, out.ui());
                    executed.add(id);
                    if (out.ui() != null) {
                        outputs.put(id, out.ui());
                        listener.onEvent("executed", data("node", id, "display_node", id, "output", out.ui()));
                    }
                } catch (ExecutionInterruptedException e) {
                    Map<String, Object> d = data("node_id", id, "node_type", r.classType(), "executed", List.copyOf(executed),
                            "timestamp", System.currentTimeMillis());
                    message("execution_interrupted", d);
                    return new ExecutionResult(false, true, outputs, messages, executed, cachedIds, d);
                } catch (Throwable e) {
                    if (e instanceof VirtualMachineError vme && !(e instanceof OutOfMemoryError)) throw vme;
                    Map<String, Object> d = errorData(r, e);
                    message("execution_error", d);
                    return new ExecutionResult(false, false, outputs, messages, executed, cachedIds, d);
                }
            }
            currentNode = null;
            message("execution_success", data("timestamp", System.currentTimeMillis()));
            return new ExecutionResult(true, false, outputs, messages, executed, cachedIds, null);
        }

        CacheKey keyOf(ResolvedNode r, Map<String, CacheKey> keys) {
            NodeSchema schema = r.node().schema();
            Object fp = null;
            boolean always = false;
            JsonNode override = r.source().isChangedOverride();
            if (override != null) {
                fp = override;
            } else if (Overrides.fingerprint(r.node())) {
                try {
                    Map<String, Object> literals = new LinkedHashMap<>();
                    r.inputs().forEach((k, v) -> { if (!(v instanceof Link)) literals.put(k, v); });
                    fp = r.node().fingerprint(new NodeInputs(r.id(), r.classType(), literals), env);
                    always = fp == Node.ALWAYS_CHANGED;
                } catch (Exception e) {
                    always = true;     // like ComfyUI's NaN: unknown state → always re-run
                }
            }
            boolean withId = schema.isNotIdempotent() || schema.hidden().containsValue("UNIQUE_ID");
            return signatures.key(r.classType(), fp, always, withId ? r.id() : null, r.inputs(), keys);
        }

        NodeInputs inputsOf(ResolvedNode r) {
            Map<String, Object> in = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : r.inputs().entrySet()) {
                Object v = e.getValue();
                if (v instanceof Link l) {
                    List<Object> src = values.get(l.nodeId());
                    v = thaw(src.get(l.index()));
                }
                in.put(e.getKey(), v);
            }
            for (Map.Entry<String, String> h : r.node().schema().hidden().entrySet()) {
                switch (h.getValue()) {
                    case "PROMPT" -> in.put(h.getKey(), prompt.json());
                    case "EXTRA_PNGINFO" -> in.put(h.getKey(), extraPngInfo);
                    case "UNIQUE_ID" -> in.put(h.getKey(), r.id());
                    default -> { }
                }
            }
            return new NodeInputs(r.id(), r.classType(), in);
        }

        List<Object> freeze(ResolvedNode r, NodeOutput out) {
            int declared = r.node().schema().outputs().size();
            if (out.values().size() != declared) {
                throw new NodeException(r.id(), r.classType(), null, r.classType() + " returned " + out.values().size()
                        + " values but declares " + declared + " outputs");
            }
            List<Object> vals = new ArrayList<>(declared);
            for (Object v : out.values()) vals.add(copyIfMutable(v));
            return Collections.unmodifiableList(vals);
        }

        Map<String, Object> errorData(ResolvedNode r, Throwable e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof OutOfMemoryError) msg = "Out of memory: " + msg + ". Try a smaller image or batch, or a larger -Xmx.";
            boolean expected = e instanceof NodeException || e instanceof IllegalArgumentException
                    || e instanceof IOException || e instanceof IllegalStateException;
            List<String> trace = new ArrayList<>();
            if (!expected) {
                StackTraceElement[] st = e.getStackTrace();
                for (int i = 0; i < Math.min(12, st.length); i++) trace.add("  at " + st[i]);
            }
            Map<String, Object> current = new LinkedHashMap<>();
            r.inputs().forEach((k, v) -> current.put(k, List.of(v instanceof Link ? String.valueOf(v) : String.valueOf(v))));
            return data("node_id", r.id(), "node_type", r.classType(), "executed", List.copyOf(executed),
                    "exception_message", msg, "exception_type", e.getClass().getName(), "traceback", trace,
                    "current_inputs", current, "current_outputs", new ArrayList<>(values.keySet()),
                    "timestamp", System.currentTimeMillis());
        }

        void message(String type, Map<String, Object> d) {
            messages.add(List.of(type, d));
            listener.onEvent(type, d);
        }

        Map<String, Object> data(Object... kv) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
            m.put("prompt_id", promptId);
            return m;
        }

        // ---- NodeContext ---------------------------------------------------------------------
        @Override public String promptId() { return promptId; }
        @Override public String nodeId() { return currentNode; }
        @Override public Environment env() { return env; }
        @Override public JsonNode prompt() { return prompt.json(); }
        @Override public JsonNode extraPngInfo() { return extraPngInfo; }

        @Override
        public void progress(long value, long max) {
            checkInterrupted();
            listener.onEvent("progress", data("value", value, "max", max, "node", currentNode));
        }

        @Override
        public void preview(byte[] encoded, String mimeType) {
            listener.onPreview(promptId, currentNode, encoded, mimeType);
        }

        @Override
        public boolean wantsPreviews() { return listener.wantsPreviews(); }

        @Override
        public void checkInterrupted() {
            if (interrupted.get()) throw new ExecutionInterruptedException();
        }
    }

    /** Arrays are copied on the way in and out of the cache; everything else must be immutable. */
    static Object copyIfMutable(Object v) {
        if (v instanceof float[] a) return a.clone();
        if (v instanceof double[] a) return a.clone();
        if (v instanceof int[] a) return a.clone();
        if (v instanceof long[] a) return a.clone();
        if (v instanceof byte[] a) return a.clone();
        if (v instanceof List<?> l) return Collections.unmodifiableList(new ArrayList<>(l));
        if (v instanceof Map<?, ?> m) return Collections.unmodifiableMap(new LinkedHashMap<>(m));
        return v;
    }

    private static Object thaw(Object v) {
        return v != null && v.getClass().isArray() ? copyIfMutable(v) : v;
    }
}
