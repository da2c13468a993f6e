package org.easel.engine.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import org.easel.engine.schema.Types;

/**
 * Converts literal (widget) values to their declared type the way ComfyUI's validator does
 * ({@code int()}, {@code float()}, {@code str()}, {@code bool()}), but stricter where Python is
 * surprising (the string "false" is false, not true). INT → Long (64-bit; values up to 2^64−1, such as
 * ComfyUI's largest seed, keep their bits), FLOAT → Double, STRING → String, BOOLEAN → Boolean.
 */
public final class Coercion {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    /** Stands for +infinity in range checks: larger than any finite double or 64-bit bound. */
    static final BigDecimal BEYOND = BigDecimal.TEN.pow(400);

    private Coercion() {}

    /** Thrown when a value cannot be converted. */
    public static final class CoercionException extends Exception {
        public CoercionException(String message) {
            super(message);
        }
    }

    /** A value as JSON, for coercing command-line strings ({@code --set}) through the same rules. */
    public static JsonNode fromText(String text) {
        return JsonNodeFactory.instance.textNode(text);
    }

    /** The exact integer value (before range checks). */
    public static BigInteger toInteger(JsonNode v) throws CoercionException {
        if (v.isIntegralNumber()) return v.bigIntegerValue();
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) throw new CoercionException("cannot convert " + d + " to int");
            return v.decimalValue().toBigInteger();   // truncates toward zero, like Python int()
        }
        if (v.isBoolean()) return v.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        if (v.isTextual()) {
            String s = v.asText().trim().replace("_", "");
            try {
                return new BigInteger(s);
            } catch (NumberFormatException e) {
                throw new CoercionException("invalid literal for int(): '" + v.asText() + "'");
            }
        }
        throw new CoercionException("cannot convert " + kind(v) + " to int");
    }

    /** A 64-bit representation: values in [2^63, 2^64) keep their bits (unsigned seeds). */
    public static long toLong(BigInteger b) throws CoercionException {
        if (b.compareTo(LONG_MIN) < 0 || b.compareTo(TWO_64) >= 0) {
            throw new CoercionException("integer " + b + " does not fit in 64 bits");
        }
        return b.longValue();
    }

    public static double toDouble(JsonNode v) throws CoercionException {
        if (v.isNumber()) return v.doubleValue();
        if (v.isBoolean()) return v.booleanValue() ? 1.0 : 0.0;
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new CoercionException("could not convert string to float: '" + v.asText() + "'");
            }
        }
        throw new CoercionException("cannot convert " + kind(v) + " to float");
    }

    public static String toStr(JsonNode v) throws CoercionException {
        if (v.isTextual()) return v.asText();
        if (v.isBoolean()) return v.booleanValue() ? "True" : "False";
        if (v.isIntegralNumber()) return v.bigIntegerValue().toString();
        if (v.isNumber()) return Double.toString(v.doubleValue());
        throw new CoercionException("cannot convert " + kind(v) + " to string");
    }

    public static boolean toBool(JsonNode v) throws CoercionException {
        if (v.isBoolean()) return v.booleanValue();
        if (v.isNumber()) return v.doubleValue() != 0.0;
        if (v.isTextual()) {
            String s = v.asText().trim().toLowerCase(Locale.ROOT);
            switch (s) {
                case "true", "1", "yes", "on": return true;
                case "false", "0", "no", "off", "": return false;
                default: throw new CoercionException("not a boolean: '" + v.asText() + "'");
            }
        }
        throw new CoercionException("cannot convert " + kind(v) + " to boolean");
    }

    /** Compares a number option (Long, Double, BigInteger…) with a value. */
    static int compare(BigDecimal value, Object bound) {
        if (bound instanceof Double d && d.isInfinite()) return d > 0 ? -1 : 1;   // BigDecimal has no infinity
        if (bound instanceof Float f && f.isInfinite()) return f > 0 ? -1 : 1;
        return value.compareTo(new BigDecimal(bound.toString()));
    }

    static String kind(JsonNode v) {
        if (v.isArray()) return "a list";
        if (v.isObject()) return "an object";
        if (v.isNull()) return "null";
        return v.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Short display of a value for messages. */
    static String show(JsonNode v) {
        String s = v.isTextual() ? v.asText() : v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    static boolean isNumberType(String type) {
        return Types.INT.equals(type) || Types.FLOAT.equals(type);
    }
}
