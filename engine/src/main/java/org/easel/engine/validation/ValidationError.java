package org.easel.engine.validation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One error in ComfyUI's shape: {@code {type, message, details, extra_info}}. */
public record ValidationError(String type, String message, String details, Map<String, Object> extraInfo) {

    public ValidationError {
        extraInfo = extraInfo == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extraInfo));
    }

    /** The input this error is about, if any. */
    public String inputName() {
        Object v = extraInfo.get("input_name");
        return v == null ? null : v.toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("message", message);
        m.put("details", details);
        m.put("extra_info", extraInfo);
        return m;
    }
}
