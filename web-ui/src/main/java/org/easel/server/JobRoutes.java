package org.easel.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easel.engine.Json;
import org.easel.server.Replies.Reply;

/**
 * ComfyUI's jobs API over the queue and the stored history: {@code GET /api/jobs} (filter, sort, page),
 * {@code GET /api/jobs/{id}}, {@code POST /api/jobs/{id}/cancel} and {@code POST /api/jobs/cancel}.
 * Statuses: pending, in_progress, completed, failed (an interrupted prompt counts as failed).
 */
final class JobRoutes {
    static final Set<String> STATUSES = Set.of("pending", "in_progress", "completed", "failed");
    private static final TypeReference<LinkedHashMap<String, Object>> ITEM = new TypeReference<>() {};

    private final PromptQueue queue;
    private final PromptWorker worker;
    private final Replies replies;

    JobRoutes(PromptQueue queue, PromptWorker worker, Replies replies) {
        this.queue = queue;
        this.worker = worker;
        this.replies = replies;
    }

    void mount(Router r, Handler<RoutingContext> body) {
        r.get("/api/jobs").handler(this::list);
        r.get("/api/jobs/:id").handler(ctx -> {
            String id = ctx.pathParam("id");
            replies.blocking(ctx, () -> {
                Map<String, Object> job = find(id, true);
                if (job == null) throw HttpError.of(404, "Job not found");
                return Reply.json(job);
            });
        });
        r.post("/api/jobs/cancel").handler(body).handler(ctx -> replies.blocking(ctx, () -> {
            JsonNode b = Replies.objectBody(ctx);
            JsonNode ids = b == null ? null : b.get("job_ids");
            if (ids == null || !ids.isArray()) throw HttpError.of(400, "job_ids must be a list of job ids");
            List<String> valid = new ArrayList<>(), invalid = new ArrayList<>();
            for (JsonNode x : ids) {
                if (x.isTextual() && PromptRequest.UUID_RE.matcher(x.asText()).matches()) valid.add(x.asText());
                else invalid.add(x.asText());
            }
            if (!invalid.isEmpty()) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("error", "invalid job ids");
                err.put("invalid_ids", invalid);
                throw new HttpError(400, err);
            }
            boolean any = false;
            for (String id : valid) any |= cancel(id);
            return Reply.json(Map.of("cancelled", any));
        }));
        r.post("/api/jobs/:id/cancel").handler(body).handler(ctx -> {
            String id = ctx.pathParam("id");
            replies.blocking(ctx, () -> Reply.json(Map.of("cancelled", cancel(id))));
        });
    }

    private boolean cancel(String id) throws Exception {
        if (queue.isRunning(id)) {
            worker.interrupt(id);
            return true;
        }
        return queue.change(false, List.of(id)) > 0;
    }

    private void list(RoutingContext ctx) {
        String statusParam = ctx.request().getParam("status");
        String sortBy = ctx.request().getParam("sort_by", "created_at");
        String order = ctx.request().getParam("sort_order", "desc");
        String wf = ctx.request().getParam("workflow_id");
        Long limit = Replies.intParam(ctx, "limit");
        Long offset = Replies.intParam(ctx, "offset");
        replies.blocking(ctx, () -> {
            Set<String> wanted = STATUSES;
            if (statusParam != null && !statusParam.isBlank()) {
                wanted = Set.of(statusParam.split(","));
                for (String s : wanted) if (!STATUSES.contains(s)) throw HttpError.of(400, "invalid status: " + s);
            }
            if (!sortBy.equals("created_at") && !sortBy.equals("execution_duration")) {
                throw HttpError.of(400, "sort_by must be created_at or execution_duration");
            }
            if (!order.equals("asc") && !order.equals("desc")) throw HttpError.of(400, "sort_order must be asc or desc");
            if (limit != null && limit <= 0) throw HttpError.of(400, "limit must be a positive integer");
            long off = offset == null ? 0 : Math.max(0, offset);
            List<Map<String, Object>> jobs = new ArrayList<>();
            for (Map<String, Object> j : all()) {
                if (wanted.contains(String.valueOf(j.get("status"))) && (wf == null || wf.equals(j.get("workflow_id")))) jobs.add(j);
            }
            Comparator<Map<String, Object>> c = sortBy.equals("created_at")
                    ? Comparator.comparingLong(j -> number(j.get("create_time")))
                    : Comparator.comparingLong(j -> number(j.get("execution_end_time")) - number(j.get("execution_start_time")));
            jobs.sort(order.equals("desc") ? c.reversed() : c);
            int total = jobs.size();
            int from = (int) Math.min(off, total);
            int to = limit == null ? total : (int) Math.min(total, from + limit);
            Map<String, Object> pag = new LinkedHashMap<>();
            pag.put("offset", off);
            pag.put("limit", limit);
            pag.put("total", total);
            pag.put("has_more", to < total);
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("jobs", jobs.subList(from, to));
            res.put("pagination", pag);
            return Reply.json(res);
        });
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    /** Queued and running jobs, then those in history. */
    private List<Map<String, Object>> all() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (QueueItem it : queue.snapshot()) out.add(queued(it, false));
        for (Map.Entry<String, String> e : queue.store().history(0, -1).entrySet()) out.add(finished(e.getKey(), Json.parse(e.getValue()), false));
        return out;
    }

    private Map<String, Object> find(String id, boolean full) throws Exception {
        for (QueueItem it : queue.snapshot()) if (it.promptId.equals(id)) return queued(it, full);
        String e = queue.store().historyEntry(id);
        return e == null ? null : finished(id, Json.parse(e), full);
    }

    private Map<String, Object> queued(QueueItem it, boolean full) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", it.promptId);
        j.put("status", queue.isRunning(it.promptId) ? "in_progress" : "pending");
        j.put("priority", it.number);
        ObjectNode extra = it.extraData();
        j.put("create_time", extra.path("create_time").asLong(it.createdAt));
        putWorkflowId(j, extra);
        if (full) j.put("workflow", Map.of("prompt", it.prompt(), "extra_data", extra));
        return j;
    }

    private static void putWorkflowId(Map<String, Object> j, JsonNode extra) {
        JsonNode wid = extra.at("/extra_pnginfo/workflow/id");
        if (wid.isTextual()) j.put("workflow_id", wid.asText());
    }

    private static Map<String, Object> finished(String id, JsonNode entry, boolean full) {
        JsonNode tuple = entry.get("prompt");
        JsonNode extra = tuple != null && tuple.size() > 3 ? tuple.get(3) : Json.MAPPER.createObjectNode();
        JsonNode status = entry.path("status");
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", id);
        j.put("status", "success".equals(status.path("status_str").asText()) ? "completed" : "failed");
        if (tuple != null && tuple.size() > 0) j.put("priority", tuple.get(0));
        j.put("create_time", extra.path("create_time").asLong(0));
        for (JsonNode m : status.path("messages")) {
            String type = m.path(0).asText();
            long t = m.path(1).path("timestamp").asLong(0);
            if (type.equals("execution_start")) j.put("execution_start_time", t);
            if (type.equals("execution_success") || type.equals("execution_error") || type.equals("execution_interrupted")) {
                j.put("execution_end_time", t);
            }
            if (type.equals("execution_error")) j.put("execution_error", m.get(1));
        }
        int count = 0;
        Map<String, Object> preview = null;
        var nodes = entry.path("outputs").fields();
        while (nodes.hasNext()) {
            var node = nodes.next();
            var kinds = node.getValue().fields();
            while (kinds.hasNext()) {
                var kind = kinds.next();
                if (!kind.getValue().isArray()) continue;
                for (JsonNode item : kind.getValue()) {
                    count++;
                    if (item.isObject() && item.has("filename") && (preview == null
                            || !"output".equals(preview.get("type")) && "output".equals(item.path("type").asText()))) {
                        preview = Json.MAPPER.convertValue(item, ITEM);
                        preview.put("nodeId", node.getKey());
                        preview.put("mediaType", kind.getKey());
                    }
                }
            }
        }
        j.put("outputs_count", count);
        if (preview != null) j.put("preview_output", preview);
        putWorkflowId(j, extra);
        if (full) {
            j.put("outputs", entry.path("outputs"));
            j.put("execution_status", status);
            j.put("workflow", Map.of("prompt", tuple != null && tuple.size() > 2 ? tuple.get(2) : Json.MAPPER.createObjectNode(),
                    "extra_data", extra));
        }
        return j;
    }
}
