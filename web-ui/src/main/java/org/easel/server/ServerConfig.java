package org.easel.server;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * How the server listens and what it allows. Safe defaults: 127.0.0.1:8188, no CORS, uploads up to
 * 100 MB, history of 10000 prompts. A token is required whenever the listen address is not loopback (or
 * one was given explicitly).
 */
public final class ServerConfig {
    /** ComfyUI's preview methods; Easel draws every kind but {@code none} with its latent-to-RGB preview. */
    public static final List<String> PREVIEW_METHODS = List.of("none", "auto", "latent2rgb", "taesd");

    String listen = "127.0.0.1";
    int port = 8188;
    String authToken;
    boolean requireToken;
    long maxUploadBytes = 100L * 1024 * 1024;
    String corsOrigin;
    int maxHistory = 10000;
    long cacheBytes = Runtime.getRuntime().maxMemory() / 4;
    String version = "dev";
    String dbFileName = "easel.db";
    String previewMethod = "none";
    Path workflowsDir;
    List<String> argv;

    public ServerConfig listen(String v) { listen = v; return this; }
    public ServerConfig port(int v) { port = v; return this; }
    /** An explicit token: always required when set. */
    public ServerConfig authToken(String v) { authToken = v == null || v.isBlank() ? null : v; return this; }
    /** Require a token even on a loopback address (a random one unless {@link #authToken} is set). */
    public ServerConfig requireToken(boolean v) { requireToken = v; return this; }
    public ServerConfig maxUploadBytes(long v) { maxUploadBytes = v; return this; }
    /** {@code --enable-cors-header}: the one origin allowed cross-site ("*" = any), null = none. */
    public ServerConfig corsOrigin(String v) { corsOrigin = v == null || v.isBlank() ? null : v; return this; }
    public ServerConfig maxHistory(int v) { maxHistory = Math.max(1, v); return this; }
    public ServerConfig cacheBytes(long v) { cacheBytes = Math.max(0, v); return this; }
    public ServerConfig version(String v) { version = v; return this; }
    /**
     * {@code --preview-method}: latent previews sent while sampling unless a prompt's
     * {@code extra_data.preview_method} says otherwise; {@code none} (the default, as ComfyUI) sends none.
     */
    public ServerConfig previewMethod(String v) {
        if (!PREVIEW_METHODS.contains(v)) throw new IllegalArgumentException("--preview-method must be one of " + PREVIEW_METHODS);
        previewMethod = v;
        return this;
    }
    /** The folder whose workflows {@code /workflow_templates} offers (default: {@code workflows/} beside the user folder). */
    public ServerConfig workflowsDir(Path v) { workflowsDir = v; return this; }
    /** The command line to report in {@code /system_stats} (default: the JVM's arguments). */
    public ServerConfig argv(List<String> v) { argv = v == null ? null : List.copyOf(v); return this; }

    public String listen() { return listen; }
    public int port() { return port; }
    public long maxUploadBytes() { return maxUploadBytes; }
    public String corsOrigin() { return corsOrigin; }
    public int maxHistory() { return maxHistory; }

    /** Whether {@code address} is a loopback address (names resolve; unresolvable names are not loopback). */
    public static boolean isLoopback(String address) {
        if (address == null) return false;
        String a = address.trim();
        if (a.equalsIgnoreCase("localhost")) return true;
        try {
            return InetAddress.getByName(a).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    /** Settles the token: explicit, or random when the address is not loopback (or one is required). */
    String effectiveToken() {
        if (authToken != null) return authToken;
        if (requireToken || !isLoopback(listen)) {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            authToken = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            return authToken;
        }
        return null;
    }
}
