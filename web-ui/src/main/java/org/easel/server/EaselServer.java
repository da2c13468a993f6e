package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.easel.Easel;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.nodes.script.CustomNodes;

/**
 * Easel's HTTP + WebSocket server: ComfyUI's API (every route also under {@code /api/}) on Vert.x. This class
 * holds the lifecycle and puts the parts together: {@link Security} ahead of every route, the route groups
 * ({@link QueueRoutes}, {@link FileRoutes}, {@link InfoRoutes}), the {@link PromptQueue} with its {@link Store}
 * and the {@link PromptWorker}, and the WebSocket clients in {@link ClientHub}. The event loop only routes and
 * writes; validation, execution, disk and database work run on worker threads.
 */
public final class EaselServer implements AutoCloseable {
    private static final String[] PREFIXES = {"", "/api"};

    private final NodeRegistry registry;
    private final Environment env;
    private final ServerConfig config;
    private final PrintStream log;
    private final ClientHub hub = new ClientHub();
    private final LogBuffer logs = new LogBuffer();
    private final FileService files;
    private final Easel easel;
    private String token;
    private Store store;
    private PromptQueue queue;
    private PromptWorker worker;
    private InfoRoutes infoRoutes;
    private Vertx vertx;
    private HttpServer http;
    private byte[] indexHtml;
    private CustomNodes customNodes;

    public EaselServer(NodeRegistry registry, Environment env, ServerConfig config, PrintStream log) {
        this.registry = registry;
        this.env = env;
        this.config = config;
        this.log = logs.tee(log);
        this.files = new FileService(env);
        // script nodes: the custom nodes folder, and the examples shipped beside the workflow templates
        Path examples = config.workflowsDir == null ? null : config.workflowsDir.resolve("custom_nodes");
        this.easel = Easel.builder().environment(env).registry(registry).cacheBytes(config.cacheBytes).prepare(false)
                .extraCustomNodes(examples).customNodesLog(this.log).build();
    }

    /** Opens the database, recovers the queue, starts the worker and listens. Blocks until listening. */
    public synchronized EaselServer start() throws Exception {
        token = config.effectiveToken();
        for (Path p : List.of(env.inputDir(), env.outputDir(), env.tempDir(), env.userDir())) Files.createDirectories(p);
        // the editor's bundle (built by the frontend module into webroot/), else the API overview page
        InputStream editor = EaselServer.class.getClassLoader().getResourceAsStream("webroot/index.html");
        try (InputStream in = editor != null ? editor : EaselServer.class.getResourceAsStream("index.html")) {
            indexHtml = in == null ? "<!doctype html><title>Easel</title>".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        }
        store = new Store(env.userDir().resolve(config.dbFileName));
        queue = new PromptQueue(store, config.maxHistory, log, this::broadcastStatus);
        queue.recover();
        worker = new PromptWorker(easel, queue, hub, log, this::broadcastStatus, config.previewMethod);
        logs.onEntry(e -> {
            Map<String, Object> data = Map.of("entries", List.of(e), "size", Map.of("cols", 80, "rows", 24));
            for (String id : logs.subscribers()) hub.send(id, "logs", data);
        });
        customNodes = easel.customNodes().watch();   // script nodes, reloaded when their folders change
        worker.start();
        vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        int cores = Runtime.getRuntime().availableProcessors();
        Replies replies = new Replies(vertx.createSharedWorkerExecutor("easel-io", 8),
                vertx.createSharedWorkerExecutor("easel-cpu", Math.max(2, cores)), log, config.maxUploadBytes);
        http = vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketMessageSize(1 << 20))
                .requestHandler(router(replies));
        http.listen(config.port, config.listen).await(30, TimeUnit.SECONDS);
        return this;
    }

    public int port() { return http.actualPort(); }
    public String token() { return token; }
    /** The embedded Easel that runs the prompts. */
    public Easel easel() { return easel; }

    /** The address to open in a browser (with the token, when one is required). */
    public String url() {
        String host = config.listen.contains(":") ? "[" + config.listen + "]" : config.listen;
        if (host.equals("0.0.0.0") || host.equals("[::]")) host = "127.0.0.1";
        return "http://" + host + ":" + port() + "/" + (token == null ? "" : "?token=" + token);
    }

    @Override
    public synchronized void close() {
        if (customNodes != null) customNodes.close();
        hub.closeAll();
        if (http != null) {
            try {
                http.close().await(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        if (worker != null) worker.stop();
        if (vertx != null) {
            try {
                vertx.close().await(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        if (store != null) store.close();
        easel.close();
        http = null;
        vertx = null;
        worker = null;
        store = null;
    }

    private void broadcastStatus() {
        hub.broadcast("status", QueueRoutes.statusData(queue.remaining()));
    }

    // ---- routing -----------------------------------------------------------------------------------

    private Router router(Replies replies) {
        Router r = Router.router(vertx);
        r.route().handler(new Security(config.corsOrigin, token));
        JsonBody jsonBody = new JsonBody(config.maxUploadBytes, replies);
        BodyHandler uploadBody = BodyHandler.create(env.userDir().resolve(".uploads").toString()).setBodyLimit(config.maxUploadBytes)
                .setDeleteUploadedFilesOnEnd(true).setHandleFileUploads(true);
        QueueRoutes queueRoutes = new QueueRoutes(easel, queue, worker, replies);
        infoRoutes = new InfoRoutes(registry, env, config, replies);
        FileRoutes fileRoutes = new FileRoutes(files, replies);
        UserRoutes userRoutes = new UserRoutes(new UserFiles(env.userDir()), replies);
        Path workflows = config.workflowsDir != null ? config.workflowsDir
                : env.userDir().toAbsolutePath().normalize().resolveSibling("workflows");
        ExtraRoutes extraRoutes = new ExtraRoutes(env, workflows, logs, replies);
        r.get("/").handler(this::index);
        r.get("/index.html").handler(this::index);
        r.get("/assets/*").handler(StaticHandler.create("webroot/assets").setMaxAgeSeconds(86400 * 365L));
        WorkflowRoutes workflowRoutes = new WorkflowRoutes(registry);
        for (String p : PREFIXES) {
            workflowRoutes.mount(r, p, jsonBody);
            r.get(p + "/ws").handler(this::webSocket);
            queueRoutes.mount(r, p, jsonBody);
            fileRoutes.mount(r, p, uploadBody);
            infoRoutes.mount(r, p);
            userRoutes.mount(r, p, jsonBody);
            extraRoutes.mount(r, p, jsonBody);
        }
        new JobRoutes(queue, worker, replies).mount(r, jsonBody);
        r.route().failureHandler(replies::failure);
        r.errorHandler(404, ctx -> Replies.error(ctx, 404, "not found: " + ctx.request().method() + " " + ctx.normalizedPath()));
        r.errorHandler(405, ctx -> Replies.error(ctx, 405, "method not allowed"));
        r.errorHandler(413, ctx -> Replies.error(ctx, 413, replies.tooLarge()));
        r.errorHandler(400, ctx -> Replies.error(ctx, 400, "bad request"));
        r.errorHandler(500, ctx -> Replies.error(ctx, 500, "internal server error"));
        return r;
    }

    private void index(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; frame-ancestors 'none'")
                .end(Buffer.buffer(indexHtml));
    }

    // ---- WebSocket -------------------------------------------------------------------------------------

    private void webSocket(RoutingContext ctx) {
        String cid = ctx.request().getParam("clientId");
        String clientId = cid == null || cid.isBlank() || cid.length() > 200 ? UUID.randomUUID().toString().replace("-", "") : cid;
        var context = vertx.getOrCreateContext();
        ctx.request().toWebSocket().onSuccess(ws -> {
            ClientHub.Client c = hub.connect(clientId, ws, context);
            Map<String, Object> status = new LinkedHashMap<>(QueueRoutes.statusData(queue.remaining()));
            status.put("sid", clientId);
            c.sendText(ClientHub.message("status", status));
            String node = worker.currentNodeFor(clientId);
            if (node != null) c.sendText(ClientHub.message("executing", Map.of("node", node)));
            ws.textMessageHandler(text -> {
                try {
                    JsonNode m = Json.parse(text);
                    if ("feature_flags".equals(m.path("type").asText()) && m.path("data").isObject()) {
                        c.features = m.get("data");
                        c.sendText(ClientHub.message("feature_flags", infoRoutes.features()));
                    }
                } catch (Exception ignored) {
                    // clients may send anything; only feature_flags is understood
                }
            });
            ws.exceptionHandler(e -> { });
        }).onFailure(e -> {
            if (!ctx.response().ended()) Replies.error(ctx, 400, "WebSocket upgrade failed: " + e.getMessage());
        });
    }
}
