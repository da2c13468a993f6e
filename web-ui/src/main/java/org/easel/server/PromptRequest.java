package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.easel.engine.Json;

/**
 * A {@code POST /prompt} body, checked field by field (ComfyUI's error shapes) before the graph is validated.
 *
 * @param promptId    the client's {@code prompt_id}, or a new random one
 * @param clientGiven whether the client chose the id (only then can it clash with a known one)
 * @param extra       {@code extra_data} without the sensitive keys, plus {@code client_id} and {@code create_time}
 * @param sensitive   sensitive {@code extra_data} keys: never stored, merged back for the run only
 * @param number      an explicit queue position, or null
 */
record PromptRequest(String promptId, boolean clientGiven, ObjectNode promptJson, List<String> targets,
                     String clientId, ObjectNode extra, ObjectNode sensitive, JsonNode number, boolean front) {
    static final Pattern UUID_RE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Set<String> SENSITIVE = Set.of("auth_token_comfy_org", "api_key_comfy_org");

    static PromptRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw HttpError.prompt("invalid_request", "The request body must be a JSON object", "");
        }
        JsonNode pid = body.get("prompt_id");
        String promptId;
        boolean given = pid != null && !pid.isNull();
        if (!given) {
            promptId = UUID.randomUUID().toString();
        } else if (pid.isTextual() && UUID_RE.matcher(pid.asText()).matches()) {
            promptId = pid.asText();
        } else {
            throw HttpError.prompt("invalid_prompt_id", "prompt_id must be a valid UUID", "prompt_id must be a valid UUID");
        }
        JsonNode pj = body.get("prompt");
        if (pj == null || pj.isNull()) throw HttpError.prompt("no_prompt", "No prompt provided", "No prompt provided");
        if (!pj.isObject()) throw HttpError.prompt("invalid_prompt", "Invalid prompt: the prompt must be a JSON object", "");
        List<String> targets = null;
        JsonNode pt = body.get("partial_execution_targets");
        if (pt != null && !pt.isNull()) {
            if (!pt.isArray()) throw HttpError.prompt("invalid_request", "partial_execution_targets must be a list of node ids", "");
            targets = new ArrayList<>();
            for (JsonNode t : pt) {
                if (!t.isTextual() && !t.isNumber()) throw HttpError.prompt("invalid_request", "partial_execution_targets must be a list of node ids", "");
                targets.add(t.asText());
            }
        }
        JsonNode clientId = body.get("client_id");
        if (clientId != null && !clientId.isNull() && !clientId.isTextual()) {
            throw HttpError.prompt("invalid_request", "client_id must be a string", "");
        }
        JsonNode ed = body.get("extra_data");
        if (ed != null && !ed.isNull() && !ed.isObject()) throw HttpError.prompt("invalid_request", "extra_data must be an object", "");
        JsonNode num = body.get("number");
        if (num != null && !num.isNull() && !num.isNumber()) throw HttpError.prompt("invalid_request", "number must be a number", "");
        JsonNode front = body.get("front");
        if (front != null && !front.isNull() && !front.isBoolean()) throw HttpError.prompt("invalid_request", "front must be a boolean", "");

        ObjectNode extra = ed != null && ed.isObject() ? (ObjectNode) ed : Json.MAPPER.createObjectNode();
        ObjectNode sensitive = Json.MAPPER.createObjectNode();
        for (String k : SENSITIVE) {
            if (extra.has(k)) sensitive.set(k, extra.remove(k));
        }
        String cid = clientId != null && !clientId.isNull() ? clientId.asText() : null;
        if (cid != null) extra.put("client_id", cid);
        extra.put("create_time", System.currentTimeMillis());
        return new PromptRequest(promptId, given, (ObjectNode) pj, targets, cid, extra, sensitive,
                num != null && num.isNumber() ? num : null, front != null && front.asBoolean());
    }
}
