package org.easel.engine.testnodes;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.easel.engine.Environment;
import org.easel.engine.Node;
import org.easel.engine.NodeContext;
import org.easel.engine.NodeInputs;
import org.easel.engine.NodeOutput;
import org.easel.engine.NodeRegistry;
import org.easel.engine.SizedValue;
import org.easel.engine.schema.InputSpec;
import org.easel.engine.schema.NodeSchema;
import org.easel.engine.schema.OutputSpec;
import org.easel.engine.schema.Types;

/**
 * Small node types for the engine's tests. Every node records each execution in a {@link Recorder}
 * (id, class, the inputs it received) before doing its work, so tests can assert exactly what ran.
 */
public final class TestNodes {
    private TestNodes() {}

    /** One instance of every test node, all recording into {@code rec}. */
    public static List<Node> all(Recorder rec) {
        return List.of(new IntSource(rec), new FloatSource(rec), new Add(rec), new Concat(rec), new Record(rec),
                new Fail(rec), new Slow(rec), new FileHash(rec), new EvenOnly(rec), new Pick(rec), new Ranged(rec),
                new Floats(rec), new Mutate(rec), new SumFloats(rec), new Sized(rec), new Pair(rec),
                new WrongArity(rec), new Always(rec), new ImageSink(rec), new OutPass(rec), new Tagged(rec),
                new BrokenFingerprint(rec));
    }

    public static NodeRegistry registry(Recorder rec) {
        NodeRegistry r = new NodeRegistry();
        for (Node n : all(rec)) r.register(n);
        return r;
    }

    /** Records every execution, then runs {@link #run}. */
    public abstract static class Base implements Node {
        protected final Recorder rec;
        private NodeSchema schema;

        protected Base(Recorder rec) {
            this.rec = rec;
        }

        protected abstract NodeSchema build();

        protected abstract NodeOutput run(NodeContext ctx, NodeInputs in) throws Exception;

        @Override
        public synchronized NodeSchema schema() {
            if (schema == null) schema = build();
            return schema;
        }

        @Override
        public final NodeOutput execute(NodeContext ctx, NodeInputs in) throws Exception {
            rec.record(schema().name(), in.nodeId(), in.asMap());
            return run(ctx, in);
        }
    }

    static InputSpec wideInt(String name) {
        return InputSpec.integer(name, 0, -1_000_000_000_000L, 1_000_000_000_000L);
    }

    /** "TestInt": INT value → INT. */
    public static final class IntSource extends Base {
        public IntSource() { this(Recorder.GLOBAL); }
        public IntSource(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("TestInt").category("testing").required(wideInt("value")).output(Types.INT).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getLong("value"));
        }
    }

    /** "TestFloat": FLOAT value → FLOAT. */
    public static final class FloatSource extends Base {
        public FloatSource() { this(Recorder.GLOBAL); }
        public FloatSource(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("TestFloat").required(InputSpec.number("value", 0.0, -1e9, 1e9)).output(Types.FLOAT).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getDouble("value"));
        }
    }

    /** "Add": a + b (INT widgets, which may also be linked). */
    public static final class Add extends Base {
        public Add() { this(Recorder.GLOBAL); }
        public Add(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Add").required(wideInt("a"), wideInt("b")).output(Types.INT).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getLong("a") + in.getLong("b"));
        }
    }

    /** "Concat": a + sep + b. */
    public static final class Concat extends Base {
        public Concat() { this(Recorder.GLOBAL); }
        public Concat(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Concat")
                    .required(InputSpec.string("a", ""), InputSpec.string("b", ""))
                    .optional(InputSpec.string("sep", ""))
                    .output(Types.STRING).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getString("a") + in.getOr("sep", String.class, "") + in.getString("b"));
        }
    }

    /** Display form of a value for UI maps. */
    public static String show(Object v) {
        if (v instanceof float[] a) return Arrays.toString(a);
        return String.valueOf(v);
    }

    /** "Record": an output node taking anything; its UI is {"values": [shown value], "label": [label]}. */
    public static final class Record extends Base {
        public Record() { this(Recorder.GLOBAL); }
        public Record(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Record").outputNode()
                    .required(InputSpec.socket("value", Types.ANY))
                    .optional(InputSpec.string("label", ""))
                    .build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.withUi(Map.of("values", List.of(show(in.get("value"))),
                    "label", List.of(in.getOr("label", String.class, ""))));
        }
    }

    /** "Fail": always throws with its message. */
    public static final class Fail extends Base {
        public Fail() { this(Recorder.GLOBAL); }
        public Fail(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Fail").required(InputSpec.string("message", "boom"))
                    .optional(InputSpec.socket("value", Types.ANY)).output(Types.INT).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            throw new RuntimeException(in.getString("message"));
        }
    }

    /** "Slow": reports progress for {@code steps} steps (sleeping a little each), then passes value (or steps) on. */
    public static final class Slow extends Base {
        /** Counted down at the first progress step, so a test knows the node is running. */
        public volatile CountDownLatch started = new CountDownLatch(1);
        public volatile long sleepMillis = 2;
        public Slow() { this(Recorder.GLOBAL); }
        public Slow(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Slow").required(InputSpec.integer("steps", 10, 1, 1_000_000))
                    .optional(InputSpec.socket("value", Types.ANY)).output(Types.ANY).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) throws InterruptedException {
            long n = in.getLong("steps");
            for (long i = 1; i <= n; i++) {
                ctx.progress(i, n);
                started.countDown();
                if (sleepMillis > 0) Thread.sleep(sleepMillis);
            }
            return NodeOutput.of(in.has("value") ? in.get("value") : n);
        }
    }

    /** "FileHash": reads a file under the input folder; fingerprint = SHA-256 of its content. */
    public static final class FileHash extends Base {
        public FileHash() { this(Recorder.GLOBAL); }
        public FileHash(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("FileHash").required(InputSpec.string("path", "")).output(Types.STRING).build();
        }
        @Override public Object fingerprint(NodeInputs literals, Environment env) throws Exception {
            Path p = env.inputDir().resolve(literals.getString("path"));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) throws Exception {
            return NodeOutput.of(Files.readString(ctx.env().inputDir().resolve(in.getString("path"))));
        }
    }

    /** "EvenOnly": custom validation rejects odd literal values. */
    public static final class EvenOnly extends Base {
        public EvenOnly() { this(Recorder.GLOBAL); }
        public EvenOnly(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("EvenOnly").required(wideInt("value")).output(Types.INT).build();
        }
        @Override public String validate(NodeInputs literals, Environment env) {
            if (!literals.has("value")) return null;           // linked: not known yet
            long v = literals.getLong("value");
            return v % 2 == 0 ? null : "value must be even, got " + v;
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getLong("value"));
        }
    }

    /** "Pick": a COMBO of colours → STRING. */
    public static final class Pick extends Base {
        public Pick() { this(Recorder.GLOBAL); }
        public Pick(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Pick").required(InputSpec.combo("choice", List.of("red", "green", "blue")))
                    .output(Types.STRING).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getString("choice"));
        }
    }

    public static final BigInteger MAX_SEED = new BigInteger("18446744073709551615");

    /** "Ranged": an output node with ranged INT/FLOAT widgets and optional inputs with defaults. */
    public static final class Ranged extends Base {
        public Ranged() { this(Recorder.GLOBAL); }
        public Ranged(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Ranged").outputNode()
                    .required(InputSpec.integer("i", 5, 0, 10), InputSpec.number("f", 0.5, 0.0, 1.0))
                    .optional(InputSpec.integer("seed", 0, BigInteger.ZERO, MAX_SEED),
                            InputSpec.bool("flag", false), InputSpec.string("label", "dflt"),
                            InputSpec.combo("mode", List.of("a", "b")), InputSpec.socket("extra", Types.IMAGE))
                    .build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.withUi(Map.of("i", List.of(in.getLong("i"))));
        }
    }

    /** "Floats": a float[] of n copies of fill. */
    public static final class Floats extends Base {
        public Floats() { this(Recorder.GLOBAL); }
        public Floats(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Floats")
                    .required(InputSpec.integer("n", 4, 1, 1000), InputSpec.number("fill", 1.0, -1e9, 1e9))
                    .output("FLOATS").build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            float[] a = new float[in.getInt("n")];
            Arrays.fill(a, (float) in.getDouble("fill"));
            return NodeOutput.of((Object) a);
        }
    }

    /** "Mutate": a badly behaved consumer that overwrites its float[] input; outputs the sum it saw first. */
    public static final class Mutate extends Base {
        public Mutate() { this(Recorder.GLOBAL); }
        public Mutate(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Mutate").required(InputSpec.socket("values", "FLOATS")).output(Types.FLOAT).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            float[] a = in.get("values", float[].class);
            double sum = 0;
            for (float f : a) sum += f;
            Arrays.fill(a, -1000f);
            return NodeOutput.of(sum);
        }
    }

    /** "SumFloats": an output node showing the sum of a float[]; also outputs it. */
    public static final class SumFloats extends Base {
        public SumFloats() { this(Recorder.GLOBAL); }
        public SumFloats(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("SumFloats").outputNode()
                    .required(InputSpec.socket("values", "FLOATS")).optional(InputSpec.string("label", ""))
                    .output(Types.FLOAT).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            double sum = 0;
            for (float f : in.get("values", float[].class)) sum += f;
            return NodeOutput.withUi(Map.of("sum", List.of(sum)), sum);
        }
    }

    /** A value of a declared size, for the cache's memory budget. */
    public record Blob(long bytes, long tag) implements SizedValue {
        @Override public long sizeBytes() { return bytes; }
    }

    /** "Sized": a {@link Blob} of the given size. */
    public static final class Sized extends Base {
        public Sized() { this(Recorder.GLOBAL); }
        public Sized(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Sized").required(wideInt("bytes"), wideInt("tag")).output("BLOB").build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(new Blob(in.getLong("bytes"), in.getLong("tag")));
        }
    }

    /** "Pair": two outputs, INT "number" and STRING "text". */
    public static final class Pair extends Base {
        public Pair() { this(Recorder.GLOBAL); }
        public Pair(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Pair").required(wideInt("value"))
                    .output(Types.INT, "number").output(Types.STRING, "text").build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            long v = in.getLong("value");
            return NodeOutput.of(v, "#" + v);
        }
    }

    /** "WrongArity": declares two outputs but returns one. */
    public static final class WrongArity extends Base {
        public WrongArity() { this(Recorder.GLOBAL); }
        public WrongArity(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("WrongArity").required(wideInt("value")).output(Types.INT).output(Types.INT).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getLong("value"));
        }
    }

    /** "Always": fingerprint is {@link Node#ALWAYS_CHANGED}. */
    public static final class Always extends Base {
        public Always() { this(Recorder.GLOBAL); }
        public Always(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Always").required(wideInt("value")).output(Types.INT).build();
        }
        @Override public Object fingerprint(NodeInputs literals, Environment env) {
            return ALWAYS_CHANGED;
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getLong("value"));
        }
    }

    /** "BrokenFingerprint": its fingerprint throws, which must mean "always re-run". */
    public static final class BrokenFingerprint extends Base {
        public BrokenFingerprint() { this(Recorder.GLOBAL); }
        public BrokenFingerprint(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("BrokenFingerprint").required(wideInt("value")).output(Types.INT).build();
        }
        @Override public Object fingerprint(NodeInputs literals, Environment env) {
            throw new IllegalStateException("cannot fingerprint");
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.getLong("value"));
        }
    }

    /** "ImageSink": an output node with a required IMAGE socket. */
    public static final class ImageSink extends Base {
        public ImageSink() { this(Recorder.GLOBAL); }
        public ImageSink(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("ImageSink").outputNode().required(InputSpec.socket("image", Types.IMAGE)).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of();
        }
    }

    /** "OutPass": an output node that also has an output socket (value × factor). */
    public static final class OutPass extends Base {
        public OutPass() { this(Recorder.GLOBAL); }
        public OutPass(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("OutPass").outputNode().required(wideInt("value"), wideInt("factor"))
                    .output(Types.INT).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            long v = in.getLong("value") * in.getLong("factor");
            return NodeOutput.withUi(Map.of("values", List.of(String.valueOf(v))), v);
        }
    }

    /** "Tagged": declares a hidden UNIQUE_ID, so its node id is part of its cache key. */
    public static final class Tagged extends Base {
        public Tagged() { this(Recorder.GLOBAL); }
        public Tagged(Recorder rec) { super(rec); }
        @Override protected NodeSchema build() {
            return NodeSchema.builder("Tagged").required(wideInt("value")).hidden("uid", "UNIQUE_ID")
                    .output(Types.STRING).build();
        }
        @Override protected NodeOutput run(NodeContext ctx, NodeInputs in) {
            return NodeOutput.of(in.get("uid") + ":" + in.getLong("value"));
        }
    }

}
