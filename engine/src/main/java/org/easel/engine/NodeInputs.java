package org.easel.engine;

import java.util.Collections;
import java.util.Map;

/** The values a node receives, by input name: INT → Long, FLOAT → Double, STRING, BOOLEAN, or socket values. */
public final class NodeInputs {
    private final String nodeId;
    private final String classType;
    private final Map<String, Object> values;

    public NodeInputs(String nodeId, String classType, Map<String, Object> values) {
        this.nodeId = nodeId;
        this.classType = classType;
        this.values = Collections.unmodifiableMap(values);
    }

    public Map<String, Object> asMap() { return values; }
    public boolean has(String name) { return values.get(name) != null; }
    public Object get(String name) { return values.get(name); }

    public <T> T get(String name, Class<T> type) {
        Object v = values.get(name);
        if (v == null) throw new NodeException(nodeId, classType, name, "input '" + name + "' is missing");
        if (!type.isInstance(v)) {
            throw new NodeException(nodeId, classType, name, "input '" + name + "' expected " + type.getSimpleName()
                    + " but got " + v.getClass().getSimpleName());
        }
        return type.cast(v);
    }

    /** The value, or {@code fallback} when the (optional) input is absent. */
    public <T> T getOr(String name, Class<T> type, T fallback) {
        return has(name) ? get(name, type) : fallback;
    }

    public long getLong(String name) { return get(name, Number.class).longValue(); }
    public int getInt(String name) { return Math.toIntExact(getLong(name)); }
    public double getDouble(String name) { return get(name, Number.class).doubleValue(); }
    public String getString(String name) { return get(name, String.class); }
    public boolean getBool(String name) { return get(name, Boolean.class); }

    public String nodeId() { return nodeId; }
    public String classType() { return classType; }

    /** An error about one of these inputs, naming the node and the input. */
    public NodeException error(String input, String reason) {
        return new NodeException(nodeId, classType, input, reason);
    }
}
