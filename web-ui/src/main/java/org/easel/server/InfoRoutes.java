package org.easel.server;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.easel.engine.Environment;
import org.easel.engine.Json;
import org.easel.engine.NodeRegistry;
import org.easel.server.Replies.Reply;

/** {@code /object_info}, {@code /system_stats}, {@code /features}, {@code /embeddings}, {@code /extensions}. */
final class InfoRoutes {
    /** The ComfyUI release whose API (routes, messages, shapes) Easel follows; Easel's own is {@code easel_version}. */
    static final String COMFYUI_API_VERSION = "0.8.1";

    private final NodeRegistry registry;
    private final Environment env;
    private final ServerConfig config;
    private final Replies replies;

    InfoRoutes(NodeRegistry registry, Environment env, ServerConfig config, Replies replies) {
        this.registry = registry;
        this.env = env;
        this.config = config;
        this.replies = replies;
    }

    void mount(Router r, String p) {
        r.get(p + "/object_info").handler(ctx -> replies.blocking(ctx, () -> Reply.json(200, Json.write(registry.objectInfo(env)))));
        r.get(p + "/object_info/:cls").handler(this::getObjectInfo);
        r.get(p + "/system_stats").handler(ctx -> replies.blocking(ctx, () -> Reply.json(systemStats())));
        r.get(p + "/embeddings").handler(ctx -> Replies.json(ctx, 200, List.of()));
        r.get(p + "/extensions").handler(ctx -> Replies.json(ctx, 200, List.of()));
        r.get(p + "/features").handler(ctx -> Replies.json(ctx, 200, features()));
    }

    Map<String, Object> features() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("supports_preview_metadata", true);
        f.put("max_upload_size", config.maxUploadBytes);
        return f;
    }

    private void getObjectInfo(RoutingContext ctx) {
        String cls = ctx.pathParam("cls");
        replies.blocking(ctx, () -> {
            var n = registry.get(cls);
            if (n == null) return Reply.json(200, "{}");
            return Reply.json(Map.of(cls, n.schema().toObjectInfo(env)));
        });
    }

    private Map<String, Object> systemStats() {
        long total = 0, free = 0;
        try {
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
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
        sys.put("comfyui_version", COMFYUI_API_VERSION);
        sys.put("easel_version", config.version);
        sys.put("python_version", "Java " + System.getProperty("java.version"));
        sys.put("java_version", System.getProperty("java.version"));
        sys.put("pytorch_version", "onnxruntime " + packageVersion("ai.onnxruntime.OrtEnvironment"));
        sys.put("vertx_version", packageVersion("io.vertx.core.Vertx"));
        sys.put("embedded_python", false);
        sys.put("argv", config.argv != null ? config.argv
                : ProcessHandle.current().info().arguments().map(List::of).orElse(List.of()));
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
            Package p = Class.forName(cls, false, InfoRoutes.class.getClassLoader()).getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return v == null ? "unknown" : v;
        } catch (Throwable t) {
            return "unknown";
        }
    }
}
