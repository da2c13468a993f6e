package org.easel.engine;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What a node returns: one value per output slot, plus an optional UI map (JSON-like: maps, lists,
 * strings, numbers) such as {@code {"images": [{"filename": …, "subfolder": …, "type": "output"}]}}.
 */
public record NodeOutput(List<Object> values, Map<String, Object> ui) {
    public NodeOutput {
        values = Collections.unmodifiableList(Arrays.asList(values.toArray()));
    }

    public static NodeOutput of(Object... values) {
        return new NodeOutput(Arrays.asList(values), null);
    }

    public static NodeOutput withUi(Map<String, Object> ui, Object... values) {
        return new NodeOutput(Arrays.asList(values), ui);
    }
}
