package org.easel.nodes.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files an ONNX model consists of: the model itself and the external-data files its tensors name
 * (ONNX external data: a tensor with {@code data_location = EXTERNAL} and a {@code location} entry, relative
 * to the model's folder). Exports name them freely ({@code model.onnx_data}, {@code model.onnx.data},
 * {@code weights.pb}, one file per tensor …), so they are read from the model, not guessed. The model is
 * scanned as a protobuf stream: tensor bytes are skipped, never loaded.
 */
public record ModelFiles(Path model, List<Path> externalData, long totalBytes) {
    /** ONNX Runtime cannot write an optimised model with inline weights beyond protobuf's 2 GB limit. */
    public static final long PROTOBUF_LIMIT = (2L << 30) - 1;

    public boolean hasExternalData() { return !externalData.isEmpty(); }

    /** Reads which external-data files {@code model} uses; unreadable models count as the model file alone. */
    public static ModelFiles of(Path model) {
        long size = 0;
        try {
            size = Files.size(model);
        } catch (IOException ignored) {
            // missing: the loader reports it
        }
        Set<String> locations = new LinkedHashSet<>();
        if (size > 0 && size <= PROTOBUF_LIMIT) {
            try (InputStream in = new FileInputStream(model.toFile())) {
                CodedInputStream cin = CodedInputStream.newInstance(in, 1 << 16);
                cin.setSizeLimit(Integer.MAX_VALUE);
                scanModel(cin, locations);
            } catch (IOException | RuntimeException e) {
                // not a readable model: ONNX Runtime will say why when it loads it
            }
        }
        List<Path> files = new ArrayList<>();
        long total = size;
        Path dir = model.toAbsolutePath().getParent();
        for (String loc : locations) {
            Path f = dir.resolve(loc).normalize();
            files.add(f);
            try {
                total += Files.size(f);
            } catch (IOException ignored) {
                // missing data file: the loader reports it
            }
        }
        return new ModelFiles(model, List.copyOf(files), total);
    }

    private interface Scanner {
        void scan(CodedInputStream in, Set<String> out) throws IOException;
    }

    /** Reads one length-delimited sub-message with {@code scanner}. */
    private static void nested(CodedInputStream in, Set<String> out, Scanner scanner) throws IOException {
        int length = in.readRawVarint32();
        int old = in.pushLimit(length);
        scanner.scan(in, out);
        in.popLimit(old);
    }

    private static boolean delimited(int tag) {
        return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    private static void scanModel(CodedInputStream in, Set<String> out) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (delimited(tag) && WireFormat.getTagFieldNumber(tag) == ModelProto.GRAPH_FIELD_NUMBER) nested(in, out, ModelFiles::scanGraph);
            else in.skipField(tag);
        }
    }

    private static void scanGraph(CodedInputStream in, Set<String> out) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            int f = WireFormat.getTagFieldNumber(tag);
            if (!delimited(tag)) in.skipField(tag);
            else if (f == GraphProto.INITIALIZER_FIELD_NUMBER) nested(in, out, ModelFiles::scanTensor);
            else if (f == GraphProto.SPARSE_INITIALIZER_FIELD_NUMBER) nested(in, out, ModelFiles::scanSparse);
            else if (f == GraphProto.NODE_FIELD_NUMBER) nested(in, out, ModelFiles::scanNode);
            else in.skipField(tag);
        }
    }

    private static void scanNode(CodedInputStream in, Set<String> out) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (delimited(tag) && WireFormat.getTagFieldNumber(tag) == NodeProto.ATTRIBUTE_FIELD_NUMBER) nested(in, out, ModelFiles::scanAttribute);
            else in.skipField(tag);
        }
    }

    /** Constant tensors (Optimum exports with {@code convert_attribute=True} put those outside too) and subgraphs. */
    private static void scanAttribute(CodedInputStream in, Set<String> out) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            int f = WireFormat.getTagFieldNumber(tag);
            if (!delimited(tag)) in.skipField(tag);
            else if (f == AttributeProto.T_FIELD_NUMBER || f == AttributeProto.TENSORS_FIELD_NUMBER) nested(in, out, ModelFiles::scanTensor);
            else if (f == AttributeProto.G_FIELD_NUMBER || f == AttributeProto.GRAPHS_FIELD_NUMBER) nested(in, out, ModelFiles::scanGraph);
            else if (f == AttributeProto.SPARSE_TENSOR_FIELD_NUMBER || f == AttributeProto.SPARSE_TENSORS_FIELD_NUMBER) {
                nested(in, out, ModelFiles::scanSparse);
            } else in.skipField(tag);
        }
    }

    private static void scanSparse(CodedInputStream in, Set<String> out) throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            int f = WireFormat.getTagFieldNumber(tag);
            if (delimited(tag) && (f == SparseTensorProto.VALUES_FIELD_NUMBER || f == SparseTensorProto.INDICES_FIELD_NUMBER)) {
                nested(in, out, ModelFiles::scanTensor);
            } else in.skipField(tag);
        }
    }

    private static void scanTensor(CodedInputStream in, Set<String> out) throws IOException {
        String location = null;
        boolean external = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int f = WireFormat.getTagFieldNumber(tag);
            if (f == TensorProto.EXTERNAL_DATA_FIELD_NUMBER && delimited(tag)) {
                StringStringEntryProto e = StringStringEntryProto.parseFrom(in.readBytes());
                if (e.getKey().equals("location")) location = e.getValue();
            } else if (f == TensorProto.DATA_LOCATION_FIELD_NUMBER && !delimited(tag)) {
                external = in.readEnum() == TensorProto.DataLocation.EXTERNAL_VALUE;
            } else {
                in.skipField(tag);            // raw_data and the typed data fields: skipped without reading them
            }
        }
        if (external && location != null && !location.isEmpty()) out.add(location);
    }
}
