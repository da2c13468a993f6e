package org.easel.engine.exec;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.easel.engine.SizedValue;

/**
 * Node outputs kept between runs, keyed by input signature, bounded by a memory budget in bytes with
 * least-recently-used eviction. A budget of 0 disables caching (values still flow within a run).
 * Thread-safe.
 */
public final class OutputCache {
    /** Outputs of one node and the UI it produced (null if none). */
    public record Entry(List<Object> outputs, Map<String, Object> ui, long bytes) {}

    private final LinkedHashMap<CacheKey, Entry> map = new LinkedHashMap<>(256, 0.75f, true);
    private long budget;
    private long used;
    private long hits;
    private long misses;

    public OutputCache(long budgetBytes) {
        this.budget = Math.max(0, budgetBytes);
    }

    public static OutputCache disabled() {
        return new OutputCache(0);
    }

    public synchronized Entry get(CacheKey key) {
        Entry e = map.get(key);
        if (e == null) misses++; else hits++;
        return e;
    }

    /** Peek without touching LRU order or statistics. */
    public synchronized boolean contains(CacheKey key) {
        return map.containsKey(key);
    }

    /** The ids whose keys are cached, under one lock (no LRU touch, no statistics). */
    public synchronized Set<String> present(Map<String, CacheKey> keys) {
        Set<String> ids = new HashSet<>();
        keys.forEach((id, k) -> { if (map.containsKey(k)) ids.add(id); });
        return ids;
    }

    public synchronized void put(CacheKey key, List<Object> outputs, Map<String, Object> ui) {
        if (budget == 0) return;
        long bytes = 64;
        for (Object o : outputs) bytes += sizeOf(o);
        if (bytes > budget) return;          // larger than the whole budget: never cached
        Entry old = map.put(key, new Entry(outputs, ui, bytes));
        if (old != null) used -= old.bytes();
        used += bytes;
        evict();
    }

    private void evict() {
        Iterator<Map.Entry<CacheKey, Entry>> it = map.entrySet().iterator();
        while (used > budget && it.hasNext()) {
            used -= it.next().getValue().bytes();
            it.remove();
        }
    }

    public synchronized void clear() {
        map.clear();
        used = 0;
    }

    public synchronized void setBudget(long budgetBytes) {
        budget = Math.max(0, budgetBytes);
        evict();
    }

    public synchronized long budget() { return budget; }
    public synchronized long usedBytes() { return used; }
    public synchronized int size() { return map.size(); }
    public synchronized long hits() { return hits; }
    public synchronized long misses() { return misses; }

    /** Rough size of a value: {@link SizedValue} knows; arrays and strings are counted; the rest is small. */
    public static long sizeOf(Object o) {
        if (o == null) return 8;
        if (o instanceof SizedValue s) return s.sizeBytes();
        if (o instanceof String s) return 40 + 2L * s.length();
        if (o instanceof float[] a) return 16 + 4L * a.length;
        if (o instanceof double[] a) return 16 + 8L * a.length;
        if (o instanceof int[] a) return 16 + 4L * a.length;
        if (o instanceof long[] a) return 16 + 8L * a.length;
        if (o instanceof byte[] a) return 16 + a.length;
        if (o instanceof List<?> l) {
            long n = 40;
            for (Object x : l) n += sizeOf(x);
            return n;
        }
        return 32;
    }
}
