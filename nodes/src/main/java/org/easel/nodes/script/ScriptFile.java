package org.easel.nodes.script;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;
import org.easel.engine.schema.Types;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * One script: its source, the node types it defines (its default export: one definition or an array of
 * them) and a pool of contexts that have evaluated it, so that a call borrows a ready context. A context
 * is used by one call at a time; one that was cancelled or broke is thrown away.
 */
public final class ScriptFile {
    private static final String MODULE = "application/javascript+module";
    private static final int MAX_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final String name;
    private final Path folder;
    private final Source source;
    private final String hash;
    private final ScriptSandbox sandbox;
    private final List<NodeSchema> schemas;
    private final ConcurrentLinkedDeque<Instance> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    private ScriptFile(String name, Path folder, Source source, String text, ScriptSandbox sandbox) {
        this.name = name;
        this.folder = folder;
        this.source = source;
        this.hash = sha256(text);
        this.sandbox = sandbox;
        Instance first = create(null);
        try {
            this.schemas = schemas(first.defs);
        } catch (RuntimeException e) {
            first.ctx.close(true);
            throw e;
        }
        idle.push(first);
    }

    /** Loads a script file: evaluates it and reads its node definitions. */
    public static ScriptFile load(Path file, ScriptSandbox sandbox) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Source src = Source.newBuilder("js", file.toFile()).content(text).mimeType(MODULE).build();
        return new ScriptFile(file.getFileName().toString(), file.toAbsolutePath().getParent(), src, text, sandbox);
    }

    /** A script made of a module's text (no file, no imports); {@code name} appears in errors. */
    public static ScriptFile of(String name, String moduleText, ScriptSandbox sandbox) {
        Source src = Source.newBuilder("js", moduleText, name).mimeType(MODULE).buildLiteral();
        return new ScriptFile(name, null, src, moduleText, sandbox);
    }

    /**
     * A module defining one node whose {@code execute} runs {@code body} as a function of {@code params}
     * (optional inputs of any type) and returns its value as the only output. The body starts on line 1,
     * in a block of its own so that it may declare names like its parameters.
     */
    public static String functionModule(String body, String... params) {
        String p = String.join(", ", params);
        StringBuilder inputs = new StringBuilder();
        for (String x : params) inputs.append(inputs.length() == 0 ? "" : ", ").append(x).append(": [\"*\"]");
        return "export default { name: \"JavaScript\", inputs: { optional: { " + inputs + " } }, outputs: [\"*\"], "
                + "execute({ " + p + " }) { return [(function (" + p + ") {{" + body + "\n}})(" + p + ")]; } };\n";
    }

    /** The file name (or the name given to an inline script). */
    public String name() { return name; }
    /** SHA-256 of the source text (hex, 128 bits): part of every cache key of its nodes. */
    public String hash() { return hash; }
    /** The node types this script defines, in order. */
    public List<NodeSchema> schemas() { return schemas; }

    /** Closes the pooled contexts (a call still running keeps its own until it ends). */
    public void close() {
        closed = true;
        for (Instance i; (i = idle.poll()) != null; ) i.ctx.close(true);
    }

    /**
     * Runs definition {@code index} on {@code inputs}. Failures are {@link ScriptException}s naming this
     * script, with the line when known.
     */
    public NodeOutput call(int index, NodeContext node, NodeInputs inputs) {
        NodeSchema schema = schemas.get(index);
        Instance inst = idle.poll();
        if (inst == null) inst = create(node);
        try {
            Instance in = inst;
            List<Object> values = sandbox.run(in.ctx, node, name, () -> {
                Value args = in.values.object();
                for (InputSpec s : schema.inputs().values()) {
                    Object v = inputs.get(s.name());
                    if (v != null) args.putMember(s.name(), in.values.toJs(v, s.type()));
                }
                Value result = in.defs.getArrayElement(index).invokeMember("execute", args);
                return outputs(in, schema, result);
            });
            release(inst);
            return NodeOutput.of(values.toArray());
        } catch (ScriptException e) {
            if (e.contextLost()) inst.ctx.close(true);
            else release(inst);
            throw e;
        } catch (RuntimeException e) {
            inst.ctx.close(true);
            throw e;
        }
    }

    private List<Object> outputs(Instance in, NodeSchema schema, Value result) {
        List<OutputSpec> outs = schema.outputs();
        boolean array = in.values.isArray(result);
        if (!array && outs.size() == 1) return List.of(in.values.fromJs(result, outs.get(0).type(), outputName(0, outs.get(0))));
        if (!array) {
            throw new ScriptException(name + ": " + schema.name() + ".execute must return an array of " + outs.size()
                    + " outputs, got " + in.values.describe(result));
        }
        if (result.getArraySize() != outs.size()) {
            throw new ScriptException(name + ": " + schema.name() + ".execute returned " + result.getArraySize()
                    + " outputs but the node declares " + outs.size());
        }
        List<Object> values = new ArrayList<>(outs.size());
        for (int i = 0; i < outs.size(); i++) {
            values.add(in.values.fromJs(result.getArrayElement(i), outs.get(i).type(), outputName(i, outs.get(i))));
        }
        return values;
    }

    private String outputName(int i, OutputSpec o) {
        return name + ": output " + i + " '" + o.name() + "' (" + o.type() + ")";
    }

    private void release(Instance inst) {
        if (!closed && idle.size() < MAX_IDLE) idle.push(inst);
        else inst.ctx.close();
        if (closed) close();
    }

    private Instance create(NodeContext node) {
        Context ctx = sandbox.newContext(folder, name);
        try {
            return sandbox.load(ctx, node, name, () -> {
                Value exports = ctx.eval(source);
                Value def = exports.hasMember("default") ? exports.getMember("default") : null;
                if (def == null || def.isNull()) {
                    throw new ScriptException(name + ": no default export; write 'export default { name, inputs, outputs, execute }'");
                }
                ScriptValues values = new ScriptValues(ctx, sandbox.limits().maxOutputBytes());
                Value defs = ctx.eval("js", "(d) => Array.isArray(d) ? d : [d]").execute(def);
                return new Instance(ctx, values, defs);
            });
        } catch (RuntimeException e) {
            ctx.close(true);
            throw e;
        }
    }

    // ---- schema -----------------------------------------------------------------------------------------

    private List<NodeSchema> schemas(Value defs) {
        List<NodeSchema> out = new ArrayList<>();
        for (long i = 0; i < defs.getArraySize(); i++) out.add(schema(defs.getArrayElement(i), i));
        if (out.isEmpty()) throw new ScriptException(name + ": the default export defines no node");
        return List.copyOf(out);
    }

    private NodeSchema schema(Value d, long index) {
        String where = name + ": node definition " + index;
        if (!d.hasMembers()) throw new ScriptException(where + " must be an object");
        String type = text(d, "name", where, null);
        if (type == null || type.isBlank()) throw new ScriptException(where + " needs a 'name'");
        where = name + ": node " + type;
        Value exec = d.getMember("execute");
        if (exec == null || !exec.canExecute()) throw new ScriptException(where + " needs an 'execute' function");
        NodeSchema.Builder b = NodeSchema.builder(type)
                .displayName(text(d, "display_name", where, type))
                .category(text(d, "category", where, "script"))
                .description(text(d, "description", where, ""))
                .module("custom_nodes." + name);
        Value on = d.getMember("output_node");
        if (on != null && on.isBoolean() && on.asBoolean()) b.outputNode();
        Value inputs = d.getMember("inputs");
        if (inputs != null && !inputs.isNull()) {
            if (!inputs.hasMembers()) throw new ScriptException(where + ": 'inputs' must be { required: {…}, optional: {…} }");
            for (String section : inputs.getMemberKeys()) {
                if (!section.equals("required") && !section.equals("optional")) {
                    throw new ScriptException(where + ": 'inputs' may have 'required' and 'optional', not '" + section + "'");
                }
                Value sec = inputs.getMember(section);
                for (String input : sec.getMemberKeys()) {
                    InputSpec spec = input(input, sec.getMember(input), where);
                    if (section.equals("required")) b.required(spec);
                    else b.optional(spec);
                }
            }
        }
        Value outs = d.getMember("outputs");
        Value names = d.getMember("output_names");
        if (outs != null && !outs.isNull()) {
            if (!outs.hasArrayElements()) throw new ScriptException(where + ": 'outputs' must be an array of types, e.g. [\"IMAGE\"]");
            for (long i = 0; i < outs.getArraySize(); i++) {
                Value t = outs.getArrayElement(i);
                if (!t.isString()) throw new ScriptException(where + ": outputs[" + i + "] must be a type name");
                String ot = t.asString();
                String on2 = names != null && names.hasArrayElements() && i < names.getArraySize() && names.getArrayElement(i).isString()
                        ? names.getArrayElement(i).asString() : ot;
                b.output(ot, on2);
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ScriptException(where + ": " + e.getMessage());
        }
    }

    private static InputSpec input(String name, Value v, String where) {
        String at = where + ": input '" + name + "'";
        Value typeV = v;
        Value opts = null;
        if (v.hasArrayElements() && !v.isString()) {
            if (v.getArraySize() < 1) throw new ScriptException(at + " must be [TYPE, {options}]");
            typeV = v.getArrayElement(0);
            if (v.getArraySize() > 1) opts = v.getArrayElement(1);
        }
        InputSpec spec;
        String type;
        if (typeV.hasArrayElements() && !typeV.isString()) {
            List<String> choices = new ArrayList<>();
            for (long i = 0; i < typeV.getArraySize(); i++) choices.add(typeV.getArrayElement(i).toString());
            spec = InputSpec.combo(name, choices);
            type = Types.COMBO;
        } else if (typeV.isString() && !typeV.asString().isBlank()) {
            type = typeV.asString();
            spec = switch (type) {
                case Types.INT -> InputSpec.integer(name, 0, -(1L << 53), 1L << 53);
                case Types.FLOAT -> InputSpec.number(name, 0.0, -Double.MAX_VALUE, Double.MAX_VALUE);
                case Types.STRING -> InputSpec.string(name, "");
                case Types.BOOLEAN -> InputSpec.bool(name, false);
                default -> InputSpec.socket(name, type);
            };
        } else {
            throw new ScriptException(at + ": the type must be a name such as \"IMAGE\" or a list of choices");
        }
        if (opts != null && opts.hasMembers()) {
            for (String key : opts.getMemberKeys()) {
                Object o = option(opts.getMember(key), type, key);
                if (o == null) throw new ScriptException(at + ": option '" + key + "' must be a number, string or boolean");
                spec = spec.with(key, o);
            }
        }
        return spec;
    }

    /** A JSON-like option value; numbers of INT inputs (and their step) are whole. */
    private static Object option(Value v, String type, String key) {
        if (v.isBoolean()) return v.asBoolean();
        if (v.isString()) return v.asString();
        if (v.isNumber()) {
            boolean whole = Types.INT.equals(type) && (key.equals("default") || key.equals("min") || key.equals("max") || key.equals("step"));
            if (whole) {
                if (!v.fitsInLong()) return BigInteger.valueOf((long) v.asDouble());
                return v.asLong();
            }
            return Types.FLOAT.equals(type) || !v.fitsInLong() ? (Object) v.asDouble() : (Object) v.asLong();
        }
        return null;
    }

    private static String text(Value d, String key, String where, String fallback) {
        Value v = d.getMember(key);
        if (v == null || v.isNull()) return fallback;
        if (!v.isString()) throw new ScriptException(where + ": '" + key + "' must be a string");
        return v.asString();
    }

    private static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A context that has evaluated the script, with its definitions and value mapping. */
    private record Instance(Context ctx, ScriptValues values, Value defs) {}
}
