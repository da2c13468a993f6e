package org.easel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.easel.engine.Json;
import org.easel.engine.prompt.Prompt;
import org.junit.jupiter.api.Test;
import java.util.LinkedHashMap;

class ProgressPrinterTest {
    static final Prompt PROMPT = prompt();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private static Prompt prompt() {
        try {
            return Prompt.of(Json.parse("""
                    {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m"}, "_meta": {"title": "Load Checkpoint"}},
                     "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red circle", "clip": ["4", 1]},
                           "_meta": {"title": "A rather long positive prompt title that will not fit"}},
                     "3": {"class_type": "KSampler", "inputs": {"model": ["4", 0], "positive": ["6", 0]}},
                     "9": {"class_type": "SaveImage", "inputs": {"images": ["3", 0]}}}"""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ProgressPrinter printer(ProgressPrinter.Style style, int columns) {
        return new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), style, PROMPT, 4,
                type -> type.endsWith("LoaderSimple"), () -> columns, clock::get);
    }

    private String text() { return bytes.toString(StandardCharsets.UTF_8); }

    /** What a terminal shows on each redraw: the text after each carriage return and erase-line. */
    private List<String> redraws() {
        return List.of(text().split("\r\033\\[2K")).stream().skip(1).map(s -> s.replace("\n", "")).toList();
    }

    private static Map<String, Object> data(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private void sampler(ProgressPrinter p, int steps, int upTo, long nanosPerStep) {
        p.onEvent("executing", data("node", "3"));
        for (int v = 1; v <= upTo; v++) {
            clock.addAndGet(nanosPerStep);
            p.onEvent("progress", data("value", v, "max", steps, "node", "3"));
        }
    }

    @Test
    void liveLineNeverWrapsInANarrowTerminal() {
        ProgressPrinter p = printer(ProgressPrinter.Style.LIVE, 40);
        p.starting();
        p.onEvent("execution_cached", data("nodes", List.of()));
        p.onEvent("executing", data("node", "4"));
        p.onEvent("executing", data("node", "6"));
        sampler(p, 300, 120, 100_000_000L);
        p.onEvent("executing", data("node", "9"));
        p.onEvent("execution_success", data());
        List<String> lines = redraws();
        assertTrue(lines.size() > 100, lines.toString());
        for (String l : lines) assertTrue(l.length() <= 39, "longer than 39 columns: '" + l + "' (" + l.length() + ")");
        assertEquals("[0/4] loading models…", lines.get(0));
        assertEquals("[1/4] Load Checkpoint #4 — loading mod…", lines.get(1));
        assertTrue(lines.get(2).startsWith("[2/4] A rather long positive prompt t"), lines.get(2));
        assertTrue(text().endsWith("\n"), "the line is closed at the end");
    }

    @Test
    void liveLineShowsStepsPerSecondAndTimeLeft() {
        ProgressPrinter p = printer(ProgressPrinter.Style.LIVE, 100);
        sampler(p, 300, 110, 100_000_000L);               // 10 steps/s after the first
        String last = redraws().get(redraws().size() - 1);
        assertTrue(last.startsWith("[1/4] KSampler #3 [###########-------------------] 110/300"), last);
        assertTrue(last.endsWith("110/300  10.0 steps/s  19 s left"), last);
        assertEquals("Interrupted at KSampler step 110/300 — nothing saved", p.interrupted(List.of()));
        assertEquals("Interrupted at KSampler step 110/300 — saved /o/a.png, /o/b.png",
                p.interrupted(List.of(Path.of("/o/a.png"), Path.of("/o/b.png"))));
    }

    @Test
    void fitDropsTheBarThenTheRate() {
        String wide = ProgressPrinter.fit("[3/7] KSampler #3", 5, 20, 2.5, 80);
        assertEquals("[3/7] KSampler #3 [" + "#".repeat(7) + "-".repeat(23) + "] 5/20  2.5 steps/s  6 s left", wide);
        String narrow = ProgressPrinter.fit("[3/7] KSampler #3", 5, 20, 2.5, 50);
        assertEquals("[3/7] KSampler #3 5/20  2.5 steps/s  6 s left", narrow);
        assertEquals("[3/7] KSampler #3 5/20", ProgressPrinter.fit("[3/7] KSampler #3", 5, 20, 2.5, 30));
        assertEquals("1:02:03", ProgressPrinter.eta(3723));
    }

    @Test
    void interruptBeforeAnyNodeAndBetweenNodes() {
        ProgressPrinter p = printer(ProgressPrinter.Style.QUIET, 80);
        assertEquals("Interrupted before any node ran — nothing saved", p.interrupted(List.of()));
        p.onEvent("executing", data("node", "9"));
        assertEquals("Interrupted at SaveImage — nothing saved", p.interrupted(List.of()));
        assertEquals("", text(), "quiet prints nothing");
    }

    @Test
    void plainLinesForLogs() {
        ProgressPrinter p = printer(ProgressPrinter.Style.PLAIN, 80);
        p.starting();
        sampler(p, 20, 20, 50_000_000L);
        String[] lines = text().split("\n");
        assertEquals("[1/4] KSampler #3", lines[0]);
        assertFalse(text().contains("\r"), text());
        assertEquals("    20/20 (20.0 steps/s)", lines[lines.length - 1]);
        assertTrue(lines.length <= 7, text());
    }

    @Test
    void jsonEventsOnePerLine() throws Exception {
        ProgressPrinter p = printer(ProgressPrinter.Style.JSON, 80);
        p.onEvent("execution_start", data("prompt_id", "x"));
        sampler(p, 2, 2, 1);
        p.onEvent("executed", data("node", "9", "output", Map.of("images", List.of(Map.of("filename", "a.png")))));
        String[] lines = text().split("\n");
        assertEquals(5, lines.length, text());
        JsonNode progress = Json.parse(lines[2]);
        assertEquals("progress", progress.get("type").asText());
        assertEquals(1, progress.get("data").get("value").asInt());
        assertEquals("a.png", Json.parse(lines[4]).get("data").get("output").get("images").get(0).get("filename").asText());
    }
}
