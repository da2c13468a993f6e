package org.easel.engine.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One link of an editor workflow: {@code [id, origin_id, origin_slot, target_id, target_slot, type]} in
 * schema 0.4, an object with those keys (and an optional {@code parentId} reroute) in version 1.
 * Node ids are kept as text; slots given as numeric strings are accepted.
 */
public record UiLink(long id, String originId, int originSlot, String targetId, int targetSlot, String type) {

    static UiLink of(JsonNode j, String where) throws WorkflowException {
        if (j.isArray()) {
            if (j.size() < 5) throw new WorkflowException(where + ": link " + j + " has " + j.size() + " fields, expected 6", null, "links");
            return new UiLink(number(j.get(0), where, "id"), UiNode.idText(j.get(1)), slot(j.get(2), where),
                    UiNode.idText(j.get(3)), slot(j.get(4), where), j.size() > 5 ? typeText(j.get(5)) : "*");
        }
        if (j.isObject()) {
            return new UiLink(number(j.get("id"), where, "id"), UiNode.idText(j.get("origin_id")), slot(j.get("origin_slot"), where),
                    UiNode.idText(j.get("target_id")), slot(j.get("target_slot"), where), typeText(j.get("type")));
        }
        throw new WorkflowException(where + ": a link must be an array or an object, got " + j, null, "links");
    }

    private static long number(JsonNode v, String where, String key) throws WorkflowException {
        if (v != null && v.isNumber()) return v.asLong();
        if (v != null && v.isTextual()) {
            try {
                return Long.parseLong(v.asText().trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new WorkflowException(where + ": link " + key + " must be a number, got " + v, null, "links");
    }

    private static int slot(JsonNode v, String where) throws WorkflowException {
        return (int) number(v, where, "slot");
    }

    /** A link type is a string, a list of strings (any of them) or a number (legacy); kept as text. */
    private static String typeText(JsonNode t) {
        if (t == null || t.isNull()) return "*";
        if (t.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode e : t) b.append(b.length() == 0 ? "" : ",").append(e.asText());
            return b.toString();
        }
        return t.asText();
    }
}
