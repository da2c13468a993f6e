package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.Easel;
import org.easel.Validation;
import org.easel.engine.Json;
import org.easel.server.Replies.Reply;

/** {@code /prompt}, {@code /queue}, {@code /interrupt}, {@code /history}, {@code /free}. */
final class QueueRoutes {
    private final Easel easel;
    private final PromptQueue queue;
    private final PromptWorker worker;
    private final Replies replies;

    QueueRoutes(Easel easel, PromptQueue queue, PromptWorker worker, Replies replies) {
        this.easel = easel;
        this.queue = queue;
        this.worker = worker;
        this.replies = replies;
    }

    void mount(Router r, String p, Handler<RoutingContext> body) {
        r.get(p + "/prompt").handler(ctx -> Replies.json(ctx, 200, Map.of("exec_info", Map.of("queue_remaining", queue.remaining()))));
        r.post(p + "/prompt").handler(body).handler(this::postPrompt);
        r.get(p + "/queue").handler(ctx -> replies.blocking(ctx, () -> Reply.json(200, Json.write(queue.json()))));
        r.post(p + "/queue").handler(body).handler(this::postQueue);
        r.post(p + "/interrupt").handler(body).handler(this::postInterrupt);
        r.get(p + "/history").handler(this::getHistory);
        r.get(p + "/history/:id").handler(this::getHistoryEntry);
        r.post(p + "/history").handler(body).handler(this::postHistory);
        r.post(p + "/free").handler(body).handler(this::postFree);
    }

    /** The {@code status} message's data. */
    static Map<String, Object> statusData(int remaining) {
        return Map.of("status", Map.of("exec_info", Map.of("queue_remaining", remaining)));
    }

    private void postPrompt(RoutingContext ctx) {
        replies.async(ctx, () -> {
            JsonNode b;
            try {
                b = Replies.body(ctx);
            } catch (HttpError e) {
                throw HttpError.prompt("invalid_json", "Invalid JSON body", String.valueOf(((Map<?, ?>) e.body).get("error")));
            }
            PromptRequest req = PromptRequest.parse(b);
            Validation v = easel.validate(req.promptJson(), null, req.targets());
            if (v.result() == null) {
                String why = v.problems().isEmpty() ? "" : v.problems().get(0).message();
                throw HttpError.prompt("invalid_prompt", "Invalid prompt: " + why, why);
            }
            if (!v.runnable()) throw new HttpError(400, v.result().errorJson());
            Object nodeErrors = v.result().nodeErrorsJson();
            return queue.add(req, v).thenApply(item -> {        // once committed: on the committing thread
                queue.announce(item);
                Map<String, Object> res = new LinkedHashMap<>();
                res.put("prompt_id", item.promptId);
                res.put("number", item.number);
                res.put("node_errors", nodeErrors);
                return Reply.json(res);
            });
        });
    }

    private void postQueue(RoutingContext ctx) {
        replies.blocking(ctx, () -> {
            JsonNode b = Replies.objectBody(ctx);
            if (b != null) queue.change(Replies.flag(b, "clear"), Replies.idList(b, "delete"));
            return Reply.empty();
        });
    }

    private void postInterrupt(RoutingContext ctx) {
        replies.blocking(ctx, () -> {
            JsonNode b = Replies.objectBody(ctx);
            String pid = null;
            if (b != null && b.hasNonNull("prompt_id")) {
                if (!b.get("prompt_id").isTextual()) throw HttpError.of(400, "prompt_id must be a string");
                pid = b.get("prompt_id").asText();
            }
            worker.interrupt(pid);
            return Reply.empty();
        });
    }

    private void getHistory(RoutingContext ctx) {
        Long maxItems = Replies.intParam(ctx, "max_items");
        Long offset = Replies.intParam(ctx, "offset");
        Store store = queue.store();
        replies.blocking(ctx, () -> {
            long off = offset == null || offset < 0 ? -1 : offset;
            long limit = -1;
            if (maxItems != null) {
                if (maxItems <= 0) return Reply.json(200, "{}");
                limit = maxItems;
                if (off < 0) off = Math.max(0, store.historySize() - maxItems);
            }
            return Reply.json(200, historyJson(store.history(Math.max(0, off), limit)));
        });
    }

    static String historyJson(Map<String, String> entries) {
        StringBuilder sb = new StringBuilder("{");
        entries.forEach((id, e) -> {
            if (sb.length() > 1) sb.append(',');
            sb.append(Json.write(id)).append(':').append(e);
        });
        return sb.append('}').toString();
    }

    private void getHistoryEntry(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        replies.blocking(ctx, () -> {
            String e = queue.store().historyEntry(id);
            return Reply.json(200, e == null ? "{}" : historyJson(Map.of(id, e)));
        });
    }

    private void postHistory(RoutingContext ctx) {
        replies.blocking(ctx, () -> {
            JsonNode b = Replies.objectBody(ctx);
            if (b != null) {
                boolean clear = Replies.flag(b, "clear");
                List<String> del = Replies.idList(b, "delete");
                if (clear) queue.store().clearHistory();
                queue.store().deleteHistory(del);
            }
            return Reply.empty();
        });
    }

    private void postFree(RoutingContext ctx) {
        replies.blocking(ctx, () -> {
            JsonNode b = Replies.objectBody(ctx);
            if (b != null) queue.free(Replies.flag(b, "unload_models"), Replies.flag(b, "free_memory"));
            return Reply.empty();
        });
    }
}
