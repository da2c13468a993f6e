package org.easel.nodes.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parser for ComfyUI's prompt emphasis syntax.
 *
 * <ul>
 *   <li>{@code (text)} multiplies the weight of {@code text} by 1.1; nested groups multiply again.</li>
 *   <li>{@code (text:1.3)} sets the weight to 1.3 (the number after the last colon, if it parses).</li>
 *   <li>{@code \(} and {@code \)} are literal parentheses.</li>
 *   <li>Unbalanced parentheses are kept as text, following ComfyUI's scanner.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class PromptWeights {

    /** A piece of prompt text with its weight. */
    public record Segment(String text, float weight) {
    }

    private static final char ESC = '\0';
    private static final char ESC_CLOSE = '\1';
    private static final char ESC_OPEN = '\2';
    private static final Pattern NUMBER =
            Pattern.compile("\\s*[+-]?(\\d[\\d_]*(\\.[\\d_]*)?|\\.\\d[\\d_]*)([eE][+-]?\\d+)?\\s*");

    private PromptWeights() {
    }

    /** Splits {@code text} into weighted segments (base weight 1.0). */
    public static List<Segment> parse(String text) {
        String escaped = text.replace("\\)", "" + ESC + ESC_CLOSE).replace("\\(", "" + ESC + ESC_OPEN);
        List<Segment> out = new ArrayList<>();
        collect(escaped, 1.0, out);
        List<Segment> result = new ArrayList<>(out.size());
        for (Segment s : out) {
            String plain = s.text().replace("" + ESC + ESC_CLOSE, ")").replace("" + ESC + ESC_OPEN, "(");
            result.add(new Segment(plain, s.weight()));
        }
        return result;
    }

    private static void collect(String text, double weight, List<Segment> out) {
        for (String part : splitTopLevel(text)) {
            if (part.length() >= 2 && part.charAt(0) == '(' && part.charAt(part.length() - 1) == ')') {
                String inner = part.substring(1, part.length() - 1);
                double w = weight * 1.1;
                int colon = inner.lastIndexOf(':');
                if (colon > 0) {
                    String num = inner.substring(colon + 1);
                    if (NUMBER.matcher(num).matches()) {
                        w = Double.parseDouble(num.strip().replace("_", ""));
                        inner = inner.substring(0, colon);
                    }
                }
                collect(inner, w, out);
            } else {
                out.add(new Segment(part, (float) weight));
            }
        }
    }

    /** Splits into top-level "(...)" groups and the text between them. */
    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                if (depth == 0) {
                    if (cur.length() > 0) {
                        parts.add(cur.toString());
                    }
                    cur.setLength(0);
                }
                cur.append(c);
                depth++;
            } else if (c == ')') {
                depth--;
                cur.append(c);
                if (depth == 0) {
                    parts.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            parts.add(cur.toString());
        }
        return parts;
    }
}
