package org.easel.nodes.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps} writes it with default options (ComfyUI's PNG chunks):
 * {@code ", "} and {@code ": "} separators, non-ASCII escaped as {@code \\uXXXX}, floats with a decimal point.
 */
public final class PythonJson {
    private PythonJson() {}

    public static String dumps(JsonNode n) {
        StringBuilder b = new StringBuilder();
        write(n, b);
        return b.toString();
    }

    private static void write(JsonNode n, StringBuilder b) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            b.append("null");
        } else if (n.isObject()) {
            b.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) b.append(", ");
                first = false;
                string(e.getKey(), b);
                b.append(": ");
                write(e.getValue(), b);
            }
            b.append('}');
        } else if (n.isArray()) {
            b.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) b.append(", ");
                write(n.get(i), b);
            }
            b.append(']');
        } else if (n.isTextual()) {
            string(n.asText(), b);
        } else if (n.isBoolean()) {
            b.append(n.booleanValue() ? "true" : "false");
        } else if (n.isIntegralNumber()) {
            b.append(n.bigIntegerValue());
        } else if (n.isNumber()) {
            double d = n.doubleValue();
            if (Double.isNaN(d)) b.append("NaN");
            else if (Double.isInfinite(d)) b.append(d > 0 ? "Infinity" : "-Infinity");
            else b.append(pythonRepr(d));
        } else {
            string(n.asText(), b);
        }
    }

    /** Python's repr of a float: shortest round-trip digits, "1e-05" style exponents, ".0" for integral values. */
    static String pythonRepr(double d) {
        String s = Double.toString(d);            // shortest round-trip digits (JDK 19+; close enough before)
        if (s.contains("E")) {
            String[] parts = s.split("E");
            String mant = parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
            int exp = Integer.parseInt(parts[1]);
            if (exp >= -4 && exp < 16) {
                String plain = new BigDecimal(s).stripTrailingZeros().toPlainString();
                return plain.contains(".") ? plain : plain + ".0";
            }
            return mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        return s;
    }

    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
