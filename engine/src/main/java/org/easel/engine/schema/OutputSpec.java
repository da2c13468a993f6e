package org.easel.engine.schema;

/** One output slot: its type, its display name, whether it is a list, and an optional tooltip. */
public record OutputSpec(String type, String name, boolean isList, String tooltip) {
    public OutputSpec(String type) {
        this(type, type, false, null);
    }
}
