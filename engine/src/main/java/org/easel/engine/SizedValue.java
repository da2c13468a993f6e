package org.easel.engine;

/**
 * A node output that knows roughly how many bytes it holds, so the output cache can keep
 * within its memory budget. Values that do not implement this are counted as small.
 */
public interface SizedValue {
    long sizeBytes();
}
