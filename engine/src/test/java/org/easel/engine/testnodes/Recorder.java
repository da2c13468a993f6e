package org.easel.engine.testnodes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the test nodes saw, independent of the engine's own bookkeeping: the order in which node ids
 * executed, how often each class ran, and the inputs each node id last received.
 */
public final class Recorder {
    /** Used by the no-argument constructors (the ServiceLoader path). */
    public static final Recorder GLOBAL = new Recorder();

    private final List<String> ids = new ArrayList<>();
    private final Map<String, Integer> perClass = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> inputs = new LinkedHashMap<>();

    public synchronized void record(String classType, String nodeId, Map<String, Object> in) {
        ids.add(nodeId);
        perClass.merge(classType, 1, Integer::sum);
        inputs.put(nodeId, new LinkedHashMap<>(in));
    }

    /** Node ids in execution order, since the last {@link #clear()}. */
    public synchronized List<String> executed() {
        return List.copyOf(ids);
    }

    public synchronized int count(String classType) {
        return perClass.getOrDefault(classType, 0);
    }

    /** The inputs node {@code nodeId} received when it last ran (null if it never ran). */
    public synchronized Map<String, Object> inputsOf(String nodeId) {
        Map<String, Object> m = inputs.get(nodeId);
        return m == null ? null : Collections.unmodifiableMap(m);
    }

    public synchronized void clear() {
        ids.clear();
        perClass.clear();
        inputs.clear();
    }
}
