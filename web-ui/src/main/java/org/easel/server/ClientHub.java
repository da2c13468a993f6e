package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.easel.engine.Json;

/**
 * The connected WebSocket clients by client id. A second socket with the same id replaces (and closes)
 * the first. Sending is safe from any thread: frames are written on the socket's own event-loop context,
 * in the order they were sent.
 */
final class ClientHub {
    static final class Client {
        final String id;
        final ServerWebSocket ws;
        final Context ctx;
        volatile JsonNode features;

        Client(String id, ServerWebSocket ws, Context ctx) {
            this.id = id;
            this.ws = ws;
            this.ctx = ctx;
        }

        boolean supports(String feature) {
            JsonNode f = features;
            return f != null && f.path(feature).asBoolean(false);
        }

        void sendText(String text) {
            ctx.runOnContext(v -> {
                if (!ws.isClosed()) ws.writeTextMessage(text);
            });
        }

        /** Binary frames are dropped when the client does not keep up (previews are disposable). */
        void sendBinary(Buffer b) {
            ctx.runOnContext(v -> {
                if (!ws.isClosed() && !ws.writeQueueFull()) ws.writeBinaryMessage(b);
            });
        }

        void close() {
            ctx.runOnContext(v -> {
                if (!ws.isClosed()) ws.close((short) 1000, "replaced by a new connection");
            });
        }
    }

    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    Client connect(String id, ServerWebSocket ws, Context ctx) {
        Client c = new Client(id, ws, ctx);
        Client old = clients.put(id, c);
        if (old != null) old.close();
        ws.closeHandler(v -> clients.remove(id, c));
        return c;
    }

    Client get(String id) {
        return id == null ? null : clients.get(id);
    }

    boolean connected(String id) {
        return get(id) != null;
    }

    int size() { return clients.size(); }

    static String message(String type, Object data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("data", data);
        return Json.write(m);
    }

    void send(String clientId, String type, Object data) {
        Client c = get(clientId);
        if (c != null) c.sendText(message(type, data));
    }

    void broadcast(String type, Object data) {
        if (clients.isEmpty()) return;
        String text = message(type, data);
        for (Client c : clients.values()) c.sendText(text);
    }

    /**
     * A latent preview as a binary frame: ComfyUI's {@code PREVIEW_IMAGE_WITH_METADATA} (type 4, JSON metadata
     * then the image) for clients that announced {@code supports_preview_metadata}, else {@code PREVIEW_IMAGE}
     * (type 1, image format 1 = JPEG, 2 = PNG).
     */
    void sendPreview(String clientId, String promptId, String nodeId, byte[] encoded, String mimeType) {
        Client c = get(clientId);
        if (c == null || encoded == null) return;
        boolean png = mimeType != null && mimeType.toLowerCase(Locale.ROOT).contains("png");
        Buffer b = Buffer.buffer(encoded.length + 256);
        if (c.supports("supports_preview_metadata")) {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("node_id", nodeId);
            meta.put("prompt_id", promptId);
            meta.put("display_node_id", nodeId);
            meta.put("parent_node_id", null);
            meta.put("real_node_id", nodeId);
            meta.put("image_type", png ? "image/png" : "image/jpeg");
            byte[] mj = Json.write(meta).getBytes(StandardCharsets.UTF_8);
            b.appendInt(4).appendInt(mj.length).appendBytes(mj);
        } else {
            b.appendInt(1).appendInt(png ? 2 : 1);
        }
        b.appendBytes(encoded);
        c.sendBinary(b);
    }

    void closeAll() {
        for (Client c : clients.values()) c.close();
        clients.clear();
    }
}
