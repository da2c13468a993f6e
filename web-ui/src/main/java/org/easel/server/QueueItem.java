package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.easel.Validation;
import org.easel.engine.Json;

/**
 * One queued prompt: ComfyUI's {@code (number, prompt_id, prompt, extra_data, outputs_to_execute)} plus
 * the insertion sequence (ties on {@code number} run in submission order). The validation is kept when
 * it was submitted in this process; recovered items are validated again.
 */
final class QueueItem implements Comparable<QueueItem> {
    final String promptId;
    final long seq;
    final JsonNode number;
    /** The prompt and extra_data as JSON text: what is stored, and a tenth of the memory of the parsed trees. */
    final String promptText;
    final String extraText;
    final List<String> outputs;
    /** How many nodes the prompt has. */
    final int nodeCount;
    final long createdAt;
    /** Sensitive extra_data keys, never stored; merged back for the run only. */
    final ObjectNode sensitive;
    volatile Validation validation;

    QueueItem(String promptId, long seq, JsonNode number, ObjectNode prompt, ObjectNode extraData, List<String> outputs,
              long createdAt, ObjectNode sensitive) {
        this(promptId, seq, number, Json.write(prompt), Json.write(extraData), outputs, createdAt, sensitive, prompt.size());
    }

    QueueItem(String promptId, long seq, JsonNode number, String promptText, String extraText, List<String> outputs,
              long createdAt, ObjectNode sensitive, int nodeCount) {
        this.nodeCount = nodeCount;
        this.promptId = promptId;
        this.seq = seq;
        this.number = number;
        this.promptText = promptText;
        this.extraText = extraText;
        this.outputs = List.copyOf(outputs);
        this.createdAt = createdAt;
        this.sensitive = sensitive;
    }

    /** The prompt, parsed anew on each call (the caller may change it). */
    ObjectNode prompt() {
        return object(promptText);
    }

    /** extra_data without the sensitive keys, parsed anew on each call. */
    ObjectNode extraData() {
        return object(extraText);
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (Exception e) {
            throw new IllegalStateException("a stored prompt could not be parsed: " + e.getMessage(), e);
        }
    }

    double numberValue() { return number.asDouble(); }

    /** The 5-tuple of {@code /queue} and of history's {@code prompt} field. */
    ArrayNode tuple() {
        ArrayNode a = Json.MAPPER.createArrayNode();
        a.add(number);
        a.add(promptId);
        a.add(prompt());
        a.add(extraData());
        ArrayNode o = a.addArray();
        outputs.forEach(o::add);
        return a;
    }

    @Override
    public int compareTo(QueueItem o) {
        int c = Double.compare(numberValue(), o.numberValue());
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
