package org.easel;

import org.easel.engine.validation.ValidationError;

/**
 * One reason a workflow cannot run as given, as a value: the node and input it is about (null when it is
 * about the whole workflow, e.g. a file that is not JSON), ComfyUI's error type ({@code value_not_in_list},
 * {@code required_input_missing}, {@code dependency_cycle}, …, or {@code invalid_workflow} /
 * {@code bad_override} for the file and its overrides), a message and ComfyUI's details text.
 */
public record Problem(String nodeId, String classType, String input, String type, String message, String details) {

    static Problem of(String nodeId, String classType, ValidationError e) {
        return new Problem(nodeId, classType, e.inputName(), e.type(), e.message(), e.details());
    }

    /** One line naming the node and input, e.g. {@code node #3 (KSampler), input 'steps': Value 0 smaller than min of 1}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (nodeId != null) {
            b.append("node #").append(nodeId);
            if (classType != null) b.append(" (").append(classType).append(')');
            if (input != null) b.append(", input '").append(input).append('\'');
            b.append(": ");
        }
        b.append(message);
        if (details != null && !details.isEmpty() && !details.equals(input)) b.append(" — ").append(details);
        return b.toString();
    }
}
