package org.easel.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Token, origin and CORS rules, ahead of every route (and the WebSocket upgrade). */
final class Security implements Handler<RoutingContext> {
    private final String corsOrigin;
    private final String token;

    Security(String corsOrigin, String token) {
        this.corsOrigin = corsOrigin;
        this.token = token;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        res.putHeader("X-Content-Type-Options", "nosniff");
        String origin = req.getHeader("Origin");
        String cors = corsOrigin;
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
            Replies.error(ctx, 401, "unauthorized: send the server's token as 'Authorization: Bearer <token>' or '?token=<token>'");
            return;
        }
        HttpMethod m = req.method();
        boolean changing = m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.DELETE || m == HttpMethod.PATCH;
        boolean upgrade = "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
        if ((changing || upgrade) && origin != null && !corsAllowed && !sameOrigin(origin, req.authority())) {
            Replies.error(ctx, 403, "cross-origin request refused (Origin " + origin + " does not match Host)");
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
}
