package org.easel.cli;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Map;
import org.easel.engine.exec.ExecutionListener;
import org.easel.engine.prompt.Prompt;

/**
 * Shows a run's progress: a live bar redrawn in place on a terminal, plain lines otherwise (logs, CI).
 */
final class ProgressPrinter implements ExecutionListener {
    private final PrintStream out;
    private final boolean tty;
    private final Prompt prompt;
    private int total;
    private int done;
    private String current = "";
    private long lastPercentShown = -1;
    private boolean barOpen;

    ProgressPrinter(PrintStream out, boolean tty, Prompt prompt, int nodesNeeded) {
        this.out = out;
        this.tty = tty;
        this.prompt = prompt;
        this.total = nodesNeeded;
    }

    @Override
    public synchronized void onEvent(String type, Map<String, Object> data) {
        switch (type) {
            case "execution_cached" -> {
                Collection<?> cached = (Collection<?>) data.get("nodes");
                total = Math.max(0, total - cached.size());
            }
            case "executing" -> {
                Object node = data.get("node");
                if (node == null) return;
                done++;
                String id = node.toString();
                var pn = prompt.node(id);
                current = "[" + done + "/" + Math.max(total, done) + "] " + (pn == null ? id : pn.classType() + " #" + id);
                lastPercentShown = -1;
                if (tty) draw(current);
                else out.println(current);
            }
            case "progress" -> {
                long v = ((Number) data.get("value")).longValue();
                long max = Math.max(1, ((Number) data.get("max")).longValue());
                if (tty) {
                    int width = 30;
                    int filled = (int) (width * v / max);
                    draw(current + " [" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + v + "/" + max);
                } else {
                    long pct = 100 * v / max;
                    if (pct / 25 != lastPercentShown / 25 || v == max) {
                        lastPercentShown = pct;
                        out.println("    " + v + "/" + max);
                    }
                }
            }
            case "execution_success", "execution_error", "execution_interrupted" -> endBar();
            default -> { }
        }
    }

    private void draw(String line) {
        out.print("\r\033[2K" + line);
        out.flush();
        barOpen = true;
    }

    synchronized void endBar() {
        if (barOpen) {
            out.println();
            barOpen = false;
        }
    }
}
