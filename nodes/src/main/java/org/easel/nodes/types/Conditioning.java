package org.easel.nodes.types;

import java.util.ArrayList;
import java.util.List;
import org.easel.engine.SizedValue;

/**
 * CONDITIONING: a list of entries, each a context tensor [1,L,D] (the text tokens), a pooled vector
 * [1,P], and the part of the schedule it applies to ({@code start}..{@code end} as fractions of the
 * denoising, ComfyUI's timestep range; 0..1 = always). Combining concatenates the lists; the sampler
 * averages the predictions of the entries active at each step.
 */
public record Conditioning(List<Entry> entries) implements SizedValue {
    public record Entry(FloatTensor context, FloatTensor pooled, double start, double end, double strength) {
        public Entry(FloatTensor context, FloatTensor pooled) {
            this(context, pooled, 0.0, 1.0, 1.0);
        }

        public Entry withRange(double s, double e) { return new Entry(context, pooled, s, e, strength); }
    }

    public Conditioning {
        entries = List.copyOf(entries);
    }

    public static Conditioning of(FloatTensor context, FloatTensor pooled) {
        return new Conditioning(List.of(new Entry(context, pooled)));
    }

    public Conditioning plus(Conditioning other) {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new Conditioning(all);
    }

    @Override
    public long sizeBytes() {
        long n = 64;
        for (Entry e : entries) n += e.context().sizeBytes() + e.pooled().sizeBytes();
        return n;
    }
}
