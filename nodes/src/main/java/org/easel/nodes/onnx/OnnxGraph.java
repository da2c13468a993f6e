package org.easel.nodes.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal builder for ONNX graphs of any rank (opset 18, IR version 8), used for the demo models, the
 * benchmark graphs and test models. Float graph inputs and outputs may be declared as float16 (or another
 * float type): the graph then casts at the boundary and computes in float32.
 */
public final class OnnxGraph {
    public static final int OPSET = 18;
    public static final int IR_VERSION = 8;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    /** The element type of float graph inputs and outputs (FLOAT, FLOAT16 or BFLOAT16). */
    private final int ioType;
    private final Map<String, Integer> counters = new HashMap<>();

    /** @param fp16Io declare float inputs/outputs as FLOAT16 (Casts inserted at the boundary) */
    public OnnxGraph(String name, boolean fp16Io) {
        this(name, fp16Io ? TensorProto.DataType.FLOAT16_VALUE : TensorProto.DataType.FLOAT_VALUE);
    }

    /** @param ioType the {@code TensorProto.DataType} of float inputs/outputs; other than FLOAT, Casts are inserted */
    public OnnxGraph(String name, int ioType) {
        graph.setName(name);
        this.ioType = ioType;
    }

    private String fresh(String hint) {
        int n = counters.merge(hint, 1, Integer::sum);
        return hint + "_" + n;
    }

    private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) db.setDimValue(n.longValue());
            else db.setDimParam(d.toString());
            shape.addDim(db);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }

    /** A float graph input; returns the name of the float32 tensor to compute with. Dims: Integer or String (symbolic). */
    public String floatInput(String name, Object... dims) {
        graph.addInput(valueInfo(name, ioType, dims));
        if (ioType == TensorProto.DataType.FLOAT_VALUE) return name;
        return op("Cast", new String[] {name}, Map.of("to", TensorProto.DataType.FLOAT_VALUE));
    }

    /** An int64 graph input. */
    public String int64Input(String name, Object... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.INT64_VALUE, dims));
        return name;
    }

    /** Declares float32 tensor {@code tensor} as graph output {@code name} (in the graph's IO float type). */
    public void floatOutput(String name, String tensor, Object... dims) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(fresh("out")).addInput(tensor).addOutput(name);
        if (ioType != TensorProto.DataType.FLOAT_VALUE) {
            n.setOpType("Cast").addAttribute(attr("to", ioType));
        } else {
            n.setOpType("Identity");
        }
        graph.addNode(n);
        graph.addOutput(valueInfo(name, ioType, dims));
    }

    public String floats(String hint, float[] data, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) buf.putFloat(f);
        return initializer(hint, TensorProto.DataType.FLOAT_VALUE, buf.array(), dims);
    }

    public String scalar(float v) {
        return floats("c", new float[] {v});
    }

    public String longs(String hint, long[] data, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : data) buf.putLong(v);
        return initializer(hint, TensorProto.DataType.INT64_VALUE, buf.array(), dims);
    }

    /** A 1-D int64 constant. */
    public String longs(long... data) {
        return longs("i", data, data.length);
    }

    public String ints(String hint, int[] data, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : data) buf.putInt(v);
        return initializer(hint, TensorProto.DataType.INT32_VALUE, buf.array(), dims);
    }

    private String initializer(String hint, int type, byte[] raw, long... dims) {
        return initializer(hint, type, UnsafeByteOperations.unsafeWrap(raw), dims);
    }

    /** An initializer over little-endian bytes the caller will not change (large weights: no copy). */
    public String initializer(String hint, int type, ByteString raw, long... dims) {
        String name = fresh(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(raw);
        for (long d : dims) t.addDims(d);
        graph.addInitializer(t);
        return name;
    }

    /** An initializer whose bytes are in an external-data file next to the model (written by the caller). */
    public String externalInitializer(String hint, int type, String location, long offset, long length, long... dims) {
        String name = fresh(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length)));
        for (long d : dims) t.addDims(d);
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node with one output; "" in inputs means an omitted optional input. */
    public String op(String type, String[] inputs, Map<String, ?> attrs) {
        return opN(type, 1, inputs, attrs)[0];
    }

    public String op(String type, String... inputs) {
        return op(type, inputs, Map.of());
    }

    public String[] opN(String type, int outputs, String[] inputs, Map<String, ?> attrs) {
        String base = fresh(type);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(type).setName(base);
        for (String in : inputs) n.addInput(in);
        String[] outs = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            outs[i] = base + "_o" + i;
            n.addOutput(outs[i]);
        }
        attrs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> n.addAttribute(attr(e.getKey(), e.getValue())));
        graph.addNode(n);
        return outs;
    }

    private static AttributeProto attr(String name, Object v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (v instanceof Integer || v instanceof Long) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
        } else if (v instanceof Float || v instanceof Double) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue());
        } else if (v instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (v instanceof long[] arr) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long x : arr) a.addInts(x);
        } else if (v instanceof int[] arr) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (int x : arr) a.addInts(x);
        } else if (v instanceof float[] arr) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float x : arr) a.addFloats(x);
        } else {
            throw new IllegalArgumentException("unsupported attribute " + name + ": " + v);
        }
        return a.build();
    }

    // ---- small conveniences ----
    public String add(String a, String b) { return op("Add", a, b); }
    public String sub(String a, String b) { return op("Sub", a, b); }
    public String mul(String a, String b) { return op("Mul", a, b); }
    public String div(String a, String b) { return op("Div", a, b); }
    public String matmul(String a, String b) { return op("MatMul", a, b); }
    public String reshape(String x, String shape) { return op("Reshape", x, shape); }
    public String clip(String x, float lo, float hi) { return op("Clip", x, scalar(lo), scalar(hi)); }

    /**
     * Writes {@code model} to {@code file} with every initializer of at least {@code minBytes} moved to the
     * external-data file {@code dataName} next to it (ONNX's external data: location, offset, length).
     */
    public static void writeWithExternalData(ModelProto model, Path file, String dataName, long minBytes) throws IOException {
        ModelProto.Builder m = model.toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream data = new BufferedOutputStream(Files.newOutputStream(file.resolveSibling(dataName)), 1 << 20)) {
            long offset = 0;
            for (TensorProto.Builder t : g.getInitializerBuilderList()) {
                ByteString raw = t.getRawData();
                if (raw.size() < minBytes) continue;
                raw.writeTo(data);
                t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", dataName))
                        .addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Long.toString(raw.size())));
                offset += raw.size();
            }
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            m.build().writeTo(out);
        }
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    public ModelProto build(String docString) {
        return build(docString, OPSET);
    }

    /** The model, importing the default domain at {@code opset}. */
    public ModelProto build(String docString, int opset) {
        return ModelProto.newBuilder()
                .setIrVersion(opset > 18 ? 9 : IR_VERSION)
                .setProducerName("easel-demo")
                .setProducerVersion("1")
                .setDocString(docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }
}
