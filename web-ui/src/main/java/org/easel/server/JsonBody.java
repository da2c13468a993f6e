package org.easel.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body whole, whatever its content type: ComfyUI parses JSON bodies regardless of it, and
 * clients such as Python's {@code urllib} send JSON labelled {@code application/x-www-form-urlencoded}.
 * Bodies over the limit are answered with 413 (and the rest of the body is discarded).
 */
final class JsonBody implements Handler<RoutingContext> {
    static final String KEY = "easel.body";

    private final long limit;
    private final Replies replies;

    JsonBody(long limit, Replies replies) {
        this.limit = limit;
        this.replies = replies;
    }

    /** The body read by this handler (empty when there was none). */
    static Buffer of(RoutingContext ctx) {
        Buffer b = ctx.get(KEY);
        return b == null ? Buffer.buffer() : b;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String cl = req.getHeader("Content-Length");
        if (cl != null) {
            try {
                if (Long.parseLong(cl.trim()) > limit) {
                    tooLarge(ctx);
                    return;
                }
            } catch (NumberFormatException e) {
                Replies.error(ctx, 400, "invalid Content-Length");
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) return;
            if (body.length() + chunk.length() > limit) {
                over[0] = true;
                tooLarge(ctx);
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.exceptionHandler(e -> {
            if (!ctx.response().ended()) ctx.fail(400, e);
        });
        req.endHandler(v -> {
            if (over[0] || ctx.response().ended()) return;
            ctx.put(KEY, body);
            ctx.next();
        });
        req.resume();
    }

    private void tooLarge(RoutingContext ctx) {
        ctx.response().putHeader("Connection", "close");
        Replies.error(ctx, 413, replies.tooLarge());
    }
}
