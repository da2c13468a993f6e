package org.easel.nodes.script;

import java.time.Duration;

/**
 * What one call of a script may use: wall-clock time, JavaScript statements, the size of what it returns,
 * and how full the shared Java heap may get while scripts run before they are stopped.
 *
 * @param timeBudget     longest call (the script is cancelled after it)
 * @param statementLimit most JavaScript statements per call
 * @param maxOutputBytes largest value a call may return (image data, strings)
 * @param heapFraction   scripts are stopped when the used Java heap passes this share of the maximum
 */
public record ScriptLimits(Duration timeBudget, long statementLimit, long maxOutputBytes, double heapFraction) {
    public ScriptLimits {
        if (timeBudget.isNegative() || timeBudget.isZero()) throw new IllegalArgumentException("the script time budget must be positive");
        if (statementLimit < 1) throw new IllegalArgumentException("the statement limit must be positive");
        if (maxOutputBytes < 1) throw new IllegalArgumentException("the output size limit must be positive");
        if (!(heapFraction > 0 && heapFraction <= 1)) throw new IllegalArgumentException("the heap fraction must be in (0, 1]");
    }

    /** 60 s, 10⁹ statements, 1 GiB per output, stop at 90 % of the heap. */
    public static ScriptLimits defaults() {
        return new ScriptLimits(Duration.ofSeconds(60), 1_000_000_000L, 1L << 30, 0.9);
    }

    public ScriptLimits withTimeBudget(Duration d) { return new ScriptLimits(d, statementLimit, maxOutputBytes, heapFraction); }
    public ScriptLimits withStatementLimit(long n) { return new ScriptLimits(timeBudget, n, maxOutputBytes, heapFraction); }
    public ScriptLimits withMaxOutputBytes(long n) { return new ScriptLimits(timeBudget, statementLimit, n, heapFraction); }
    public ScriptLimits withHeapFraction(double f) { return new ScriptLimits(timeBudget, statementLimit, maxOutputBytes, f); }
}
