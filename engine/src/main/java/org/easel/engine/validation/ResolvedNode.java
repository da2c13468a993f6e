package org.easel.engine.validation;

import java.util.Map;
import org.easel.engine.Node;
import org.easel.engine.prompt.PromptNode;

/**
 * A validated node ready to run: each declared input is a {@code Link} or a
 * literal already coerced to its type (Long, Double, String, Boolean; JSON for {@code *} inputs).
 * Omitted optional inputs with a default carry that default.
 */
public record ResolvedNode(PromptNode source, Node node, Map<String, Object> inputs) {
    public String id() { return source.id(); }
    public String classType() { return source.classType(); }
}
