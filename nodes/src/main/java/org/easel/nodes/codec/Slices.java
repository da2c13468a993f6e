package org.easel.nodes.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a loop over {@code [0, n)} in contiguous slices on every core: for the per-pixel passes of saving a
 * picture, which at start-up run mostly in the interpreter (the JIT's queue is full) and so cost tens of ms.
 */
final class Slices {
    /** The body of one slice: {@code [from, to)}. */
    @FunctionalInterface
    interface Body {
        void run(int from, int to);
    }

    private Slices() {}

    /** {@code body} over {@code [0, n)}: one slice per core, none smaller than {@code minSlice}; the caller runs the last. */
    static void run(int n, int minSlice, Body body) {
        int slices = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n / Math.max(1, minSlice)));
        if (slices == 1) {
            body.run(0, n);
            return;
        }
        int size = (n + slices - 1) / slices;
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (int from = 0; from + size < n; from += size) {
            int f = from;
            others.add(CompletableFuture.runAsync(() -> body.run(f, f + size)));
        }
        body.run(others.size() * size, n);
        for (CompletableFuture<Void> o : others) o.join();
    }
}
