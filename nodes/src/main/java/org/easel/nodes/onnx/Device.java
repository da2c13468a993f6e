package org.easel.nodes.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import java.util.Locale;

/**
 * Where ONNX models run: the CPU or one CUDA GPU. {@code auto} picks CUDA only when the GPU build of ONNX
 * Runtime is on the class path (the {@code gpu} Maven profile) and its CUDA provider loads; otherwise the CPU.
 */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    /** Parses {@code cpu}, {@code cuda}, {@code cuda:N} (not {@code auto}: see {@link OnnxRuntime}). */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) return CPU;
        if (s.equals("cuda")) return new Device(Kind.CUDA, 0);
        if (s.startsWith("cuda:")) {
            try {
                int i = Integer.parseInt(s.substring(5));
                if (i >= 0) return new Device(Kind.CUDA, i);
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        throw new IllegalArgumentException("device must be auto, cpu, cuda or cuda:N, not '" + spec + "'");
    }

    /** True when this ONNX Runtime build ships the CUDA execution provider (the GPU jar). */
    public static boolean cudaBuildPresent() {
        OrtNatives.prepare();
        try {
            EnumSet<OrtProvider> p = OrtEnvironment.getAvailableProviders();
            return p.contains(OrtProvider.CUDA);
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
