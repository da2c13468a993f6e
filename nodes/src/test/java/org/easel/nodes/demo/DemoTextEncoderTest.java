package org.easel.nodes.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoTextEncoderTest {

    @Test
    void everyWordIsOneClipToken() {
        for (String w : DemoVocabulary.WORDS) {
            assertEquals(List.of(DemoVocabulary.wordIds().get(w)), DemoVocabulary.tokenizeClip(w), w);
            assertEquals(w + "</w>", keyOf(DemoVocabulary.wordIds().get(w)));
        }
        List<Integer> ids = DemoVocabulary.tokenizeClip("A  RED circle, left!");
        assertEquals(DemoVocabulary.wordIds().get("red"), ids.get(1));
        assertEquals(DemoVocabulary.wordIds().get("circle"), ids.get(2));
        assertEquals(DemoVocabulary.wordIds().get("left"), ids.get(4));
        // unknown words still tokenize (byte level), to non-word ids
        for (int id : DemoVocabulary.tokenizeClip("zebra")) assertEquals(-1, DemoVocabulary.attributeOfToken(id));
    }

    private static String keyOf(int id) {
        return DemoVocabulary.clipVocab().entrySet().stream().filter(e -> e.getValue() == id).findFirst().orElseThrow().getKey();
    }

    @Test
    void tokenizerFilesAreConsistent() throws Exception {
        Path tok = DemoModels.checkpointDir(DemoTestSupport.modelsDir()).resolve("tokenizer");
        JsonNode vocab = new ObjectMapper().readTree(tok.resolve("vocab.json").toFile());
        assertEquals(DemoVocabulary.BOS_ID, vocab.get("<|startoftext|>").asInt());
        assertEquals(DemoVocabulary.EOS_ID, vocab.get("<|endoftext|>").asInt());
        assertEquals(DemoVocabulary.wordIds().get("red").intValue(), vocab.get("red</w>").asInt());
        List<String> merges = Files.readAllLines(tok.resolve("merges.txt"));
        assertTrue(merges.get(0).startsWith("#version"));
        Set<String> tokens = new HashSet<>();
        vocab.fieldNames().forEachRemaining(tokens::add);
        for (String m : merges.subList(1, merges.size())) {
            String[] p = m.split(" ");
            assertTrue(tokens.contains(p[0]) && tokens.contains(p[1]) && tokens.contains(p[0] + p[1]), m);
        }
        JsonNode cfg2 = new ObjectMapper().readTree(tok.resolveSibling("tokenizer_2").resolve("special_tokens_map.json").toFile());
        assertEquals("!", cfg2.get("pad_token").get("content").asText());
    }

    @Test
    void clipTokenizerJsonAgreesWithReferenceBpe() throws Exception {
        Path ck = DemoModels.checkpointDir(DemoTestSupport.modelsDir());
        String prompt = "A  RED circle, on the Left; zebra-green centre!";
        List<Integer> ref = DemoVocabulary.tokenizeClip(prompt);
        for (String dir : new String[] {"tokenizer", "tokenizer_2"}) {
            try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(ck.resolve(dir).resolve("tokenizer.json"))) {
                long[] ids = tok.encode(prompt).getIds();
                assertEquals(ref.size() + 2, ids.length, Arrays.toString(ids));
                assertEquals(DemoVocabulary.BOS_ID, ids[0]);
                assertEquals(DemoVocabulary.EOS_ID, ids[ids.length - 1]);
                for (int i = 0; i < ref.size(); i++) assertEquals(ref.get(i).longValue(), ids[i + 1], "token " + i);
                for (String w : DemoVocabulary.WORDS) {
                    assertArrayEquals(new long[] {DemoVocabulary.BOS_ID, DemoVocabulary.wordIds().get(w), DemoVocabulary.EOS_ID},
                            tok.encode(w).getIds(), w);
                }
            }
        }
    }

    private void checkClip(String rel, int width, int layers, int pad) throws Exception {
        OrtSession s = DemoTestSupport.session(rel);
        Set<String> expected = new HashSet<>(List.of("text_embeds", "last_hidden_state"));
        for (int i = 0; i <= layers; i++) expected.add("hidden_states." + i);
        assertEquals(expected, s.getOutputNames());
        assertEquals(Set.of("input_ids"), s.getInputNames());
        long[] a = DemoVocabulary.clipInputIds("a red circle on the left", pad);
        long[] b = DemoVocabulary.clipInputIds("Blue blue SQUARE centre", pad);
        long[] ids = new long[2 * 77];
        System.arraycopy(a, 0, ids, 0, 77);
        System.arraycopy(b, 0, ids, 77, 77);
        try (OnnxTensor t = DemoTestSupport.longs(ids, 2, 77); OrtSession.Result r = s.run(Map.of("input_ids", t))) {
            OnnxTensor te = (OnnxTensor) r.get("text_embeds").orElseThrow();
            assertArrayEquals(new long[] {2, width}, te.getInfo().getShape());
            float[] e = new float[2 * width];
            te.getFloatBuffer().get(e);
            float[] want = new float[2 * width];
            want[DemoVocabulary.attributeOf("red")] = 1;
            want[DemoVocabulary.attributeOf("circle")] = 1;
            want[DemoVocabulary.attributeOf("left")] = 1;
            want[width + DemoVocabulary.attributeOf("blue")] = 2;
            want[width + DemoVocabulary.attributeOf("square")] = 1;
            want[width + DemoVocabulary.attributeOf("center")] = 1;
            assertArrayEquals(want, e, 1e-6f);
            for (String name : expected) {
                if (name.equals("text_embeds")) continue;
                assertArrayEquals(new long[] {2, 77, width}, ((TensorInfo) r.get(name).orElseThrow().getInfo()).getShape(), name);
            }
            float[] h11 = new float[2 * 77 * width];
            ((OnnxTensor) r.get("hidden_states." + (layers - 1)).orElseThrow()).getFloatBuffer().get(h11);
            double norm = 0;
            for (float v : h11) norm += v * v;
            assertTrue(norm > 1, "hidden states carry signal");
        }
    }

    @Test
    void clipL() throws Exception {
        checkClip("text_encoder/model.onnx", 768, 12, DemoVocabulary.EOS_ID);
    }

    @Test
    void clipG() throws Exception {
        checkClip("text_encoder_2/model.onnx", 1280, 32, 0);
    }

    @Test
    void t5TokenizerLoadsInDjlAndEncoderRuns() throws Exception {
        Path dir = DemoModels.checkpointDir(DemoTestSupport.modelsDir()).resolve("tokenizer_3");
        long[] ids;
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            Encoding enc = tok.encode("A red circle");
            ids = enc.getIds();
        }
        int red = DemoVocabulary.T5_PIECES.indexOf("\u2581red"), circle = DemoVocabulary.T5_PIECES.indexOf("\u2581circle");
        assertEquals(DemoVocabulary.T5_EOS_ID, ids[ids.length - 1], Arrays.toString(ids));
        assertEquals(red, ids[ids.length - 3], Arrays.toString(ids));
        assertEquals(circle, ids[ids.length - 2], Arrays.toString(ids));
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir)) {
            assertArrayEquals(ids, tok.encode("A red circle").getIds());
        }
        OrtSession s = DemoTestSupport.session("text_encoder_3/model.onnx");
        long[] padded = Arrays.copyOf(ids, 10); // pad id 0
        try (OnnxTensor t = DemoTestSupport.longs(padded, 1, 10); OrtSession.Result r = s.run(Map.of("input_ids", t))) {
            assertArrayEquals(new long[] {1, 10, 4096}, ((OnnxTensor) r.get("last_hidden_state").orElseThrow()).getInfo().getShape());
        }
        NodeInfo in = s.getInputInfo().get("input_ids");
        assertEquals(OnnxJavaType.INT64, ((TensorInfo) in.getInfo()).type);
    }
}
