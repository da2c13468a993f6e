package org.easel.nodes.text;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A hand-written SentencePiece-style Unigram {@code tokenizer.json} (T5 layout: WhitespaceSplit + Metaspace
 * pre-tokenizer, {@code $A </s>} template). Expected ids are the best Viterbi segmentations worked out by hand
 * from the log-probabilities below.
 */
class T5TokenizerTest {

    // id, piece, score
    static final Object[][] VOCAB = {
            {"<pad>", 0.0}, {"</s>", 0.0}, {"<unk>", 0.0}, {"▁", -2.0}, {"▁hello", -1.0},
            {"▁he", -3.0}, {"llo", -3.0}, {"▁world", -1.5}, {"h", -6.0}, {"e", -6.0},
            {"l", -6.0}, {"o", -6.0}, {"w", -6.0}, {"r", -6.0}, {"d", -6.0}, {"▁hell", -2.0},
    };

    static String tokenizerJson() {
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < VOCAB.length; i++) {
            if (i > 0) {
                vocab.append(',');
            }
            vocab.append("[\"").append(VOCAB[i][0]).append("\",").append(VOCAB[i][1]).append(']');
        }
        String special = "\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true";
        return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":["
                + "{\"id\":0,\"content\":\"<pad>\"," + special + "},"
                + "{\"id\":1,\"content\":\"</s>\"," + special + "},"
                + "{\"id\":2,\"content\":\"<unk>\"," + special + "}],"
                + "\"normalizer\":null,"
                + "\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":["
                + "{\"type\":\"WhitespaceSplit\"},"
                + "{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"always\",\"split\":true}]},"
                + "\"post_processor\":{\"type\":\"TemplateProcessing\","
                + "\"single\":[{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}}],"
                + "\"pair\":[{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}},"
                + "{\"Sequence\":{\"id\":\"B\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}}],"
                + "\"special_tokens\":{\"</s>\":{\"id\":\"</s>\",\"ids\":[1],\"tokens\":[\"</s>\"]}}},"
                + "\"decoder\":{\"type\":\"Metaspace\",\"replacement\":\"▁\",\"prepend_scheme\":\"always\",\"split\":true},"
                + "\"model\":{\"type\":\"Unigram\",\"unk_id\":2,\"vocab\":[" + vocab + "],\"byte_fallback\":false}}";
    }

    static Path folder;
    static T5Tokenizer tok;

    @BeforeAll
    static void load(@TempDir Path dir) throws IOException {
        folder = dir;
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson(), StandardCharsets.UTF_8);
        tok = T5Tokenizer.load(dir); // folder form
    }

    @AfterAll
    static void close() {
        if (tok != null) {
            tok.close();
        }
    }

    @Test
    void unigramSegmentation() {
        // "▁hello" (-1) beats "▁he"+"llo" (-6) and "▁hell"+"o" (-8)
        assertArrayEquals(new long[] {4, 7}, tok.tokenize("hello world"));
        // "▁hello"+"d" (-7) beats "▁hell"+"o"+"d" (-14); extra whitespace is split away
        assertArrayEquals(new long[] {4, 14, 4}, tok.tokenize("  hellod   hello "));
        // "▁he"+"llo"+... : "▁hellowor" isn't in vocab; "▁hello"+"w"+"o"+"r" (-19)
        assertArrayEquals(new long[] {4, 12, 11, 13}, tok.tokenize("hellowor"));
    }

    @Test
    void encodeAppendsEosAndPads() {
        assertArrayEquals(new long[] {1}, tok.specialSuffix());
        assertEquals(0, tok.padId());
        assertArrayEquals(new long[] {4, 7, 1, 0, 0, 0, 0, 0}, tok.encode("hello world", 8, 16));
        // min length shorter than the ids: no padding
        assertArrayEquals(new long[] {4, 7, 1}, tok.encode("hello world", 0, 16));
        assertArrayEquals(new long[] {1, 0, 0, 0}, tok.encode("", 4, 4));
    }

    @Test
    void truncationKeepsEos() {
        assertArrayEquals(new long[] {4, 7, 1}, tok.encode("hello world hello world", 3, 3));
        assertArrayEquals(new long[] {1}, tok.encode("hello world", 1, 1));
        long[] diffusers = tok.encode("hello ".repeat(300), 256, 256);
        assertEquals(256, diffusers.length);
        assertEquals(4, diffusers[254]);
        assertEquals(1, diffusers[255]);
        assertThrows(IllegalArgumentException.class, () -> tok.encode("hello", 5, 4));
    }

    @Test
    void noImplicitTruncation() {
        // ComfyUI/Stability T5: no truncation, min length 77; DJL must not cut at 512
        long[] ids = tok.encode("hello ".repeat(600), 77, Integer.MAX_VALUE);
        assertEquals(601, ids.length);
        assertEquals(1, ids[600]);
        long[] shortIds = tok.encode("hello", T5Tokenizer.COMFY_MIN_LENGTH, Integer.MAX_VALUE);
        assertEquals(77, shortIds.length);
        assertArrayEquals(new long[] {4, 1, 0}, Arrays.copyOf(shortIds, 3));
        assertEquals(0, shortIds[76]);
    }

    @Test
    void loadsFromFilePathAndRejectsMissing(@TempDir Path empty) throws IOException {
        try (T5Tokenizer t = T5Tokenizer.load(folder.resolve("tokenizer.json"))) {
            assertArrayEquals(new long[] {4, 7, 1}, t.encode("hello world", 0, 512));
        }
        assertThrows(IOException.class, () -> T5Tokenizer.load(empty));
    }

    @Test
    void concurrentEncodes() throws Exception {
        String[] prompts = {"hello world", "hellod", "world hello world", "hello ".repeat(50)};
        List<long[]> expected = new ArrayList<>();
        for (String p : prompts) {
            expected.add(tok.encode(p, 77, 256));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String p = prompts[i % prompts.length];
                futures.add(pool.submit(() -> tok.encode(p, 77, 256)));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(expected.get(i % prompts.length), futures.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
