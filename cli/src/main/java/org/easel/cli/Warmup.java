package org.easel.cli;

import ai.djl.huggingface.tokenizers.jni.LibUtils;
import org.easel.engine.Json;
import org.easel.nodes.onnx.OrtNatives;
import org.easel.nodes.text.T5Tokenizer;

/**
 * Work every {@code easel run} needs whatever its arguments, started on a second thread at the first
 * instruction so that it overlaps the parsing of the command line (about a tenth of a second of reflection):
 * loading ONNX Runtime's and the T5 tokenizer's native libraries and setting up Jackson. Class initialisation
 * is thread-safe, so the run simply finds them ready, or waits for the part still under way.
 * {@code -Deasel.warmup=false} turns it off (to measure what it saves: about 0.1 s of a first picture on
 * 2 cores).
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
            // the T5 tokenizer's native library (its class sets DJL's offline properties first)
            Class.forName(T5Tokenizer.class.getName(), true, Warmup.class.getClassLoader());
            LibUtils.checkStatus();
        } catch (Throwable ignored) {
            // the run does the same work itself and reports any failure
        }
    }
}
