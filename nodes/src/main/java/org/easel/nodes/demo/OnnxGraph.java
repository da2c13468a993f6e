package org.easel.nodes.demo;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal builder for ONNX graphs of any rank (opset 18, IR version 8). Float graph inputs and
 * outputs may be declared as float16: the graph then casts at the boundary and computes in float32.
 */
final class OnnxGraph {
    static final int OPSET = 18;
    static final int IR_VERSION = 8;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final boolean fp16Io;
    private final Map<String, Integer> counters = new HashMap<>();

    /** @param fp16Io declare float inputs/outputs as FLOAT16 (Casts inserted at the boundary) */
    OnnxGraph(String name, boolean fp16Io) {
        graph.setName(name);
        this.fp16Io = fp16Io;
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
    String floatInput(String name, Object... dims) {
        if (!fp16Io) {
            graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
            return name;
        }
        graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT16_VALUE, dims));
        return op("Cast", new String[] {name}, Map.of("to", TensorProto.DataType.FLOAT_VALUE));
    }

    /** An int64 graph input. */
    String int64Input(String name, Object... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.INT64_VALUE, dims));
        return name;
    }

    /** Declares float32 tensor {@code tensor} as graph output {@code name} (float16 in FP16 mode). */
    void floatOutput(String name, String tensor, Object... dims) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(fresh("out")).addInput(tensor).addOutput(name);
        if (fp16Io) {
            n.setOpType("Cast").addAttribute(attr("to", TensorProto.DataType.FLOAT16_VALUE));
        } else {
            n.setOpType("Identity");
        }
        graph.addNode(n);
        graph.addOutput(valueInfo(name, fp16Io ? TensorProto.DataType.FLOAT16_VALUE : TensorProto.DataType.FLOAT_VALUE, dims));
    }

    String floats(String hint, float[] data, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) buf.putFloat(f);
        return initializer(hint, TensorProto.DataType.FLOAT_VALUE, buf.array(), dims);
    }

    String scalar(float v) {
        return floats("c", new float[] {v});
    }

    String longs(String hint, long[] data, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : data) buf.putLong(v);
        return initializer(hint, TensorProto.DataType.INT64_VALUE, buf.array(), dims);
    }

    /** A 1-D int64 constant. */
    String longs(long... data) {
        return longs("i", data, data.length);
    }

    String ints(String hint, int[] data, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : data) buf.putInt(v);
        return initializer(hint, TensorProto.DataType.INT32_VALUE, buf.array(), dims);
    }

    private String initializer(String hint, int type, byte[] raw, long... dims) {
        String name = fresh(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw));
        for (long d : dims) t.addDims(d);
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node with one output; "" in inputs means an omitted optional input. */
    String op(String type, String[] inputs, Map<String, ?> attrs) {
        return opN(type, 1, inputs, attrs)[0];
    }

    String op(String type, String... inputs) {
        return op(type, inputs, Map.of());
    }

    String[] opN(String type, int outputs, String[] inputs, Map<String, ?> attrs) {
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
    String add(String a, String b) { return op("Add", a, b); }
    String sub(String a, String b) { return op("Sub", a, b); }
    String mul(String a, String b) { return op("Mul", a, b); }
    String div(String a, String b) { return op("Div", a, b); }
    String matmul(String a, String b) { return op("MatMul", a, b); }
    String reshape(String x, String shape) { return op("Reshape", x, shape); }
    String clip(String x, float lo, float hi) { return op("Clip", x, scalar(lo), scalar(hi)); }

    ModelProto build(String docString) {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("easel-demo")
                .setProducerVersion("1")
                .setDocString(docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
    }
}
