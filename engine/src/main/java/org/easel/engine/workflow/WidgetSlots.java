package org.easel.engine.workflow;

import java.util.ArrayList;
import java.util.List;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.Types;

/**
 * The editor's widget list of a node type, in the order of {@code widgets_values}: every widget input
 * (INT, FLOAT, STRING, BOOLEAN, COMBO, unless {@code forceInput}) in declaration order, required then
 * optional, plus the editor-only companions ComfyUI's editor inserts: {@code control_after_generate} after
 * an INT that asks for it (or, when it says nothing, an INT named {@code seed} or {@code noise_seed}),
 * {@code control_after_generate} and {@code control_filter_list} after a COMBO that asks for it, and the
 * upload button after a COMBO with {@code image_upload}. Companions are stored in the file, never sent to
 * the server.
 */
public final class WidgetSlots {
    /** The upload button's value in files saved by the editor. */
    public static final String UPLOAD_VALUE = "image";

    /** One entry of {@code widgets_values}: the input it holds, or an editor-only companion. */
    public record Slot(String name, Kind kind, InputSpec spec) {
        public boolean serialized() { return kind == Kind.INPUT; }
    }

    public enum Kind { INPUT, CONTROL, FILTER, UPLOAD }

    private WidgetSlots() {}

    public static List<Slot> of(NodeSchema schema) {
        List<Slot> slots = new ArrayList<>();
        List<InputSpec> all = new ArrayList<>(schema.required());
        all.addAll(schema.optional());
        for (InputSpec s : all) {
            if (!isWidget(s)) continue;
            slots.add(new Slot(s.name(), Kind.INPUT, s));
            Object control = s.option("control_after_generate");
            if (Types.INT.equals(s.type())) {
                boolean seedLike = control == null && (s.name().equals("seed") || s.name().equals("noise_seed"));
                if (Boolean.TRUE.equals(control) || seedLike) slots.add(new Slot("control_after_generate", Kind.CONTROL, s));
            } else if (s.isCombo()) {
                if (Boolean.TRUE.equals(control)) {
                    slots.add(new Slot("control_after_generate", Kind.CONTROL, s));
                    slots.add(new Slot("control_filter_list", Kind.FILTER, s));
                }
                if (Boolean.TRUE.equals(s.option("image_upload"))) slots.add(new Slot("upload", Kind.UPLOAD, s));
            }
        }
        return slots;
    }

    /** A value widget in the editor (as opposed to a socket that only takes links). */
    public static boolean isWidget(InputSpec s) {
        return (s.isPrimitive() || s.isCombo()) && !Boolean.TRUE.equals(s.option("forceInput"));
    }
}
