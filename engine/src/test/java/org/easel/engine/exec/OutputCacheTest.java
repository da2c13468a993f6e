package org.easel.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.easel.engine.SizedValue;
import org.junit.jupiter.api.Test;

class OutputCacheTest {
    record Blob(long sizeBytes) implements SizedValue {}

    static final CacheKey A = new CacheKey(1, 1), B = new CacheKey(2, 2), C = new CacheKey(3, 3);

    /** An entry costs 64 bytes plus its values. */
    static List<Object> blob(long bytes) {
        return List.of(new Blob(bytes - 64));
    }

    @Test
    void putGetAndAccounting() {
        OutputCache c = new OutputCache(10_000);
        Map<String, Object> ui = Map.of("k", List.of(1));
        c.put(A, blob(1000), ui);
        OutputCache.Entry e = c.get(A);
        assertNotNull(e);
        assertSame(ui, e.ui());
        assertEquals(1000, e.bytes());
        assertEquals(1000, c.usedBytes());
        assertEquals(1, c.size());
        assertNull(c.get(B));
        assertEquals(1, c.hits());
        assertEquals(1, c.misses());
        // replacing an entry replaces its bytes
        c.put(A, blob(3000), null);
        assertEquals(3000, c.usedBytes());
        assertEquals(1, c.size());
    }

    @Test
    void evictsLeastRecentlyUsedFirst() {
        OutputCache c = new OutputCache(2500);
        c.put(A, blob(1000), null);
        c.put(B, blob(1000), null);
        c.get(A);                          // A is now the most recent
        c.put(C, blob(1000), null);        // over budget: B goes
        assertTrue(c.contains(A));
        assertFalse(c.contains(B));
        assertTrue(c.contains(C));
        assertEquals(2000, c.usedBytes());
    }

    @Test
    void containsDoesNotTouchOrCount() {
        OutputCache c = new OutputCache(2500);
        c.put(A, blob(1000), null);
        c.put(B, blob(1000), null);
        assertTrue(c.contains(A));         // a peek: A stays the eldest
        c.put(C, blob(1000), null);
        assertFalse(c.contains(A));
        assertTrue(c.contains(B));
        assertEquals(0, c.hits() + c.misses());
    }

    @Test
    void entryLargerThanTheBudgetIsNeverCached() {
        OutputCache c = new OutputCache(2000);
        c.put(A, blob(1000), null);
        c.put(B, blob(5000), null);
        assertFalse(c.contains(B));
        assertTrue(c.contains(A), "a too-large entry does not flush the others");
        assertEquals(1000, c.usedBytes());
    }

    @Test
    void zeroBudgetStoresNothing() {
        OutputCache c = OutputCache.disabled();
        c.put(A, List.of(1L), null);
        assertEquals(0, c.size());
        assertNull(c.get(A));
        assertEquals(0, new OutputCache(-5).budget());
    }

    @Test
    void shrinkingTheBudgetEvicts() {
        OutputCache c = new OutputCache(10_000);
        c.put(A, blob(1000), null);
        c.put(B, blob(1000), null);
        c.put(C, blob(1000), null);
        c.setBudget(2000);
        assertEquals(2000, c.budget());
        assertFalse(c.contains(A));
        assertTrue(c.contains(B) && c.contains(C));
        c.setBudget(0);
        assertEquals(0, c.size());
        assertEquals(0, c.usedBytes());
    }

    @Test
    void clearEmptiesEverything() {
        OutputCache c = new OutputCache(10_000);
        c.put(A, blob(1000), null);
        c.clear();
        assertEquals(0, c.size());
        assertEquals(0, c.usedBytes());
        assertFalse(c.contains(A));
    }

    @Test
    void sizeOfKnownValues() {
        assertEquals(12345, OutputCache.sizeOf(new Blob(12345)));
        assertEquals(16 + 4 * 100, OutputCache.sizeOf(new float[100]));
        assertEquals(16 + 8 * 10, OutputCache.sizeOf(new double[10]));
        assertEquals(16 + 7, OutputCache.sizeOf(new byte[7]));
        assertEquals(40 + 2 * 3, OutputCache.sizeOf("abc"));
        assertEquals(40 + 100 + (16 + 4), OutputCache.sizeOf(List.of(new Blob(100), new float[1])));
        assertEquals(8, OutputCache.sizeOf(null));
        assertEquals(32, OutputCache.sizeOf(5L));
    }

    @Test
    void cacheKeyPrintsAs32HexDigits() {
        assertEquals("000000000000000100000000000000ff", new CacheKey(1, 255).toString());
    }
}
