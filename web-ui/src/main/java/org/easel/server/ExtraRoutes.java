package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.easel.engine.Environment;
import org.easel.nodes.onnx.ModelFolders;
import org.easel.server.Replies.Reply;

/**
 * The routes ComfyUI clients call at start-up besides the core API: {@code /workflow_templates} (the example
 * workflows, served from the workflows folder), {@code /experiment/models[/{folder}]} (from the one list of model
 * folders the nodes load from) and {@code /internal/logs[/raw]} with {@code PATCH /internal/logs/subscribe}.
 */
final class ExtraRoutes {
    /** The module name templates are listed under (ComfyUI lists custom-node packs by their module name). */
    static final String TEMPLATE_MODULE = "easel";
    private static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,120}\\.json");

    private final Environment env;
    private final Path workflows;
    private final LogBuffer logs;
    private final Replies replies;

    ExtraRoutes(Environment env, Path workflows, LogBuffer logs, Replies replies) {
        this.env = env;
        this.workflows = workflows;
        this.logs = logs;
        this.replies = replies;
    }

    void mount(Router r, String p, Handler<RoutingContext> body) {
        r.get(p + "/workflow_templates").handler(ctx -> replies.blocking(ctx, () -> Reply.json(Map.of(TEMPLATE_MODULE, templates()))));
        r.get(p + "/workflow_templates/:module/:file").handler(this::template);
        r.get(p + "/experiment/models").handler(ctx -> replies.blocking(ctx, () -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String f : ModelFolders.FOLDERS) {
                out.add(Map.of("name", f, "folders", List.of(env.modelsDir().resolve(f).toAbsolutePath().toString())));
            }
            return Reply.json(out);
        }));
        r.get(p + "/experiment/models/:folder").handler(this::models);
        r.get(p + "/internal/logs").handler(ctx -> Replies.json(ctx, 200, logs.text()));
        r.get(p + "/internal/logs/raw").handler(ctx -> Replies.json(ctx, 200, Map.of("entries", logs.entries(),
                "size", Map.of("cols", 80, "rows", 24))));
        r.patch(p + "/internal/logs/subscribe").handler(body).handler(ctx -> replies.blocking(ctx, () -> {
            JsonNode b = Replies.objectBody(ctx);
            if (b == null || !b.path("clientId").isTextual()) throw HttpError.of(400, "clientId is required");
            logs.subscribe(b.get("clientId").asText(), b.path("enabled").asBoolean(false));
            return Reply.empty();
        }));
    }

    /** The template names: the workflow files without {@code .json}, sorted. */
    List<String> templates() throws IOException {
        if (!Files.isDirectory(workflows)) return List.of();
        try (Stream<Path> s = Files.list(workflows)) {
            return s.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(n -> TEMPLATE_NAME.matcher(n).matches())
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
    }

    private void template(RoutingContext ctx) {
        String module = ctx.pathParam("module"), file = ctx.pathParam("file");
        replies.blocking(ctx, () -> {
            if (!TEMPLATE_MODULE.equals(module) || file == null || !TEMPLATE_NAME.matcher(file).matches()) {
                throw HttpError.of(404, "no such template");
            }
            Path f = workflows.resolve(file);
            if (!Files.isRegularFile(f) || !f.toRealPath().startsWith(workflows.toRealPath())) throw HttpError.of(404, "no such template");
            return new Reply(200, "application/json", null, f, Map.of());
        });
    }

    private void models(RoutingContext ctx) {
        String folder = ctx.pathParam("folder");
        replies.blocking(ctx, () -> {
            if (!ModelFolders.FOLDERS.contains(folder)) throw HttpError.of(404, "unknown model folder: " + folder);
            List<Map<String, Object>> out = new ArrayList<>();
            Path dir = env.modelsDir().resolve(folder);
            for (String name : ModelFolders.list(env, folder)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", name);
                m.put("pathIndex", 0);
                Path f = dir.resolve(name);
                if (Files.exists(f)) m.put("modified", Files.getLastModifiedTime(f).toMillis() / 1000.0);
                out.add(m);
            }
            return Reply.json(out);
        });
    }
}
