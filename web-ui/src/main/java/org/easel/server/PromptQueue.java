package org.easel.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.easel.engine.Json;
import org.easel.Validation;

/**
 * The prompt queue, ComfyUI's {@code PromptQueue}: a min-heap on {@code number} (ties in submission order),
 * mirrored in the {@link Store} so that every accepted prompt survives a crash, plus the requests to free
 * memory that the worker handles between prompts. The lock is held only for in-memory changes; the
 * database commit of a submission happens outside it (grouped with concurrent ones).
 */
final class PromptQueue {
    /** What the worker is to do next: run {@code item}, or free memory / unload models. */
    record Work(QueueItem item, boolean unloadModels, boolean freeMemory) {}

    /** Queue length up to which a new item keeps its {@link Validation}. */
    private static final int KEEP_VALIDATED = 16;

    private final Store store;
    private final int maxHistory;
    private final PrintStream log;
    private final OperatorLog operator;
    private final Runnable onChange;

    private final Object lock = new Object();
    private final PriorityQueue<QueueItem> heap = new PriorityQueue<>();
    private final Set<String> ids = new HashSet<>();
    private QueueItem running;
    private long counter;
    private long seq;
    private boolean stopped;
    private boolean freeMemory;
    private boolean unload;
    private volatile int remaining;

    PromptQueue(Store store, int maxHistory, PrintStream log, Runnable onChange) {
        this.store = store;
        this.maxHistory = maxHistory;
        this.log = log;
        this.operator = new OperatorLog(log, null);
        this.onChange = onChange;
    }

    Store store() { return store; }
    int maxHistory() { return maxHistory; }

    // ---- start-up ------------------------------------------------------------------------------

    /**
     * Marks prompts that were running when the process died as interrupted, records unreadable rows as
     * errors in history, and re-queues pending ones.
     */
    void recover() throws Exception {
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
                    HistoryEntries.entry(it.tuple(), Map.of(), "error", false, messages), maxHistory);
            if (log != null) log.println("Prompt " + it.promptId + " was running when the server stopped: marked interrupted.");
        }
        for (Map.Entry<String, String> bad : r.unreadable().entrySet()) {
            String id = bad.getKey();
            Map<String, Object> d = HistoryEntries.promptError(id, "QueueRecoveryError",
                    "Prompt " + id + " could not be read back from the queue at start-up (" + bad.getValue() + "); it was not run.");
            ArrayNode tuple = Json.MAPPER.createArrayNode().add(0).add(id);
            tuple.addObject();
            tuple.addObject();
            tuple.addArray();
            store.complete(id, "error", now, now, now,
                    HistoryEntries.entry(tuple, Map.of(), "error", false, List.of(List.of("execution_error", d))), maxHistory);
            if (log != null) log.println("Prompt " + id + " in the queue could not be read (" + bad.getValue() + "): recorded as an error.");
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
    }

    void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    // ---- submission ------------------------------------------------------------------------------

    /**
     * Queues a validated request. Blocking only for the duplicate check of a client-given id; the future
     * completes once the row is committed (grouped with concurrent submissions) and the item is in the heap,
     * or fails with an {@link HttpError} or the database's exception (and the id is free again).
     */
    CompletableFuture<QueueItem> add(PromptRequest r, Validation v) throws Exception {
        QueueItem item;
        synchronized (lock) {
            if (stopped) throw HttpError.of(503, "The server is shutting down");
            if (ids.contains(r.promptId())) throw HttpError.prompt("duplicate_prompt_id", "prompt_id is already in use", r.promptId());
            JsonNode number;
            if (r.number() != null) {
                number = DoubleNode.valueOf(r.number().asDouble());
            } else {
                number = LongNode.valueOf(r.front() ? -counter : counter);
                counter++;
            }
            item = new QueueItem(r.promptId(), ++seq, number, r.promptJson(), r.extra(), v.outputs(),
                    r.extra().path("create_time").asLong(), r.sensitive());
            // the parsed, validated graph is kept only near the head of the queue; a long queue holds just the
            // JSON text (a tenth of the memory, nothing for every young GC to copy) and the worker validates
            // again when it takes the item
            if (heap.size() < KEEP_VALIDATED) item.validation = v;
            ids.add(r.promptId());             // reserved while it is committed
        }
        CompletableFuture<Void> committed;
        try {
            // a server-made id is a fresh random UUID: only a client's own can clash with history
            if (r.clientGiven() && store.known(r.promptId())) {
                throw HttpError.prompt("duplicate_prompt_id", "prompt_id is already in use", r.promptId());
            }
            committed = store.insertPending(item);
        } catch (Exception e) {
            release(item);
            throw e;
        }
        return committed.handle((ok, e) -> {
            if (e != null) {
                release(item);
                throw e instanceof CompletionException ce ? ce : new CompletionException(e);
            }
            synchronized (lock) {
                heap.add(item);
                counted();
                lock.notifyAll();
            }
            return item;
        });
    }

    private void release(QueueItem item) {
        synchronized (lock) {
            ids.remove(item.promptId);
        }
    }

    /** After {@link #add}: the operator's line and the clients' status. */
    void announce(QueueItem item) {
        operator.queued(item.promptId, item.nodeCount, remaining);
        onChange.run();
    }

    // ---- views and changes -------------------------------------------------------------------------

    /** Pending + running; lock-free so the event loop may ask. */
    int remaining() {
        return remaining;
    }

    /** Call with {@code lock} held after any change of the heap or the running item. */
    private void counted() {
        remaining = heap.size() + (running != null ? 1 : 0);
    }

    /** {@code GET /queue}. */
    ObjectNode json() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode run = o.putArray("queue_running");
        ArrayNode pend = o.putArray("queue_pending");
        List<QueueItem> items;
        synchronized (lock) {
            if (running != null) run.add(running.tuple());
            items = new ArrayList<>(heap);
        }
        items.sort(null);
        for (QueueItem it : items) pend.add(it.tuple());
        return o;
    }

    /** Running first, then pending in order: a snapshot for the jobs list. */
    List<QueueItem> snapshot() {
        List<QueueItem> items;
        QueueItem r;
        synchronized (lock) {
            r = running;
            items = new ArrayList<>(heap);
        }
        items.sort(null);
        if (r != null) items.add(0, r);
        return items;
    }

    boolean isRunning(String promptId) {
        synchronized (lock) {
            return running != null && running.promptId.equals(promptId);
        }
    }

    /** {@code POST /queue}: clears and/or deletes pending prompts (never the running one); how many went. Blocking. */
    int change(boolean clear, Collection<String> delete) throws Exception {
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
        }
        store.deleteQueued(removed);
        if (!removed.isEmpty() || clear) onChange.run();
        return removed.size();
    }

    /** {@code POST /free}: handled by the worker between prompts. */
    void free(boolean unloadModels, boolean freeMem) {
        synchronized (lock) {
            this.unload |= unloadModels;
            this.freeMemory |= freeMem;
            lock.notifyAll();
        }
    }

    // ---- the worker's side -------------------------------------------------------------------------

    /** Waits for work; null once stopped. The item returned is the running one until {@link #finished}. */
    Work take() throws InterruptedException {
        synchronized (lock) {
            while (!stopped && heap.isEmpty() && !unload && !freeMemory) lock.wait();
            if (stopped) return null;
            if (unload || freeMemory) {
                Work w = new Work(null, unload, freeMemory);
                unload = freeMemory = false;
                return w;
            }
            running = heap.poll();
            counted();
            return new Work(running, false, false);
        }
    }

    void finished(QueueItem it) {
        synchronized (lock) {
            if (running == it) running = null;
            ids.remove(it.promptId);
            counted();
        }
    }
}
