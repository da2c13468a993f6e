package org.easel.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.easel.engine.Json;
import org.easel.engine.exec.ExecutionListener;
import org.easel.engine.prompt.Prompt;
import org.easel.engine.prompt.PromptNode;

/**
 * Shows a run's progress. {@link Style#LIVE}: one line redrawn in place that never wraps (it is cut to the
 * terminal's width), naming the node by its workflow title, with steps per second and time left while a
 * sampler runs and {@code loading models…} while models load. {@link Style#PLAIN}: one line per node and a
 * few progress lines, for logs. {@link Style#JSON}: every event as one JSON object
 * {@code {"type": …, "data": …}} (ComfyUI's WebSocket messages) on its own line. {@link Style#QUIET}: nothing.
 * Whatever the style, it remembers where the run is, for the message after an interrupt.
 */
final class ProgressPrinter implements ExecutionListener {
    enum Style { LIVE, PLAIN, JSON, QUIET }

    private static final String LOADING = "loading models…";

    private final PrintStream out;
    private final Style style;
    private final Prompt prompt;
    private final Predicate<String> isLoader;
    private final IntSupplier columns;
    private final LongSupplier nanos;
    private int total;
    private int done;
    private String nodeId;
    private String nodeName;
    private String head = "";
    private long value;
    private long max;
    private long firstValue;
    private long firstAt;
    private long lastPlainQuarter = -1;
    private boolean lineOpen;

    /**
     * @param out      where the line or the JSON events go
     * @param isLoader tells node types that load models (their line says {@code loading models…})
     * @param columns  the terminal's width now (asked at each redraw)
     * @param nanos    the clock for steps per second
     */
    ProgressPrinter(PrintStream out, Style style, Prompt prompt, int nodesNeeded, Predicate<String> isLoader,
                    IntSupplier columns, LongSupplier nanos) {
        this.out = out;
        this.style = style;
        this.prompt = prompt;
        this.total = nodesNeeded;
        this.isLoader = isLoader;
        this.columns = columns;
        this.nanos = nanos;
    }

    /** Before the first node: the live line says models are loading instead of staying blank. */
    synchronized void starting() {
        if (style == Style.LIVE) draw("[0/" + total + "] " + LOADING);
    }

    @Override
    public synchronized void onEvent(String type, Map<String, Object> data) {
        if (style == Style.JSON) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            m.put("data", data);
            out.println(Json.write(m));
            out.flush();
        }
        switch (type) {
            case "execution_cached" -> {
                Collection<?> cached = (Collection<?>) data.get("nodes");
                total = Math.max(0, total - cached.size());
            }
            case "executing" -> {
                Object node = data.get("node");
                if (node != null) startNode(node.toString());
            }
            case "progress" -> progress(((Number) data.get("value")).longValue(), ((Number) data.get("max")).longValue());
            case "execution_success", "execution_error", "execution_interrupted" -> endLine();
            default -> { }
        }
    }

    private void startNode(String id) {
        done++;
        PromptNode pn = prompt.node(id);
        String classType = pn == null ? "?" : pn.classType();
        String title = pn == null ? null : pn.title();
        nodeId = id;
        nodeName = title != null && !title.isBlank() ? title : classType;
        head = "[" + done + "/" + Math.max(total, done) + "] " + nodeName + " #" + id;
        value = 0;
        max = 0;
        firstAt = 0;
        lastPlainQuarter = -1;
        if (style == Style.LIVE) draw(isLoader.test(classType) ? head + " — " + LOADING : head);
        else if (style == Style.PLAIN) out.println(head);
    }

    private void progress(long v, long m) {
        long now = nanos.getAsLong();
        if (firstAt == 0 || v < value) {          // the first step includes loading: rates start after it
            firstAt = now;
            firstValue = v;
        }
        value = v;
        max = Math.max(1, m);
        double rate = v > firstValue ? (v - firstValue) / ((now - firstAt) / 1e9) : Double.NaN;
        if (style == Style.LIVE) {
            draw(fit(head, v, max, rate, columns.getAsInt()));
        } else if (style == Style.PLAIN) {
            long quarter = 4 * v / max;
            if (quarter != lastPlainQuarter || v == max) {
                lastPlainQuarter = quarter;
                out.println("    " + v + "/" + max + (Double.isNaN(rate) ? "" : String.format(" (%.1f steps/s)", rate)));
            }
        }
    }

    /**
     * The live line for a step, at most {@code columns − 1} characters (a line that fills the last column
     * wraps in some terminals): the bar shrinks first, then the rate and time left go, then the name is cut.
     */
    static String fit(String head, long v, long max, double rate, int columns) {
        int room = Math.max(10, columns) - 1;
        String counts = v + "/" + max;
        String speed = Double.isNaN(rate) || rate <= 0 ? "" : String.format("%.1f steps/s", rate);
        String left = Double.isNaN(rate) || rate <= 0 ? "" : eta((max - v) / rate) + " left";
        String tail = counts + (speed.isEmpty() ? "" : "  " + speed + "  " + left);
        int barRoom = room - head.length() - tail.length() - 4;       // two spaces and the brackets
        if (barRoom >= 8) {
            int width = Math.min(30, barRoom);
            int filled = (int) (width * v / Math.max(1, max));
            return head + " [" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + tail;
        }
        String line = head + " " + tail;
        if (line.length() > room) line = head + " " + counts;
        return cut(line, room);
    }

    /** {@code 42 s}, {@code 3:05}, {@code 1:02:03}. */
    static String eta(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) return s + " s";
        if (s < 3600) return String.format("%d:%02d", s / 60, s % 60);
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    static String cut(String line, int room) {
        return line.length() <= room ? line : line.substring(0, Math.max(0, room - 1)) + "…";
    }

    private void draw(String line) {
        out.print("\r\033[2K" + cut(line, Math.max(10, columns.getAsInt()) - 1));
        out.flush();
        lineOpen = true;
    }

    /** Ends the live line (the next output starts on a fresh line). */
    synchronized void endLine() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
    }

    /**
     * What to say after Ctrl+C: {@code Interrupted at KSampler step 110/300 — nothing saved}, or the files
     * that were saved before it.
     */
    synchronized String interrupted(List<Path> saved) {
        String where = nodeName == null ? "Interrupted before any node ran"
                : "Interrupted at " + nodeName + (max > 0 ? " step " + value + "/" + max : "");
        String what = saved.isEmpty() ? "nothing saved"
                : "saved " + String.join(", ", saved.stream().map(Path::toString).toList());
        return where + " — " + what;
    }

    /** The id of the node running or last run, or null. */
    synchronized String nodeId() { return nodeId; }
}
