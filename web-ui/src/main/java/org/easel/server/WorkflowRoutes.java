package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.easel.engine.NodeRegistry;
import org.easel.engine.workflow.UiWorkflow;
import org.easel.engine.workflow.WorkflowException;
import org.easel.engine.workflow.WorkflowFiles;

/**
 * The workflow converter for the editor, so the browser carries no second implementation:
 * <ul>
 * <li>{@code POST /workflow/to-prompt}: editor workflow JSON → {@code {"prompt": API prompt}};</li>
 * <li>{@code POST /workflow/to-workflow}: API prompt JSON → {@code {"workflow": editor workflow}};</li>
 * <li>{@code POST /workflow/read}: the bytes of a dropped file (PNG, editor JSON or API JSON) →
 * {@code {"workflow": …|null, "prompt": …|null}}, each made by conversion when the file lacks it (an editor
 * workflow that cannot be converted still comes back, with {@code "prompt": null}, so it can be opened and fixed).</li>
 * </ul>
 * Any content type is accepted. A body that cannot be read or converted gets ComfyUI's 400 shape,
 * {@code {"error": {"type": "invalid_workflow", "message", "details", "extra_info"}, "node_errors": {}}}, naming the
 * node and field.
 */
final class WorkflowRoutes {
    private final WorkflowFiles files;

    WorkflowRoutes(NodeRegistry registry) {
        this.files = new WorkflowFiles(registry);
    }

    /** Adds the routes under {@code prefix} ("" or "/api"); {@code body} ({@link JsonBody}) reads request bodies. */
    void mount(Router r, String prefix, Handler<RoutingContext> body) {
        r.post(prefix + "/workflow/to-prompt").handler(body).handler(ctx -> reply(ctx, () -> {
            WorkflowFiles.Loaded l = load(ctx, "the workflow");
            return Map.of("prompt", l.prompt());
        }));
        r.post(prefix + "/workflow/to-workflow").handler(body).handler(ctx -> reply(ctx, () -> {
            WorkflowFiles.Loaded l = load(ctx, "the prompt");
            return Map.of("workflow", l.workflow().json());
        }));
        r.post(prefix + "/workflow/read").handler(body).handler(ctx -> reply(ctx, () -> read(load(ctx, "the file"))));
    }

    private static Map<String, Object> read(WorkflowFiles.Loaded l) throws WorkflowException {
        Map<String, Object> out = new LinkedHashMap<>();
        UiWorkflow workflow = l.workflow();
        JsonNode prompt;
        try {
            prompt = l.prompt();
        } catch (WorkflowException e) {
            if (!l.hasWorkflow()) throw e;
            prompt = null;                      // the editor can still open it and show what is wrong
        }
        out.put("workflow", workflow.json());
        out.put("prompt", prompt);
        return out;
    }

    private WorkflowFiles.Loaded load(RoutingContext ctx, String name) throws WorkflowException {
        Buffer b = JsonBody.of(ctx);
        if (b == null || b.length() == 0) throw new WorkflowException(name + " is empty: send the file as the request body");
        return files.read(b.getBytes(), name);
    }

    private interface Work {
        Object call() throws WorkflowException;
    }

    private static void reply(RoutingContext ctx, Work work) {
        Callable<Object> task = () -> {
            try {
                return work.call();
            } catch (WorkflowException e) {
                return e;
            }
        };
        ctx.vertx().executeBlocking(task, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result() instanceof WorkflowException e) {
                HttpError err = HttpError.prompt("invalid_workflow", e.getMessage(), details(e));
                Replies.json(ctx, err.status, err.body);
            } else {
                Replies.json(ctx, 200, ar.result());
            }
        });
    }

    /** "Node ID '#3', field 'model'" when the problem is in a node, else the field or the message. */
    private static String details(WorkflowException e) {
        if (e.nodeId() != null) return "Node ID '#" + e.nodeId() + "'" + (e.field() == null ? "" : ", field '" + e.field() + "'");
        return e.field() != null ? "field '" + e.field() + "'" : e.getMessage();
    }
}
