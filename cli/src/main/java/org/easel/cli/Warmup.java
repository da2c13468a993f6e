package org.easel.cli;

import org.easel.engine.Json;
import org.easel.nodes.onnx.OrtNatives;

/**
 * Work every {@code easel run} needs whatever its arguments, started on a second thread at the first
 * instruction so that it overlaps the parsing of the command line (about a tenth of a second of reflection):
 * loading ONNX Runtime's native libraries and setting up Jackson. Class initialisation is thread-safe, so the
 * run simply finds them ready, or waits for the part still under way. {@code -Deasel.warmup=false} turns it
 * off (to measure what it saves: about 0.12 s of a 1.45 s first picture on 2 cores).
 */
final class Warmup {
    private Warmup() {}

    static void start() {
        Thread t = new Thread(Warmup::run, "easel-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        try {
            OrtNatives.prepare();
            // the class's static initialiser loads the native libraries; no environment is made here
            Class.forName("ai.onnxruntime.OrtEnvironment", true, Warmup.class.getClassLoader());
            Json.MAPPER.readTree("{\"1\":{\"inputs\":{\"a\":[\"2\",0],\"b\":1.5,\"c\":\"x\",\"d\":true,\"e\":null}}}");
            Json.write(Json.MAPPER.createObjectNode().put("a", 1));
        } catch (Throwable ignored) {
            // the run does the same work itself and reports any failure
        }
    }
}
