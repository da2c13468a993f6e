package org.easel.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.easel.engine.Environment;
import org.easel.engine.NodeRegistry;
import org.easel.nodes.Setup;
import org.easel.nodes.onnx.Device;
import org.easel.nodes.onnx.ModelFolders;
import org.easel.server.EaselServer;
import org.easel.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code easel serve}: the ComfyUI-compatible HTTP + WebSocket server. Option names follow ComfyUI's. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Start the ComfyUI-compatible HTTP + WebSocket server.",
                "Listens on 127.0.0.1:8188 by default. On any other address every request needs a token "
                        + "(--auth-token, or a random one printed at start)."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--listen", arity = "0..1", paramLabel = "ADDR", defaultValue = "127.0.0.1", fallbackValue = "0.0.0.0",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; without a value: 0.0.0.0, all interfaces).")
    String listen;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8188", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-upload-size", paramLabel = "MB", defaultValue = "100",
            description = "Largest request body (uploads) in MB (default: ${DEFAULT-VALUE}).")
    double maxUploadMb;

    @Option(names = "--enable-cors-header", arity = "0..1", paramLabel = "ORIGIN", fallbackValue = "*",
            description = "Allow cross-origin requests from ORIGIN (without a value: any origin) and send CORS headers.")
    String cors;

    @Option(names = "--auth-token", paramLabel = "TOKEN",
            description = "Token required on every request (Authorization: Bearer TOKEN, or ?token=TOKEN). "
                    + "Default: none on loopback, a random one otherwise.")
    String authToken;

    @Option(names = "--max-history", paramLabel = "N", defaultValue = "10000",
            description = "History entries kept (default: ${DEFAULT-VALUE}).")
    int maxHistory;

    @Option(names = "--preview-method", paramLabel = "METHOD", defaultValue = "none",
            description = "Latent previews while sampling: none (default), auto, latent2rgb or taesd (all but none draw "
                    + "Easel's latent-to-RGB preview). A prompt's extra_data.preview_method overrides it.")
    String previewMethod;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    /** The command line as typed: {@code easel serve} and its options. */
    private List<String> argv() {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> orig = parsed == null ? List.of() : parsed.originalArgs();
        List<String> a = new ArrayList<>(List.of("easel"));
        if (orig.isEmpty() || !orig.get(0).equals("serve")) a.add("serve");
        a.addAll(orig);
        return a;
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535");
        if (maxUploadMb <= 0) throw new IllegalArgumentException("--max-upload-size must be positive");
        Environment env = common.environment();
        try {
            Setup.prepare(env, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        ServerConfig cfg = new ServerConfig().listen(listen).port(port).authToken(authToken).corsOrigin(cors)
                .maxUploadBytes((long) (maxUploadMb * 1024 * 1024)).maxHistory(maxHistory)
                .cacheBytes(common.cacheBytes()).version(Main.Version.get())
                .previewMethod(previewMethod).argv(argv()).workflowsDir(CommonOptions.home().resolve("workflows"));
        EaselServer server = new EaselServer(NodeRegistry.load(), env, cfg, System.err).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("Stopping…");
            server.close();
            stopped.countDown();
        }, "easel-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (server.token() != null && authToken == null) {
            System.out.println("Listening on " + listen + ", not a loopback address: every request needs this token:");
            System.out.println("  " + server.token());
        }
        summary(env).forEach(System.err::println);
        System.out.println("Easel is ready: " + server.url());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The start-up summary for the operator: folders, device and the models found. */
    static List<String> summary(Environment env) {
        List<String> lines = new ArrayList<>();
        lines.add("  models  " + env.modelsDir());
        for (String folder : ModelFolders.folders(env)) {        // the known folders and any the user added
            List<String> names = ModelFolders.list(env, folder);
            if (names.isEmpty()) continue;
            String shown = String.join(", ", names.subList(0, Math.min(4, names.size())))
                    + (names.size() > 4 ? ", … (" + names.size() + ")" : "");
            lines.add(String.format("          %-16s %s", folder + ":", shown));
        }
        if (lines.size() == 1) lines.add("          (no models yet: put ONNX exports in checkpoints/)");
        lines.add("  input   " + env.inputDir());
        lines.add("  output  " + env.outputDir());
        lines.add("  temp    " + env.tempDir());
        lines.add("  user    " + env.userDir());
        String device = env.device();
        if (device.equals("auto")) device = Device.cudaBuildPresent() ? "auto (cuda:0, GPU build of ONNX Runtime)" : "auto (cpu)";
        lines.add("  device  " + device);
        return lines;
    }
}
