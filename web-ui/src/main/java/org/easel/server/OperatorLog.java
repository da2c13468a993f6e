package org.easel.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.easel.engine.Environment;
import org.easel.engine.exec.ExecutionResult;

/**
 * One line per prompt event for the person running {@code easel serve}: queued, started, and finished
 * (with the time and the saved files), failed (with the node and reason) or interrupted. Null stream: silent;
 * the environment (for the saved files' folders) is needed only by {@link #ended}.
 */
final class OperatorLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final Environment env;

    OperatorLog(PrintStream out, Environment env) {
        this.out = out;
        this.env = env;
    }

    void queued(String promptId, int nodes, int waiting) {
        line(promptId, "queued (" + nodes + (nodes == 1 ? " node" : " nodes") + ", " + waiting + " in the queue)");
    }

    void started(String promptId) {
        line(promptId, "started");
    }

    void ended(String promptId, ExecutionResult r, long millis) {
        String took = String.format("%.1f s", millis / 1000.0);
        if (r.success()) {
            List<String> saved = saved(r.outputs());
            line(promptId, "finished in " + took + (saved.isEmpty() ? "" : ": saved " + String.join(", ", saved)));
        } else if (r.interrupted()) {
            line(promptId, "interrupted after " + took + at(r.error()));
        } else {
            Object why = r.error() == null ? null : r.error().get("exception_message");
            line(promptId, "failed after " + took + at(r.error()) + (why == null ? "" : ": " + why));
        }
    }

    private static String at(Map<String, Object> error) {
        if (error == null || error.get("node_id") == null) return "";
        return " at node #" + error.get("node_id") + " (" + error.get("node_type") + ")";
    }

    /** The files in the UI outputs (images, and files of other output nodes), as paths. */
    private List<String> saved(Map<String, Map<String, Object>> outputs) {
        List<String> paths = new ArrayList<>();
        for (Map<String, Object> ui : outputs.values()) {
            if (!(ui.get("images") instanceof List<?> items)) continue;
            for (Object o : items) {
                if (!(o instanceof Map<?, ?> item) || item.get("filename") == null) continue;
                Path base = "temp".equals(item.get("type")) ? env.tempDir() : env.outputDir();
                String sub = item.get("subfolder") == null ? "" : item.get("subfolder").toString();
                paths.add(base.resolve(sub).resolve(item.get("filename").toString()).toString());
            }
        }
        return paths;
    }

    private void line(String promptId, String what) {
        if (out == null) return;
        out.println(LocalTime.now().format(TIME) + " prompt " + promptId.substring(0, Math.min(8, promptId.length())) + " " + what);
    }
}
