package org.easel.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.Easel;
import org.easel.Validation;
import org.easel.engine.exec.ExecutionListener;
import org.easel.engine.exec.ExecutionResult;

/**
 * ComfyUI's {@code prompt_worker}: one thread that takes prompts from the {@link PromptQueue} and runs them
 * one at a time through {@link Easel}, forwards the events to the prompt's client, and records each result in
 * history. The {@code Easel} (its output cache and model sessions) lives as long as the server.
 */
final class PromptWorker {
    private final Easel easel;
    private final PromptQueue queue;
    private final ClientHub hub;
    private final PrintStream log;
    private final Runnable onChange;
    private final String defaultPreviewMethod;
    private Thread thread;

    // what the running prompt is doing, for a client that reconnects mid-run
    private final OperatorLog operator;
    private volatile String runningClient;
    private volatile String runningNode;

    PromptWorker(Easel easel, PromptQueue queue, ClientHub hub, PrintStream log, Runnable onChange, String defaultPreviewMethod) {
        this.easel = easel;
        this.queue = queue;
        this.hub = hub;
        this.log = log;
        this.onChange = onChange;
        this.defaultPreviewMethod = defaultPreviewMethod;
        this.operator = new OperatorLog(log, easel.environment());
    }

    void start() {
        thread = new Thread(this::loop, "easel-prompt-worker");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        queue.stop();
        easel.interrupt();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code POST /interrupt}: all, or only the given prompt if it is the one running. */
    void interrupt(String promptId) {
        if (promptId == null) {
            easel.interrupt();
        } else if (!easel.interrupt(promptId) && log != null) {
            log.println("Interrupt ignored: prompt " + promptId + " is not running.");
        }
    }

    /** For a client that (re)connects while its prompt runs: the node it is at, or null. */
    String currentNodeFor(String clientId) {
        String c = runningClient;
        return c != null && c.equals(clientId) ? runningNode : null;
    }

    private void loop() {
        while (true) {
            PromptQueue.Work w;
            try {
                w = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (w == null) return;
            if (w.item() == null) {
                try {
                    easel.free(w.unloadModels(), w.freeMemory());
                } catch (Throwable e) {
                    if (log != null) log.println("free: " + e);
                }
                continue;
            }
            QueueItem it = w.item();
            try {
                run(it);
            } catch (Throwable t) {
                if (log != null) log.println("Prompt " + it.promptId + " failed in the server: " + t);
            } finally {
                queue.finished(it);
            }
        }
    }

    private void run(QueueItem it) throws Exception {
        Store store = queue.store();
        long started = System.currentTimeMillis();
        store.markRunning(it.promptId, started);
        operator.started(it.promptId);
        onChange.run();
        ObjectNode extra = it.extraData();
        String clientId = extra.hasNonNull("client_id") ? extra.get("client_id").asText() : null;
        if (it.sensitive != null) extra.setAll(it.sensitive);

        ExecutionResult result;
        Validation v = it.validation;
        String failure = null;
        if (v == null) {                     // recovered after a restart, or queued far back: validate again
            v = easel.validate(it.prompt(), null, it.outputs);
            if (!v.runnable()) failure = String.join("\n", v.describe());
        }
        if (failure != null) {
            Map<String, Object> d = HistoryEntries.promptError(it.promptId, "ValidationError", "The prompt is no longer valid: " + failure);
            hub.send(clientId, "execution_error", d);
            result = new ExecutionResult(false, false, Map.of(), List.of(List.of("execution_error", d)), List.of(), List.of(), d);
        } else {
            runningClient = clientId;
            runningNode = null;
            try {
                result = easel.run(v, it.promptId, extra, new Listener(clientId, previewsWanted(extra))).execution();
            } finally {
                runningClient = null;
                runningNode = null;
            }
        }
        long finished = System.currentTimeMillis();
        operator.ended(it.promptId, result, finished - started);
        String entry = HistoryEntries.entry(it.tuple(), result.outputs(), result.statusStr(), result.success(), result.messages());
        store.complete(it.promptId, result.statusStr(), it.createdAt, started, finished, entry, queue.maxHistory());
        queue.finished(it);
        onChange.run();
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("node", null);
        done.put("prompt_id", it.promptId);
        hub.send(clientId, "executing", done);
    }

    /** ComfyUI's rule: the prompt's {@code extra_data.preview_method} unless absent or "default", else the server's. */
    boolean previewsWanted(ObjectNode extra) {
        String m = extra.path("preview_method").asText("");
        if (m.isEmpty() || m.equals("default")) m = defaultPreviewMethod;
        return !m.equals("none");
    }

    /** Forwards the executor's events to the prompt's client (interrupts to everyone when there is none). */
    private final class Listener implements ExecutionListener {
        final String clientId;
        final boolean previews;

        Listener(String clientId, boolean previews) {
            this.clientId = clientId;
            this.previews = previews;
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
            return previews && clientId != null && hub.connected(clientId);
        }

        @Override
        public void onPreview(String pid, String nodeId, byte[] encoded, String mimeType) {
            hub.sendPreview(clientId, pid, nodeId, encoded, mimeType);
        }
    }
}
