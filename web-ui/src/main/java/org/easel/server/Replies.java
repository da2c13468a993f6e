package org.easel.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.easel.engine.Json;

/**
 * How the routes answer: JSON and error replies, blocking work moved off the event loop, failures mapped to
 * status codes (never a stack trace), and the small readers of request bodies and parameters.
 */
final class Replies {
    private final WorkerExecutor workers;
    private final WorkerExecutor cpu;
    private final PrintStream log;
    private final long bodyLimit;

    /**
     * {@code workers} for blocking work (files, database reads); {@code cpu}, about one thread per core, for
     * work that only computes (parsing and validating prompts), so that a burst of requests queues here
     * rather than as runnable threads the OS would time-slice into long waits.
     */
    Replies(WorkerExecutor workers, WorkerExecutor cpu, PrintStream log, long bodyLimit) {
        this.workers = workers;
        this.cpu = cpu;
        this.log = log;
        this.bodyLimit = bodyLimit;
    }

    /** A response prepared off the event loop. */
    record Reply(int status, String contentType, Buffer body, Path file, Map<String, String> headers) {
        static Reply json(int status, String json) {
            return new Reply(status, "application/json", Buffer.buffer(json), null, Map.of());
        }

        static Reply json(Object body) {
            return json(200, Json.write(body));
        }

        static Reply empty() {
            return new Reply(200, null, null, null, Map.of());
        }
    }

    /** Runs {@code work} on a worker thread and writes its reply (or the failure) on the request's context. */
    void blocking(RoutingContext ctx, Callable<Reply> work) {
        workers.<Reply>executeBlocking(work, false).onComplete(ar -> finish(ctx, ar));
    }

    /**
     * Runs {@code work} on the compute pool and writes the reply its stage completes with (or the failure), on the
     * request's context: for work that ends waiting on something else (a group commit) without holding a thread.
     */
    void async(RoutingContext ctx, Callable<CompletionStage<Reply>> work) {
        Context c = ctx.vertx().getOrCreateContext();
        cpu.<CompletionStage<Reply>>executeBlocking(work, false)
                .compose(stage -> Future.fromCompletionStage(stage, c))
                .onComplete(ar -> finish(ctx, ar));
    }

    /** Writes the reply, or the failure (unwrapped from a completion stage), unless the client has gone. */
    private void finish(RoutingContext ctx, AsyncResult<Reply> ar) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        if (ar.failed()) {
            Throwable t = ar.cause();
            fail(ctx, t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
            return;
        }
        send(ctx, ar.result());
    }

    void send(RoutingContext ctx, Reply r) {
        HttpServerResponse res = ctx.response().setStatusCode(r.status());
        r.headers().forEach(res::putHeader);
        if (r.contentType() != null) res.putHeader("Content-Type", r.contentType());
        if (r.file() != null) {
            res.sendFile(r.file().toString()).onFailure(e -> {
                if (!res.ended()) fail(ctx, e);
            });
        } else if (r.body() != null) {
            res.end(r.body());
        } else {
            res.end();
        }
    }

    void fail(RoutingContext ctx, Throwable t) {
        if (t instanceof HttpError he) {
            json(ctx, he.status, he.body);
        } else {
            if (log != null) log.println("Error serving " + ctx.request().method() + " " + ctx.normalizedPath() + ": " + t);
            error(ctx, 500, "internal server error");
        }
    }

    /** The router's failure handler. */
    void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (t instanceof HttpError he) {
            json(ctx, he.status, he.body);
            return;
        }
        int code = ctx.statusCode();
        if (code == 413) error(ctx, 413, tooLarge());
        else if (code >= 400 && code < 500) error(ctx, code, t != null && t.getMessage() != null ? firstLine(t.getMessage()) : "bad request");
        else {
            if (log != null && t != null) log.println("Error serving " + ctx.request().method() + " " + ctx.normalizedPath() + ": " + t);
            error(ctx, 500, "internal server error");
        }
    }

    String tooLarge() {
        return "request body too large (limit " + bodyLimit + " bytes)";
    }

    static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    static void json(RoutingContext ctx, int status, Object body) {
        HttpServerResponse res = ctx.response();
        if (res.ended() || res.closed()) return;
        res.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, Map.of("error", message));
    }

    // ---- request readers -------------------------------------------------------------------------------

    /** The request body as JSON whatever its content type: null when empty; 400 when malformed. Off the event loop. */
    static JsonNode body(RoutingContext ctx) {
        Buffer b = JsonBody.of(ctx);
        if (b.length() == 0) return null;
        try {
            return Json.MAPPER.readTree(b.getBytes());
        } catch (JsonProcessingException e) {
            throw HttpError.of(400, "invalid JSON body: " + firstLine(String.valueOf(e.getOriginalMessage())));
        } catch (IOException e) {
            throw HttpError.of(400, "invalid JSON body");
        }
    }

    /** A JSON object body (or null); 400 for other JSON. */
    static JsonNode objectBody(RoutingContext ctx) {
        JsonNode n = body(ctx);
        if (n != null && !n.isObject()) throw HttpError.of(400, "the body must be a JSON object");
        return n;
    }

    static List<String> idList(JsonNode n, String field) {
        JsonNode v = n.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) return out;
        if (!v.isArray()) throw HttpError.of(400, field + " must be a list of prompt ids");
        for (JsonNode x : v) {
            if (!x.isTextual()) throw HttpError.of(400, field + " must be a list of prompt ids");
            out.add(x.asText());
        }
        return out;
    }

    static boolean flag(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw HttpError.of(400, field + " must be true or false");
        return v.asBoolean();
    }

    static Long intParam(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        if (v == null) return null;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw HttpError.of(400, name + " must be an integer");
        }
    }

    /** A boolean query parameter: "true"/"1" (any case) is true; absent is {@code dflt}. */
    static boolean boolParam(RoutingContext ctx, String name, boolean dflt) {
        String v = ctx.request().getParam(name);
        if (v == null) return dflt;
        return v.equalsIgnoreCase("true") || v.equals("1");
    }
}
