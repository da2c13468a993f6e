package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.engine.exec.Executor;
import org.easel.engine.exec.OutputCache;

/**
 * Easel's HTTP + WebSocket server: ComfyUI's API (every route also under {@code /api/}) on Vert.x. The
 * event loop only routes and writes; validation, execution, disk and database work run on worker threads.
 * Safe by default: loopback only, a token when listening elsewhere, same-origin checks on state changes,
 * file routes confined to the input/output/temp folders.
 */
public final class EaselServer implements AutoCloseable {
    private static final String[] PREFIXES = {"", "/api"};

    private final NodeRegistry registry;
    private final Environment env;
    private final ServerConfig config;
    private final PrintStream log;
    private final ClientHub hub = new ClientHub();
    private final FileService files;
    private final Executor executor;
    private String token;
    private Store store;
    private PromptService prompts;
    private Vertx vertx;
    private WorkerExecutor workers;
    private HttpServer http;
    private byte[] indexHtml;

    public EaselServer(NodeRegistry registry, Environment env, ServerConfig config, PrintStream log) {
        this.registry = registry;
        this.env = env;
        this.config = config;
        this.log = log;
        this.files = new FileService(env);
        this.executor = new Executor(env, new OutputCache(config.cacheBytes));
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
        prompts = new PromptService(registry, env, store, hub, executor, config.maxHistory, log, this::unloadModels);
        prompts.recoverAndStart();
        vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        workers = vertx.createSharedWorkerExecutor("easel-io", 8);
        Router router = router();
        http = vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketMessageSize(1 << 20)
                        .setMaxFormAttributeSize(1 << 20))
                .requestHandler(router);
        http.listen(config.port, config.listen).await(30, TimeUnit.SECONDS);
        return this;
    }

    public int port() { return http.actualPort(); }
    public String token() { return token; }
    public Executor executor() { return executor; }

    /** The address to open in a browser (with the token, when one is required). */
    public String url() {
        String host = config.listen.contains(":") ? "[" + config.listen + "]" : config.listen;
        if (host.equals("0.0.0.0") || host.equals("[::]")) host = "127.0.0.1";
        return "http://" + host + ":" + port() + "/" + (token == null ? "" : "?token=" + token);
    }

    @Override
    public synchronized void close() {
        hub.closeAll();
        if (http != null) {
            try {
                http.close().await(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        if (prompts != null) prompts.stop();
        if (vertx != null) {
            try {
                vertx.close().await(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        if (store != null) store.close();
        http = null;
        vertx = null;
        prompts = null;
        store = null;
    }

    private void unloadModels() {
        var ort = env.serviceIfPresent(org.easel.nodes.onnx.OnnxRuntime.class);
        if (ort != null) ort.unloadAll();
    }

    // ---- routing -----------------------------------------------------------------------------------

    private Router router() {
        Router r = Router.router(vertx);
        r.route().handler(this::security);
        Path uploads = env.userDir().resolve(".uploads");
        BodyHandler jsonBody = BodyHandler.create(false).setBodyLimit(config.maxUploadBytes);
        BodyHandler uploadBody = BodyHandler.create(uploads.toString()).setBodyLimit(config.maxUploadBytes)
                .setDeleteUploadedFilesOnEnd(true).setHandleFileUploads(true);
        r.get("/").handler(this::index);
        r.get("/index.html").handler(this::index);
        r.get("/assets/*").handler(StaticHandler.create("webroot/assets").setMaxAgeSeconds(86400 * 365L));
        for (String p : PREFIXES) {
            r.get(p + "/ws").handler(this::webSocket);
            r.get(p + "/prompt").handler(ctx -> json(ctx, 200, Map.of("exec_info", Map.of("queue_remaining", prompts.remaining()))));
            r.post(p + "/prompt").handler(jsonBody).handler(this::postPrompt);
            r.get(p + "/queue").handler(ctx -> blocking(ctx, () -> Reply.json(200, Json.write(prompts.queueJson()))));
            r.post(p + "/queue").handler(jsonBody).handler(this::postQueue);
            r.post(p + "/interrupt").handler(jsonBody).handler(this::postInterrupt);
            r.get(p + "/history").handler(this::getHistory);
            r.get(p + "/history/:id").handler(this::getHistoryEntry);
            r.post(p + "/history").handler(jsonBody).handler(this::postHistory);
            r.get(p + "/object_info").handler(ctx -> blocking(ctx, () -> Reply.json(200, Json.write(registry.objectInfo(env)))));
            r.get(p + "/object_info/:cls").handler(this::getObjectInfo);
            r.get(p + "/view").handler(this::view);
            r.post(p + "/upload/image").handler(uploadBody).handler(ctx -> upload(ctx, false));
            r.post(p + "/upload/mask").handler(uploadBody).handler(ctx -> upload(ctx, true));
            r.get(p + "/system_stats").handler(ctx -> blocking(ctx, () -> Reply.json(200, Json.write(systemStats()))));
            r.get(p + "/embeddings").handler(ctx -> json(ctx, 200, List.of()));
            r.get(p + "/extensions").handler(ctx -> json(ctx, 200, List.of()));
            r.get(p + "/models").handler(ctx -> blocking(ctx, () -> Reply.json(200, Json.write(files.modelFolders()))));
            r.get(p + "/models/:folder").handler(this::getModels);
            r.post(p + "/free").handler(jsonBody).handler(this::postFree);
            r.get(p + "/features").handler(ctx -> json(ctx, 200, features()));
        }
        r.route().failureHandler(this::failure);
        r.errorHandler(404, ctx -> error(ctx, 404, "not found: " + ctx.request().method() + " " + ctx.normalizedPath()));
        r.errorHandler(405, ctx -> error(ctx, 405, "method not allowed"));
        r.errorHandler(413, ctx -> error(ctx, 413, "request body too large (limit " + config.maxUploadBytes + " bytes)"));
        r.errorHandler(400, ctx -> error(ctx, 400, "bad request"));
        r.errorHandler(500, ctx -> error(ctx, 500, "internal server error"));
        return r;
    }

    /** Token, origin and CORS rules, ahead of every route (and the WebSocket upgrade). */
    private void security(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        res.putHeader("X-Content-Type-Options", "nosniff");
        String origin = req.getHeader("Origin");
        String cors = config.corsOrigin;
        boolean corsAllowed = cors != null && origin != null && (cors.equals("*") || cors.equals(origin));
        if (cors != null) {
            res.putHeader("Access-Control-Allow-Origin", cors);
            res.putHeader("Access-Control-Allow-Methods", "POST, GET, DELETE, PUT, OPTIONS, PATCH");
            res.putHeader("Access-Control-Allow-Headers", "Content-Type, Authorization");
            res.putHeader("Access-Control-Allow-Credentials", "true");
            if (req.method() == HttpMethod.OPTIONS) {
                res.setStatusCode(200).end();
                return;
            }
        }
        if (token != null && !tokenOk(req)) {
            res.putHeader("WWW-Authenticate", "Bearer");
            error(ctx, 401, "unauthorized: send the server's token as 'Authorization: Bearer <token>' or '?token=<token>'");
            return;
        }
        HttpMethod m = req.method();
        boolean changing = m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.DELETE || m == HttpMethod.PATCH;
        boolean upgrade = "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
        if ((changing || upgrade) && origin != null && !corsAllowed && !sameOrigin(origin, req.authority())) {
            error(ctx, 403, "cross-origin request refused (Origin " + origin + " does not match Host)");
            return;
        }
        ctx.next();
    }

    private boolean tokenOk(HttpServerRequest req) {
        String given = null;
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) given = auth.substring(7).trim();
        if (given == null) given = req.getParam("token");
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    static boolean sameOrigin(String origin, HostAndPort host) {
        if (host == null || origin.equals("null")) return false;
        try {
            URI u = new URI(origin);
            if (u.getHost() == null || u.getScheme() == null) return false;
            int op = u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            int hp = host.port() != -1 ? host.port() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            return strip(u.getHost()).equalsIgnoreCase(strip(host.host())) && op == hp;
        } catch (Exception e) {
            return false;
        }
    }

    private static String strip(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private void index(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; frame-ancestors 'none'")
                .end(Buffer.buffer(indexHtml));
    }

    // ---- replies -------------------------------------------------------------------------------------

    /** A response prepared off the event loop. */
    record Reply(int status, String contentType, Buffer body, Path file, Map<String, String> headers) {
        static Reply json(int status, String json) {
            return new Reply(status, "application/json", Buffer.buffer(json), null, Map.of());
        }

        static Reply empty() {
            return new Reply(200, null, null, null, Map.of());
        }
    }

    private void blocking(RoutingContext ctx, Callable<Reply> work) {
        workers.<Reply>executeBlocking(work, false).onComplete(ar -> {
            if (ctx.response().ended() || ctx.response().closed()) return;
            if (ar.failed()) {
                fail(ctx, ar.cause());
                return;
            }
            Reply r = ar.result();
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
        });
    }

    private void fail(RoutingContext ctx, Throwable t) {
        if (t instanceof HttpError he) {
            json(ctx, he.status, he.body);
        } else {
            if (log != null) log.println("Error serving " + ctx.request().method() + " " + ctx.normalizedPath() + ": " + t);
            error(ctx, 500, "internal server error");
        }
    }

    private void failure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (t instanceof HttpError he) {
            json(ctx, he.status, he.body);
            return;
        }
        int code = ctx.statusCode();
        if (code == 413) error(ctx, 413, "request body too large (limit " + config.maxUploadBytes + " bytes)");
        else if (code >= 400 && code < 500) error(ctx, code, t != null && t.getMessage() != null ? firstLine(t.getMessage()) : "bad request");
        else {
            if (log != null && t != null) log.println("Error serving " + ctx.request().method() + " " + ctx.normalizedPath() + ": " + t);
            error(ctx, 500, "internal server error");
        }
    }

    private static String firstLine(String s) {
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

    /** The request body as JSON: null when empty; 400 when malformed. Call off the event loop for big bodies. */
    static JsonNode body(RoutingContext ctx) {
        Buffer b = ctx.body().buffer();
        if (b == null || b.length() == 0) return null;
        try {
            return Json.MAPPER.readTree(b.getBytes());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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

    // ---- handlers ------------------------------------------------------------------------------------

    private void postPrompt(RoutingContext ctx) {
        blocking(ctx, () -> {
            JsonNode b;
            try {
                b = body(ctx);
            } catch (HttpError e) {
                throw HttpError.prompt("invalid_json", "Invalid JSON body", String.valueOf(((Map<?, ?>) e.body).get("error")));
            }
            return Reply.json(200, Json.write(prompts.submit(b)));
        });
    }

    private void postQueue(RoutingContext ctx) {
        blocking(ctx, () -> {
            JsonNode b = objectBody(ctx);
            if (b != null) prompts.changeQueue(flag(b, "clear"), idList(b, "delete"));
            return Reply.empty();
        });
    }

    private void postInterrupt(RoutingContext ctx) {
        blocking(ctx, () -> {
            JsonNode b = objectBody(ctx);
            String pid = null;
            if (b != null && b.hasNonNull("prompt_id")) {
                if (!b.get("prompt_id").isTextual()) throw HttpError.of(400, "prompt_id must be a string");
                pid = b.get("prompt_id").asText();
            }
            prompts.interrupt(pid);
            return Reply.empty();
        });
    }

    private static Long intParam(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        if (v == null) return null;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw HttpError.of(400, name + " must be an integer");
        }
    }

    private void getHistory(RoutingContext ctx) {
        Long maxItems = intParam(ctx, "max_items");
        Long offset = intParam(ctx, "offset");
        blocking(ctx, () -> {
            long off = offset == null || offset < 0 ? -1 : offset;
            long limit = -1;
            if (maxItems != null) {
                if (maxItems <= 0) return Reply.json(200, "{}");
                limit = maxItems;
                if (off < 0) off = Math.max(0, store().historySize() - maxItems);
            }
            return Reply.json(200, historyJson(store().history(Math.max(0, off), limit)));
        });
    }

    private Store store() { return store; }

    private static String historyJson(Map<String, String> entries) {
        StringBuilder sb = new StringBuilder("{");
        entries.forEach((id, e) -> {
            if (sb.length() > 1) sb.append(',');
            sb.append(Json.write(id)).append(':').append(e);
        });
        return sb.append('}').toString();
    }

    private void getHistoryEntry(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        blocking(ctx, () -> {
            String e = store().historyEntry(id);
            return Reply.json(200, e == null ? "{}" : historyJson(Map.of(id, e)));
        });
    }

    private void postHistory(RoutingContext ctx) {
        blocking(ctx, () -> {
            JsonNode b = objectBody(ctx);
            if (b != null) {
                boolean clear = flag(b, "clear");
                List<String> del = idList(b, "delete");
                if (clear) store().clearHistory();
                store().deleteHistory(del);
            }
            return Reply.empty();
        });
    }

    private void getObjectInfo(RoutingContext ctx) {
        String cls = ctx.pathParam("cls");
        blocking(ctx, () -> {
            var n = registry.get(cls);
            if (n == null) return Reply.json(200, "{}");
            return Reply.json(200, Json.write(Map.of(cls, n.schema().toObjectInfo(env))));
        });
    }

    private void view(RoutingContext ctx) {
        MultiMap q = ctx.queryParams();
        blocking(ctx, () -> {
            FileService.Payload p = files.view(q);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Disposition", "inline; filename=\"" + p.name() + "\"");
            h.put("Content-Security-Policy", "default-src 'none'; sandbox");
            h.put("Cache-Control", "no-cache");
            return new Reply(200, p.contentType(), p.bytes() == null ? null : Buffer.buffer(p.bytes()), p.file(), h);
        });
    }

    private void upload(RoutingContext ctx, boolean mask) {
        FileUpload image = null;
        for (FileUpload f : ctx.fileUploads()) if ("image".equals(f.name())) image = f;
        if (image == null) {
            error(ctx, 400, "no 'image' file in the form");
            return;
        }
        FileUpload img = image;
        MultiMap form = ctx.request().formAttributes();
        blocking(ctx, () -> {
            byte[] bytes = Files.readAllBytes(Path.of(img.uploadedFileName()));
            String ow = form.get("overwrite");
            boolean overwrite = ow != null && (ow.equalsIgnoreCase("true") || ow.equals("1"));
            String ref = null;
            if (mask) {
                ref = form.get("original_ref");
                if (ref == null) throw HttpError.of(400, "original_ref is required");
            }
            return Reply.json(200, Json.write(files.upload(bytes, img.fileName(), form.get("type"), form.get("subfolder"), overwrite, ref)));
        });
    }

    private void getModels(RoutingContext ctx) {
        String folder = ctx.pathParam("folder");
        blocking(ctx, () -> {
            List<String> l = files.models(folder);
            if (l == null) throw HttpError.of(404, "unknown model folder: " + folder);
            return Reply.json(200, Json.write(l));
        });
    }

    private void postFree(RoutingContext ctx) {
        blocking(ctx, () -> {
            JsonNode b = objectBody(ctx);
            if (b != null) prompts.free(flag(b, "unload_models"), flag(b, "free_memory"));
            return Reply.empty();
        });
    }

    Map<String, Object> features() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("supports_preview_metadata", true);
        f.put("max_upload_size", config.maxUploadBytes);
        return f;
    }

    private Map<String, Object> systemStats() {
        long total = 0, free = 0;
        try {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            total = os.getTotalMemorySize();
            free = os.getFreeMemorySize();
        } catch (Throwable ignored) {
            // not a HotSpot JVM
        }
        String osName = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String platform = osName.contains("win") ? "win32" : osName.contains("mac") ? "darwin" : "linux";
        Map<String, Object> sys = new LinkedHashMap<>();
        sys.put("os", platform);
        sys.put("ram_total", total);
        sys.put("ram_free", free);
        sys.put("comfyui_version", config.version);
        sys.put("easel_version", config.version);
        sys.put("python_version", "Java " + System.getProperty("java.version"));
        sys.put("java_version", System.getProperty("java.version"));
        sys.put("pytorch_version", "onnxruntime " + packageVersion("ai.onnxruntime.OrtEnvironment"));
        sys.put("vertx_version", packageVersion("io.vertx.core.Vertx"));
        sys.put("embedded_python", false);
        sys.put("argv", ManagementFactory.getRuntimeMXBean().getInputArguments().isEmpty() ? List.of("easel") : List.of("easel", "serve"));
        sys.put("jvm_heap_max", Runtime.getRuntime().maxMemory());
        sys.put("jvm_heap_used", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        String dev = env.device();
        boolean cuda = dev.startsWith("cuda");
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", cuda ? dev : "cpu");
        d.put("type", cuda ? "cuda" : "cpu");
        d.put("index", cuda && dev.contains(":") ? Integer.parseInt(dev.substring(5)) : null);
        d.put("vram_total", cuda ? 0 : total);
        d.put("vram_free", cuda ? 0 : free);
        d.put("torch_vram_total", 0);
        d.put("torch_vram_free", 0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("system", sys);
        m.put("devices", List.of(d));
        return m;
    }

    private static String packageVersion(String cls) {
        try {
            Package p = Class.forName(cls, false, EaselServer.class.getClassLoader()).getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return v == null ? "unknown" : v;
        } catch (Throwable t) {
            return "unknown";
        }
    }

    // ---- WebSocket -------------------------------------------------------------------------------------

    private void webSocket(RoutingContext ctx) {
        String cid = ctx.request().getParam("clientId");
        String clientId = cid == null || cid.isBlank() || cid.length() > 200 ? UUID.randomUUID().toString().replace("-", "") : cid;
        var context = vertx.getOrCreateContext();
        ctx.request().toWebSocket().onSuccess(ws -> {
            ClientHub.Client c = hub.connect(clientId, ws, context);
            Map<String, Object> status = new LinkedHashMap<>(prompts.statusData());
            status.put("sid", clientId);
            c.sendText(ClientHub.message("status", status));
            String node = prompts.currentNodeFor(clientId);
            if (node != null) c.sendText(ClientHub.message("executing", Map.of("node", node)));
            ws.textMessageHandler(text -> {
                try {
                    JsonNode m = Json.parse(text);
                    if ("feature_flags".equals(m.path("type").asText()) && m.path("data").isObject()) {
                        c.features = m.get("data");
                        c.sendText(ClientHub.message("feature_flags", features()));
                    }
                } catch (Exception ignored) {
                    // clients may send anything; only feature_flags is understood
                }
            });
            ws.exceptionHandler(e -> { });
        }).onFailure(e -> {
            if (!ctx.response().ended()) error(ctx, 400, "WebSocket upgrade failed: " + e.getMessage());
        });
    }
}
