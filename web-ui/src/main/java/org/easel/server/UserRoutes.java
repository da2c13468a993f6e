package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.easel.engine.Json;
import org.easel.server.Replies.Reply;

/**
 * ComfyUI's user routes in single-user mode: {@code /users}, {@code /userdata} (list, read, write, delete,
 * move; the file name is one URL-encoded path segment such as {@code workflows%2Fa.json}), {@code /v2/userdata}
 * and {@code /settings}.
 */
final class UserRoutes {
    private final UserFiles files;
    private final Replies replies;

    UserRoutes(UserFiles files, Replies replies) {
        this.files = files;
        this.replies = replies;
    }

    void mount(Router r, String p, Handler<RoutingContext> body) {
        r.get(p + "/users").handler(ctx -> replies.blocking(ctx, () -> {
            boolean migrated = Files.isDirectory(files.root());
            return Reply.json(Map.of("storage", "server", "migrated", migrated));
        }));
        r.post(p + "/users").handler(body).handler(ctx -> replies.blocking(ctx, () -> {
            JsonNode b = Replies.objectBody(ctx);
            return Reply.json(files.addUser(b == null || !b.path("username").isTextual() ? null : b.get("username").asText()));
        }));
        r.get(p + "/userdata").handler(ctx -> {
            String dir = ctx.request().getParam("dir");
            boolean recurse = Replies.boolParam(ctx, "recurse", false), full = Replies.boolParam(ctx, "full_info", false);
            boolean split = Replies.boolParam(ctx, "split", false);
            replies.blocking(ctx, () -> Reply.json(files.list(dir, recurse, full, split)));
        });
        r.get(p + "/v2/userdata").handler(ctx -> {
            String path = ctx.request().getParam("path");
            replies.blocking(ctx, () -> Reply.json(files.listV2(path)));
        });
        r.get(p + "/userdata/:file").handler(this::read);
        r.post(p + "/userdata/:file").handler(body).handler(ctx -> {
            boolean overwrite = !"false".equals(ctx.request().getParam("overwrite"));
            boolean full = Replies.boolParam(ctx, "full_info", false);
            String file = ctx.pathParam("file");
            replies.blocking(ctx, () -> Reply.json(files.write(file, JsonBody.of(ctx).getBytes(), overwrite, full)));
        });
        r.delete(p + "/userdata/:file").handler(ctx -> {
            String file = ctx.pathParam("file");
            replies.blocking(ctx, () -> {
                files.delete(file);
                return new Reply(204, null, null, null, Map.of());
            });
        });
        r.post(p + "/userdata/:file/move/:dest").handler(body).handler(ctx -> {
            boolean overwrite = !"false".equals(ctx.request().getParam("overwrite"));
            boolean full = Replies.boolParam(ctx, "full_info", false);
            String file = ctx.pathParam("file"), dest = ctx.pathParam("dest");
            replies.blocking(ctx, () -> Reply.json(files.move(file, dest, overwrite, full)));
        });
        r.get(p + "/settings").handler(ctx -> replies.blocking(ctx, () -> Reply.json(200, Json.write(files.settings()))));
        r.get(p + "/settings/:id").handler(ctx -> {
            String id = ctx.pathParam("id");
            replies.blocking(ctx, () -> Reply.json(200, Json.write(files.settings().get(id))));
        });
        r.post(p + "/settings").handler(body).handler(ctx -> replies.blocking(ctx, () -> {
            JsonNode b = Replies.body(ctx);
            if (!(b instanceof ObjectNode o)) throw HttpError.of(400, "the body must be a JSON object of settings");
            files.updateSettings(o);
            return Reply.empty();
        }));
        r.post(p + "/settings/:id").handler(body).handler(ctx -> {
            String id = ctx.pathParam("id");
            replies.blocking(ctx, () -> {
                JsonNode b = Replies.body(ctx);
                ObjectNode one = Json.MAPPER.createObjectNode();
                one.set(id, b);
                files.updateSettings(one);
                return Reply.empty();
            });
        });
    }

    /** The file as a download: user data is arbitrary content and never rendered inline. */
    private void read(RoutingContext ctx) {
        String file = ctx.pathParam("file");
        replies.blocking(ctx, () -> {
            Path f = files.existing(file);
            String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
            String type = n.endsWith(".json") ? "application/json" : n.endsWith(".txt") ? "text/plain; charset=utf-8"
                    : "application/octet-stream";
            return new Reply(200, type, null, f, Map.of("Content-Disposition", "attachment"));
        });
    }
}
