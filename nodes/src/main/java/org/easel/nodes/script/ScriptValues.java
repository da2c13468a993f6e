package org.easel.nodes.script;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.easel.engine.schema.Types;
import org.easel.nodes.types.FloatTensor;
import org.easel.nodes.types.Latent;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * Maps values between Easel and JavaScript. INT, FLOAT, STRING, BOOLEAN are JavaScript primitives; IMAGE and
 * MASK are {@code {batch, height, width, channels, data: Float32Array}} and LATENT is
 * {@code {samples: {shape, data: Float32Array}}}, where the Float32Array lies over a buffer filled with one
 * bulk copy of the tensor (the script may change it freely: the cached tensor is never touched); anything
 * else is an opaque handle the script can only pass on. Results are read back with bulk buffer reads and
 * checked: type, shape, size limit and finite values, with errors naming the output.
 */
final class ScriptValues {
    private static final Source HELPERS = Source.create("js", """
            ({
              image(buf, b, h, w, c) { return { batch: b, height: h, width: w, channels: c, data: new Float32Array(buf) }; },
              latent(buf, b, c, h, w) { return { samples: { shape: [b, c, h, w], data: new Float32Array(buf) } }; },
              object() { return {}; },
              isF32(x) { return x instanceof Float32Array; },
              isArray(x) { return Array.isArray(x); },
              describe(x) { return x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x; }
            })""");
    private static final int CHUNK = 1 << 20;

    private final Value helpers;
    private final long maxOutputBytes;

    ScriptValues(Context ctx, long maxOutputBytes) {
        this.helpers = ctx.eval(HELPERS);
        this.maxOutputBytes = maxOutputBytes;
    }

    /** An empty JavaScript object. */
    Value object() {
        return helpers.invokeMember("object");
    }

    boolean isArray(Value v) {
        return helpers.invokeMember("isArray", v).asBoolean();
    }

    /** "null", "undefined", "an array", "number", "object"… */
    String describe(Value v) {
        return helpers.invokeMember("describe", v).asString();
    }

    // ---- Easel → JavaScript --------------------------------------------------------------------------

    /** {@code v} as the script sees it; {@code type} is the declared input type. */
    Object toJs(Object v, String type) {
        if (v == null || v instanceof Long || v instanceof Double || v instanceof String || v instanceof Boolean) return v;
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof FloatTensor t) {
            if (Types.MASK.equals(type) || t.rank() == 3 || t.rank() == 2) {
                int b = t.rank() == 2 ? 1 : t.dim(0);
                return helpers.invokeMember("image", buffer(t), b, t.dim(-2), t.dim(-1), 1);
            }
            if (t.rank() == 4) return helpers.invokeMember("image", buffer(t), t.dim(0), t.dim(1), t.dim(2), t.dim(3));
        }
        if (v instanceof Latent l) {
            FloatTensor s = l.samples();
            return helpers.invokeMember("latent", buffer(s), s.dim(0), s.dim(1), s.dim(2), s.dim(3));
        }
        return Value.asValue(new Opaque(v));
    }

    /** The tensor's values in a fresh little-endian buffer (one bulk copy). */
    static ByteBuffer buffer(FloatTensor t) {
        ByteBuffer bb = ByteBuffer.allocateDirect(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(t.buffer());
        return bb;
    }

    // ---- JavaScript → Easel --------------------------------------------------------------------------

    /** The result {@code v} of the declared {@code type}; {@code what} names it in errors ("output 0 'image'"). */
    Object fromJs(Value v, String type, String what) {
        Opaque handle = opaque(v);
        if (handle != null && !Types.PRIMITIVES.contains(type)) return handle.value();
        switch (type) {
            case Types.INT: return integer(v, what);
            case Types.FLOAT: {
                if (!v.isNumber()) throw wrong(v, what, "a number");
                double d = v.asDouble();
                if (!Double.isFinite(d)) throw new ScriptException(what + " is " + d + ", not a finite number");
                return d;
            }
            case Types.STRING: return string(v, what);
            case Types.BOOLEAN: {
                if (!v.isBoolean()) throw wrong(v, what, "a boolean");
                return v.asBoolean();
            }
            case Types.IMAGE: return image(v, what, false);
            case Types.MASK: return image(v, what, true);
            case Types.LATENT: return latent(v, what);
            case Types.ANY: return any(v, what);
            default: throw wrong(v, what, "a " + type + " value passed through from an input");
        }
    }

    private Object any(Value v, String what) {
        if (v.isNull()) throw new ScriptException(what + " is " + (v.toString().equals("undefined") ? "undefined" : "null")
                + "; return a value");
        if (v.isBoolean()) return v.asBoolean();
        if (v.isString()) return string(v, what);
        if (v.isNumber()) {
            if (v.fitsInLong()) return v.asLong();
            double d = v.asDouble();
            if (!Double.isFinite(d)) throw new ScriptException(what + " is " + d + ", not a finite number");
            return d;
        }
        if (v.hasMember("samples")) return latent(v, what);
        if (v.hasMember("data") && v.hasMember("height") && v.hasMember("width")) {
            return image(v, what, !v.hasMember("channels") || v.getMember("channels").isNull());
        }
        throw wrong(v, what, "a number, string, boolean, image, latent or an input passed through");
    }

    private static Opaque opaque(Value v) {
        return v.isHostObject() && v.asHostObject() instanceof Opaque o ? o : null;
    }

    private static Long integer(Value v, String what) {
        if (v.isNumber() && v.fitsInLong()) return v.asLong();
        if (v.isNumber()) throw new ScriptException(what + " is " + v.asDouble() + ", not a whole number that fits in INT");
        throw wrong(v, what, "a whole number");
    }

    private String string(Value v, String what) {
        if (!v.isString()) throw wrong(v, what, "a string");
        String s = v.asString();
        if (2L * s.length() > maxOutputBytes) throw tooLarge(what, 2L * s.length());
        return s;
    }

    private FloatTensor image(Value v, String what, boolean mask) {
        String kind = mask ? "a MASK {batch, height, width, data}" : "an IMAGE {batch, height, width, channels, data}";
        if (!v.hasMembers() || !v.hasMember("data")) throw wrong(v, what, kind);
        int b = dim(v, "batch", what, 1);
        int h = dim(v, "height", what, -1);
        int w = dim(v, "width", what, -1);
        int c = mask ? dim(v, "channels", what, 1) : dim(v, "channels", what, -1);
        if (mask && c != 1) throw new ScriptException(what + ": a MASK has 1 channel, not " + c);
        long n = (long) b * h * w * c;
        float[] data = floats(v.getMember("data"), n, what, b + "×" + h + "×" + w + (mask ? "" : "×" + c));
        return mask ? FloatTensor.wrap(data, b, h, w) : FloatTensor.wrap(data, b, h, w, c);
    }

    private Latent latent(Value v, String what) {
        Value s = v.hasMembers() ? v.getMember("samples") : null;
        if (s == null || !s.hasMembers() || !s.hasMember("shape") || !s.hasMember("data")) {
            throw wrong(v, what, "a LATENT {samples: {shape: [b, c, h, w], data}}");
        }
        Value shape = s.getMember("shape");
        if (!shape.hasArrayElements() || shape.getArraySize() != 4) throw new ScriptException(what + ": samples.shape must be [b, c, h, w]");
        int[] dims = new int[4];
        long n = 1;
        for (int i = 0; i < 4; i++) {
            Value d = shape.getArrayElement(i);
            if (!d.fitsInInt() || d.asInt() < 1) throw new ScriptException(what + ": samples.shape[" + i + "] must be a positive whole number");
            dims[i] = d.asInt();
            n *= dims[i];
        }
        float[] data = floats(s.getMember("data"), n, what + ".samples", Arrays.toString(dims));
        return new Latent(FloatTensor.wrap(data, dims));
    }

    private static int dim(Value v, String name, String what, int fallback) {
        Value d = v.getMember(name);
        if (d == null || d.isNull()) {
            if (fallback > 0) return fallback;
            throw new ScriptException(what + ": '" + name + "' is missing");
        }
        if (!d.fitsInInt() || d.asInt() < 1) throw new ScriptException(what + ": '" + name + "' must be a positive whole number, not " + d);
        return d.asInt();
    }

    /** Reads {@code n} finite floats from a Float32Array (bulk) or a plain array. */
    private float[] floats(Value data, long n, String what, String shape) {
        if (4 * n > maxOutputBytes || n > Integer.MAX_VALUE - 8) throw tooLarge(what, 4 * n);
        float[] out = new float[(int) n];
        if (helpers.invokeMember("isF32", data).asBoolean()) {
            long len = data.getMember("length").asLong();
            if (len != n) throw new ScriptException(what + ": data has " + len + " values but " + shape + " needs " + n);
            Value buf = data.getMember("buffer");
            long off = data.getMember("byteOffset").asLong();
            byte[] chunk = new byte[(int) Math.min(CHUNK, 4 * n)];
            FloatBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < n; ) {
                int m = (int) Math.min(chunk.length / 4, n - i);
                buf.readBuffer(off + 4L * i, chunk, 0, 4 * m);
                view.clear();
                view.get(out, i, m);
                i += m;
            }
        } else if (data.hasArrayElements()) {
            if (data.getArraySize() != n) throw new ScriptException(what + ": data has " + data.getArraySize() + " values but " + shape + " needs " + n);
            for (int i = 0; i < n; i++) {
                Value x = data.getArrayElement(i);
                if (!x.isNumber()) throw new ScriptException(what + ": data[" + i + "] is not a number");
                out[i] = x.asFloat();
            }
        } else {
            throw wrong(data, what + ".data", "a Float32Array");
        }
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) throw new ScriptException(what + ": data[" + i + "] is " + out[i] + " (values must be finite)");
        }
        return out;
    }

    private ScriptException tooLarge(String what, long bytes) {
        return new ScriptException(what + " is " + (bytes >> 20) + " MB, over the output limit of " + (maxOutputBytes >> 20) + " MB");
    }

    private static ScriptException wrong(Value v, String what, String expected) {
        String got = v.isNull() ? "null" : v.isNumber() ? "the number " + v : v.isString() ? "a string"
                : v.isBoolean() ? "a boolean" : v.hasArrayElements() ? "an array" : "an object";
        return new ScriptException(what + " must be " + expected + ", got " + got);
    }

    /** A value the script may hold and return but not look into. */
    record Opaque(Object value) {
        @Override
        public String toString() { return "[" + value.getClass().getSimpleName() + "]"; }
    }
}
