package org.easel.engine.schema;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One declared input of a node: its name, its type (INT, FLOAT, STRING, BOOLEAN, COMBO or a socket
 * type such as IMAGE) and ComfyUI's options (default, min, max, step, multiline, lazy, tooltip…).
 * Immutable: the fluent methods return a changed copy.
 */
public final class InputSpec {
    private final String name;
    private final String type;
    private final Map<String, Object> options;
    private final Function<Folders, List<String>> choices;
    private boolean selfValidated;

    private InputSpec(String name, String type, Map<String, Object> options, Function<Folders, List<String>> choices) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.options = Collections.unmodifiableMap(options);
        this.choices = choices;
    }

    // ---- factories ------------------------------------------------------------------------

    /** A socket (link-only) input such as MODEL or IMAGE. */
    public static InputSpec socket(String name, String type) {
        return new InputSpec(name, type, new LinkedHashMap<>(), null);
    }

    public static InputSpec integer(String name, long def, long min, long max) {
        return integer(name, def, BigInteger.valueOf(min), BigInteger.valueOf(max));
    }

    public static InputSpec integer(String name, long def, BigInteger min, BigInteger max) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("default", def);
        o.put("min", small(min));
        o.put("max", small(max));
        return new InputSpec(name, Types.INT, o, null);
    }

    public static InputSpec number(String name, double def, double min, double max) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("default", def);
        o.put("min", min);
        o.put("max", max);
        return new InputSpec(name, Types.FLOAT, o, null);
    }

    public static InputSpec string(String name, String def) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("default", def);
        return new InputSpec(name, Types.STRING, o, null);
    }

    public static InputSpec bool(String name, boolean def) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("default", def);
        return new InputSpec(name, Types.BOOLEAN, o, null);
    }

    /** A COMBO with fixed choices; the first is the default. */
    public static InputSpec combo(String name, List<String> values) {
        List<String> fixed = List.copyOf(values);
        Map<String, Object> o = new LinkedHashMap<>();
        if (!fixed.isEmpty()) o.put("default", fixed.get(0));
        return new InputSpec(name, Types.COMBO, o, env -> fixed);
    }

    /** A COMBO whose choices depend on the environment (e.g. the files in a models folder). */
    public static InputSpec combo(String name, Function<Folders, List<String>> values) {
        return new InputSpec(name, Types.COMBO, new LinkedHashMap<>(), values);
    }

    private static Object small(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    // ---- fluent options ---------------------------------------------------------------------

    public InputSpec with(String option, Object value) {
        Map<String, Object> o = new LinkedHashMap<>(options);
        o.put(option, value);
        InputSpec s = new InputSpec(name, type, o, choices);
        s.selfValidated = selfValidated;
        return s;
    }

    public InputSpec step(double step) { return with("step", type.equals(Types.INT) ? (Object) (long) step : step); }
    public InputSpec round(double round) { return with("round", round); }
    public InputSpec multiline() { return with("multiline", true); }
    public InputSpec tooltip(String text) { return with("tooltip", text); }
    public InputSpec lazy() { return with("lazy", true); }
    public InputSpec forceInput() { return with("forceInput", true); }
    public InputSpec controlAfterGenerate() { return with("control_after_generate", true); }
    public InputSpec defaultValue(Object value) { return with("default", value); }

    /**
     * The node checks this input itself in {@code Node.validate} (ComfyUI: VALIDATE_INPUTS
     * takes the input by name), so the generic range and combo-membership checks are skipped.
     */
    public InputSpec selfValidated() {
        InputSpec s = new InputSpec(name, type, new LinkedHashMap<>(options), choices);
        s.selfValidated = true;
        return s;
    }

    public boolean isSelfValidated() { return selfValidated; }

    // ---- accessors ----------------------------------------------------------------------------

    public String name() { return name; }
    public String type() { return type; }
    public Map<String, Object> options() { return options; }
    public Object option(String key) { return options.get(key); }
    public boolean isCombo() { return choices != null; }
    public boolean isPrimitive() { return Types.PRIMITIVES.contains(type); }
    public boolean isLazy() { return Boolean.TRUE.equals(options.get("lazy")); }
    public Object defaultValue() { return options.get("default"); }

    /** The COMBO choices in this environment (empty for non-combo inputs). */
    public List<String> choices(Folders env) {
        return choices == null ? List.of() : choices.apply(env);
    }

    /** ComfyUI's {@code [TYPE, {options}]} form; a COMBO's TYPE is its list of choices. */
    public List<Object> toJson(Folders env) {
        if (choices != null) {
            List<String> values = choices(env);
            Map<String, Object> o = new LinkedHashMap<>(options);
            if (!o.containsKey("default") && !values.isEmpty()) o.put("default", values.get(0));
            return List.of(values, o);
        }
        return List.of(type, options);
    }

    @Override
    public String toString() { return name + ":" + type; }
}
