package org.easel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.easel.engine.Environment;
import org.easel.engine.exec.ExecutionResult;
import org.junit.jupiter.api.Test;

class OperatorLogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Environment env = Environment.under(Path.of("/srv/easel"), "cpu");
    private final OperatorLog log = new OperatorLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), env);

    private String[] lines() {
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    @Test
    void oneLinePerPromptEvent() {
        String id = "0123456789abcdef";
        log.queued(id, 7, 2);
        log.started(id);
        Map<String, Map<String, Object>> outputs = Map.of("9", Map.of("images",
                List.of(Map.of("filename", "easel_00001_.png", "subfolder", "", "type", "output"))));
        log.ended(id, new ExecutionResult(true, false, outputs, List.of(), List.of("9"), List.of(), null), 2340);
        String[] l = lines();
        assertEquals(3, l.length);
        assertTrue(l[0].matches("\\d\\d:\\d\\d:\\d\\d prompt 01234567 queued \\(7 nodes, 2 in the queue\\)"), l[0]);
        assertTrue(l[1].endsWith(" prompt 01234567 started"), l[1]);
        assertTrue(l[2].endsWith(" prompt 01234567 finished in 2.3 s: saved /srv/easel/output/easel_00001_.png"), l[2]);
    }

    @Test
    void failuresAndInterruptsNameTheNode() {
        Map<String, Object> error = Map.of("node_id", "3", "node_type", "KSampler", "exception_message", "out of memory");
        log.ended("aaaaaaaa-1", new ExecutionResult(false, false, Map.of(), List.of(), List.of(), List.of(), error), 500);
        log.ended("bbbbbbbb-2", new ExecutionResult(false, true, Map.of(), List.of(), List.of(), List.of(),
                Map.of("node_id", "3", "node_type", "KSampler")), 12_000);
        String[] l = lines();
        assertTrue(l[0].endsWith(" prompt aaaaaaaa failed after 0.5 s at node #3 (KSampler): out of memory"), l[0]);
        assertTrue(l[1].endsWith(" prompt bbbbbbbb interrupted after 12.0 s at node #3 (KSampler)"), l[1]);
    }
}
