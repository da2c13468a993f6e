package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.ExecutionListener;
import org.easel.engine.exec.ExecutionResult;
import org.easel.engine.exec.Executor;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptFormatException;
import org.easel.engine.validation.ValidationResult;
import org.easel.engine.validation.Validator;

/**
 * The prompt queue and its single worker thread, ComfyUI's {@code PromptQueue} + {@code prompt_worker}:
 * a min-heap on {@code number} (ties in submission order), mirrored in the {@link Store} so that every
 * accepted prompt survives a crash. One prompt executes at a time; the executor (and its output cache)
 * lives as long as the server.
 */
final class PromptService {
    static final Pattern UUID_RE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Set<String> SENSITIVE = Set.of("auth_token_comfy_org", "api_key_comfy_org");

    private final NodeRegistry registry;
    private final Environment env;
    private final Store store;
    private final ClientHub hub;
    private final Executor executor;
    private final int maxHistory;
    private final PrintStream log;
    private final Runnable unloadModels;

    private final Object lock = new Object();
    private final PriorityQueue<QueueItem> heap = new PriorityQueue<>();
    private final Set<String> ids = new HashSet<>();
    private QueueItem running;
    private long counter;
    private long seq;
    private boolean stopped;
    private boolean freeMemory;
    private boolean unload;
    private Thread worker;
    private volatile int remaining;

    // what the running prompt is doing, for a client that reconnects mid-run
    private volatile String runningClient;
    private final OperatorLog operator;
    private volatile String runningNode;

    PromptService(NodeRegistry registry, Environment env, Store store, ClientHub hub, Executor executor,
                  int maxHistory, PrintStream log, Runnable unloadModels) {
        this.registry = registry;
        this.env = env;
        this.store = store;
        this.hub = hub;
        this.executor = executor;
        this.maxHistory = maxHistory;
        this.log = log;
        this.unloadModels = unloadModels;
        this.operator = new OperatorLog(log, env);
    }

    // ---- start-up ------------------------------------------------------------------------------

    /** Marks prompts that were running when the process died as interrupted; re-queues pending ones. */
    void recoverAndStart() throws Exception {
        Store.Recovered r = store.recover();
        long now = System.currentTimeMillis();
        for (QueueItem it : r.running()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("prompt_id", it.promptId);
            d.put("node_id", null);
            d.put("node_type", null);
            d.put("executed", List.of());
            d.put("timestamp", now);
            d.put("reason", "The server stopped while this prompt was running.");
            List<List<Object>> messages = List.of(List.of("execution_interrupted", d));
            store.complete(it.promptId, "error", it.createdAt, it.createdAt, now,
                    entry(it, Map.of(), "error", false, messages), maxHistory);
            if (log != null) log.println("Prompt " + it.promptId + " was running when the server stopped: marked interrupted.");
        }
        double maxNumber = -1;
        synchronized (lock) {
            seq = store.maxSeq();
            for (QueueItem it : r.pending()) {
                heap.add(it);
                ids.add(it.promptId);
                maxNumber = Math.max(maxNumber, it.numberValue());
            }
            counted();
            counter = (long) Math.floor(maxNumber) + 1;
        }
        if (log != null && !r.pending().isEmpty()) log.println("Re-queued " + r.pending().size() + " pending prompt(s).");
        worker = new Thread(this::loop, "easel-prompt-worker");
        worker.setDaemon(true);
        worker.start();
    }

    void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
        executor.interrupt();
        if (worker != null) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- submission ------------------------------------------------------------------------------

    /** {@code POST /prompt}: validates, commits to the database, queues. Blocking. */
    Map<String, Object> submit(JsonNode body) throws Exception {
        if (body == null || !body.isObject()) {
            throw HttpError.prompt("invalid_request", "The request body must be a JSON object", "");
        }
        JsonNode pid = body.get("prompt_id");
        String promptId;
        if (pid == null || pid.isNull()) {
            promptId = UUID.randomUUID().toString();
        } else if (pid.isTextual() && UUID_RE.matcher(pid.asText()).matches()) {
            promptId = pid.asText();
        } else {
            throw HttpError.prompt("invalid_prompt_id", "prompt_id must be a valid UUID", "prompt_id must be a valid UUID");
        }
        JsonNode pj = body.get("prompt");
        if (pj == null || pj.isNull()) throw HttpError.prompt("no_prompt", "No prompt provided", "No prompt provided");
        Prompt prompt;
        try {
            prompt = Prompt.of(pj);
        } catch (PromptFormatException e) {
            throw HttpError.prompt("invalid_prompt", "Invalid prompt: " + e.getMessage(), e.getMessage());
        }
        List<String> targets = null;
        JsonNode pt = body.get("partial_execution_targets");
        if (pt != null && !pt.isNull()) {
            if (!pt.isArray()) throw HttpError.prompt("invalid_request", "partial_execution_targets must be a list of node ids", "");
            targets = new ArrayList<>();
            for (JsonNode t : pt) {
                if (!t.isTextual() && !t.isNumber()) throw HttpError.prompt("invalid_request", "partial_execution_targets must be a list of node ids", "");
                targets.add(t.asText());
            }
        }
        JsonNode clientId = body.get("client_id");
        if (clientId != null && !clientId.isNull() && !clientId.isTextual()) {
            throw HttpError.prompt("invalid_request", "client_id must be a string", "");
        }
        JsonNode ed = body.get("extra_data");
        if (ed != null && !ed.isNull() && !ed.isObject()) throw HttpError.prompt("invalid_request", "extra_data must be an object", "");
        JsonNode num = body.get("number");
        if (num != null && !num.isNull() && !num.isNumber()) throw HttpError.prompt("invalid_request", "number must be a number", "");
        JsonNode front = body.get("front");
        if (front != null && !front.isNull() && !front.isBoolean()) throw HttpError.prompt("invalid_request", "front must be a boolean", "");

        ValidationResult v = new Validator(registry, env).validate(prompt, targets);
        if (!v.ok()) throw new HttpError(400, v.errorJson());

        ObjectNode extra = ed != null && ed.isObject() ? ((ObjectNode) ed).deepCopy() : Json.MAPPER.createObjectNode();
        ObjectNode sensitive = Json.MAPPER.createObjectNode();
        for (String k : SENSITIVE) {
            if (extra.has(k)) sensitive.set(k, extra.remove(k));
        }
        if (clientId != null && !clientId.isNull()) extra.put("client_id", clientId.asText());
        long now = System.currentTimeMillis();
        extra.put("create_time", now);

        QueueItem item;
        synchronized (lock) {
            if (stopped) throw HttpError.of(503, "The server is shutting down");
            if (ids.contains(promptId) || store.known(promptId)) {
                throw HttpError.prompt("duplicate_prompt_id", "prompt_id is already in use", promptId);
            }
            JsonNode number;
            if (num != null && num.isNumber()) {
                number = DoubleNode.valueOf(num.asDouble());
            } else {
                number = LongNode.valueOf(front != null && front.asBoolean() ? -counter : counter);
                counter++;
            }
            item = new QueueItem(promptId, ++seq, number, (ObjectNode) pj, extra, v.outputs(), now, sensitive);
            item.parsed = prompt;
            item.validation = v;
            store.insertPending(item);       // committed before we answer
            heap.add(item);
            ids.add(promptId);
            counted();
            lock.notifyAll();
        }
        broadcastStatus();
        operator.queued(promptId, prompt.size(), remaining());
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("prompt_id", promptId);
        res.put("number", item.number);
        res.put("node_errors", v.nodeErrorsJson());
        return res;
    }

    // ---- queue views and changes -------------------------------------------------------------------

    /** Pending + running; lock-free so the event loop may ask. */
    int remaining() {
        return remaining;
    }

    /** Call with {@code lock} held after any change of the heap or the running item. */
    private void counted() {
        remaining = heap.size() + (running != null ? 1 : 0);
    }

    Map<String, Object> statusData() {
        return Map.of("status", Map.of("exec_info", Map.of("queue_remaining", remaining())));
    }

    void broadcastStatus() {
        hub.broadcast("status", statusData());
    }

    /** {@code GET /queue}. */
    ObjectNode queueJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode run = o.putArray("queue_running");
        ArrayNode pend = o.putArray("queue_pending");
        synchronized (lock) {
            if (running != null) run.add(running.tuple());
            List<QueueItem> items = new ArrayList<>(heap);
            items.sort(null);
            for (QueueItem it : items) pend.add(it.tuple());
        }
        return o;
    }

    /** {@code POST /queue}: clears and/or deletes pending prompts (never the running one). Blocking. */
    void changeQueue(boolean clear, Collection<String> delete) throws Exception {
        List<String> removed = new ArrayList<>();
        synchronized (lock) {
            for (QueueItem it : new ArrayList<>(heap)) {
                if (clear || delete.contains(it.promptId)) {
                    heap.remove(it);
                    ids.remove(it.promptId);
                    removed.add(it.promptId);
                }
            }
            counted();
            store.deleteQueued(removed);
        }
        if (!removed.isEmpty() || clear) broadcastStatus();
    }

    /** {@code POST /interrupt}: all, or only the given prompt if it is the one running. */
    void interrupt(String promptId) {
        if (promptId == null) {
            executor.interrupt();
        } else if (!executor.interrupt(promptId) && log != null) {
            log.println("Interrupt ignored: prompt " + promptId + " is not running.");
        }
    }

    /** {@code POST /free}: handled by the worker between prompts. */
    void free(boolean unloadModels, boolean freeMemory) {
        synchronized (lock) {
            this.unload |= unloadModels;
            this.freeMemory |= freeMemory;
            lock.notifyAll();
        }
    }

    /** For a client that (re)connects while its prompt runs: the node it is at, or null. */
    String currentNodeFor(String clientId) {
        String c = runningClient;
        return c != null && c.equals(clientId) ? runningNode : null;
    }

    // ---- the worker --------------------------------------------------------------------------------

    private void loop() {
        while (true) {
            QueueItem it;
            boolean doUnload, doFree;
            synchronized (lock) {
                while (!stopped && heap.isEmpty() && !unload && !freeMemory) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) return;
                doUnload = unload;
                doFree = freeMemory;
                unload = freeMemory = false;
                it = doUnload || doFree ? null : heap.poll();
                running = it;
                counted();
            }
            if (doUnload || doFree) {
                try {
                    if (doUnload && unloadModels != null) unloadModels.run();
                    if (doFree) executor.cache().clear();
                } catch (Throwable e) {
                    if (log != null) log.println("free: " + e);
                }
                continue;
            }
            try {
                run(it);
            } catch (Throwable t) {
                if (log != null) log.println("Prompt " + it.promptId + " failed in the server: " + t);
            } finally {
                synchronized (lock) {
                    running = null;
                    ids.remove(it.promptId);
                    counted();
                }
            }
        }
    }

    private void run(QueueItem it) throws Exception {
        long started = System.currentTimeMillis();
        operator.started(it.promptId);
        store.markRunning(it.promptId, started);
        broadcastStatus();
        String clientId = it.extraData.hasNonNull("client_id") ? it.extraData.get("client_id").asText() : null;
        ObjectNode extra = it.extraData.deepCopy();
        if (it.sensitive != null) extra.setAll(it.sensitive);
        String previewMethod = extra.path("preview_method").asText("");

        ExecutionResult result;
        Prompt prompt = it.parsed;
        ValidationResult v = it.validation;
        String failure = null;
        if (prompt == null || v == null) {   // recovered after a restart: validate again
            try {
                prompt = Prompt.of(it.prompt);
                v = new Validator(registry, env).validate(prompt, it.outputs);
                if (!v.ok()) failure = String.join("\n", v.describe());
            } catch (Exception e) {
                failure = e.getMessage();
            }
        }
        if (failure != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("prompt_id", it.promptId);
            d.put("node_id", null);
            d.put("node_type", null);
            d.put("executed", List.of());
            d.put("exception_message", "The prompt is no longer valid: " + failure);
            d.put("exception_type", "ValidationError");
            d.put("traceback", List.of());
            d.put("current_inputs", Map.of());
            d.put("current_outputs", List.of());
            d.put("timestamp", System.currentTimeMillis());
            hub.send(clientId, "execution_error", d);
            result = new ExecutionResult(false, false, Map.of(), List.of(List.of("execution_error", d)), List.of(), List.of(), d);
        } else {
            runningClient = clientId;
            runningNode = null;
            try {
                result = executor.execute(prompt, v, it.promptId, extra, new Listener(it.promptId, clientId, previewMethod));
            } finally {
                runningClient = null;
                runningNode = null;
            }
        }
        long finished = System.currentTimeMillis();
        operator.ended(it.promptId, result, finished - started);
        String entry = entry(it, result.outputs(), result.statusStr(), result.success(), result.messages());
        store.complete(it.promptId, result.statusStr(), it.createdAt, started, finished, entry, maxHistory);
        synchronized (lock) {
            running = null;
            ids.remove(it.promptId);
            counted();
        }
        broadcastStatus();
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("node", null);
        done.put("prompt_id", it.promptId);
        hub.send(clientId, "executing", done);
    }

    /** ComfyUI's HistoryEntry JSON. */
    static String entry(QueueItem it, Map<String, ? extends Map<String, Object>> outputs, String statusStr, boolean completed,
                        List<List<Object>> messages) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status_str", statusStr);
        status.put("completed", completed);
        status.put("messages", messages);
        Map<String, Object> meta = new LinkedHashMap<>();
        for (String id : outputs.keySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node_id", id);
            m.put("display_node", id);
            m.put("parent_node", null);
            m.put("real_node_id", id);
            meta.put(id, m);
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("prompt", it.tuple());
        e.put("outputs", outputs);
        e.put("status", status);
        e.put("meta", meta);
        return Json.write(e);
    }

    /** Forwards the executor's events to the prompt's client (interrupts to everyone when there is none). */
    private final class Listener implements ExecutionListener {
        final String promptId;
        final String clientId;
        final String previewMethod;

        Listener(String promptId, String clientId, String previewMethod) {
            this.promptId = promptId;
            this.clientId = clientId;
            this.previewMethod = previewMethod;
        }

        @Override
        public void onEvent(String type, Map<String, Object> data) {
            if ("executing".equals(type) && data.get("node") != null) runningNode = String.valueOf(data.get("node"));
            if (clientId != null) {
                hub.send(clientId, type, data);
            } else if ("execution_interrupted".equals(type)) {
                hub.broadcast(type, data);
            }
        }

        @Override
        public boolean wantsPreviews() {
            return clientId != null && hub.connected(clientId) && !"none".equals(previewMethod);
        }

        @Override
        public void onPreview(String pid, String nodeId, byte[] encoded, String mimeType) {
            ClientHub.Client c = hub.get(clientId);
            if (c == null || encoded == null) return;
            boolean png = mimeType != null && mimeType.toLowerCase().contains("png");
            Buffer b = Buffer.buffer(encoded.length + 256);
            if (c.supports("supports_preview_metadata")) {
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("node_id", nodeId);
                meta.put("prompt_id", pid);
                meta.put("display_node_id", nodeId);
                meta.put("parent_node_id", null);
                meta.put("real_node_id", nodeId);
                meta.put("image_type", png ? "image/png" : "image/jpeg");
                byte[] mj = Json.write(meta).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                b.appendInt(4).appendInt(mj.length).appendBytes(mj);
            } else {
                b.appendInt(1).appendInt(png ? 2 : 1);
            }
            b.appendBytes(encoded);
            c.sendBinary(b);
        }
    }
}
