package org.easel.nodes.text;

import org.easel.nodes.text.ClipTokenizer.Padding;
import org.easel.nodes.text.ClipTokenizer.WeightedChunk;
import org.junit.jupiter.api.BeforeEach;
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
import org.junit.jupiter.api.Assumptions;

/**
 * Hand-built vocabulary; every expected id below was worked out by hand from VOCAB and MERGES.
 */
class ClipTokenizerTest {

    // id = index. Byte-level alphabet: "é" is UTF-8 C3 A9 -> "Ã" + "©" (both printable Latin-1, map to themselves).
    static final String[] VOCAB = {
            "!", "!</w>", "a", "a</w>", "c", "t", "t</w>", "ca", "cat</w>", "at</w>", // 0-9
            "s</w>", "'", "'s</w>", "i", "it</w>", "1</w>", "2</w>", "d", "o", "g", // 10-19
            "g</w>", "og</w>", ",</w>", "Ã", "©</w>", "Ã©</w>", "©", "A</w>", "<|startoftext|>", "<|endoftext|>", // 20-29
            "(</w>", ")</w>", // 30-31
    };
    static final int BOS = 28;
    static final int EOS = 29;
    // rank = line order
    static final String[] MERGES = {
            "c a",        // 0
            "ca t</w>",   // 1
            "a t</w>",    // 2
            "' s</w>",    // 3
            "i t</w>",    // 4
            "o g</w>",    // 5
            "Ã ©</w>",    // 6
    };

    @TempDir
    Path dir;
    ClipTokenizer tok;

    static void writeTokenizer(Path dir, String specialTokensMap) throws IOException {
        StringBuilder v = new StringBuilder("{");
        for (int i = 0; i < VOCAB.length; i++) {
            if (i > 0) {
                v.append(',');
            }
            v.append('"').append(VOCAB[i].replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(i);
        }
        v.append('}');
        Files.writeString(dir.resolve("vocab.json"), v, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", MERGES) + "\n",
                StandardCharsets.UTF_8);
        if (specialTokensMap != null) {
            Files.writeString(dir.resolve("special_tokens_map.json"), specialTokensMap, StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        writeTokenizer(dir, "{\"bos_token\":{\"content\":\"<|startoftext|>\"},\"eos_token\":\"<|endoftext|>\","
                + "\"unk_token\":\"<|endoftext|>\",\"pad_token\":\"<|endoftext|>\"}");
        tok = ClipTokenizer.load(dir);
    }

    @Test
    void specialIdsAreLookedUpByString() {
        assertEquals(BOS, tok.bosId());
        assertEquals(EOS, tok.eosId());
    }

    @Test
    void mergesAreAppliedInRankOrder() {
        // c a t</w>: "c a"(0) beats "a t</w>"(2) -> ca t</w> -> "ca t</w>"(1) -> cat</w>
        assertArrayEquals(new int[] {8}, tok.tokenize("cat"));
        // a t</w> -> at</w>
        assertArrayEquals(new int[] {9}, tok.tokenize("at"));
        // single letter gets </w> directly
        assertArrayEquals(new int[] {3}, tok.tokenize("a"));
    }

    @Test
    void partiallyMergeableWordFallsBackToPieces() {
        // d o g</w>: only "o g</w>" merges -> d, og</w>
        assertArrayEquals(new int[] {17, 21}, tok.tokenize("dog"));
        // c a c a t</w>: "c a" merges both occurrences -> ca ca t</w> -> "ca t</w>" -> ca, cat</w>
        assertArrayEquals(new int[] {7, 8}, tok.tokenize("cacat"));
    }

    @Test
    void lowerCaseAndWhitespaceCleanup() {
        assertArrayEquals(new int[] {8, 17, 21}, tok.tokenize("  CAT \n\t  Dog  "));
        assertArrayEquals(new int[0], tok.tokenize(" \t\n "));
    }

    @Test
    void punctuationDigitsAndContractions() {
        // "cat" "!" | "," | "!!" -> ! !</w> (no merge); note "!," would be one run
        assertArrayEquals(new int[] {8, 1, 22, 0, 1}, tok.tokenize("cat! , !!"));
        // "!," is one run of non-letter/non-digit characters: ! ,</w>
        assertArrayEquals(new int[] {0, 22}, tok.tokenize("!,"));
        // digits are split one by one, after a letter run
        assertArrayEquals(new int[] {3, 15, 16}, tok.tokenize("a12"));
        // it's -> "it" + "'s"
        assertArrayEquals(new int[] {14, 12}, tok.tokenize("it's"));
        assertArrayEquals(new int[] {14, 12}, tok.tokenize("IT'S"));
    }

    @Test
    void unicodeBytes() {
        // é = C3 A9 -> Ã ©</w> -> merged
        assertArrayEquals(new int[] {25}, tok.tokenize("é"));
        // decomposed e + U+0301 is NFC-normalised first
        assertArrayEquals(new int[] {25}, tok.tokenize("e\u0301"));
        // "éa" is one letter run: Ã © a</w>, "Ã ©" alone is no merge
        assertArrayEquals(new int[] {23, 26, 3}, tok.tokenize("éa"));
        // "É" lower-cases to é
        assertArrayEquals(new int[] {25}, tok.tokenize("É"));
    }

    @Test
    void unknownPiecesAndSpecialTokensInText() {
        // z</w> is not in the vocab -> unk (= <|endoftext|>)
        assertArrayEquals(new int[] {EOS}, tok.tokenize("z"));
        assertArrayEquals(new int[] {8, EOS, 3}, tok.tokenize("cat<|endoftext|>a"));
    }

    @Test
    void encodePadsWithEndOrZero() {
        long[] end = tok.encode("cat dog", Padding.END);
        long[] zero = tok.encode("cat dog", Padding.ZERO);
        assertEquals(77, end.length);
        assertEquals(77, zero.length);
        long[] head = {BOS, 8, 17, 21, EOS};
        assertArrayEquals(head, Arrays.copyOf(end, 5));
        assertArrayEquals(head, Arrays.copyOf(zero, 5));
        for (int i = 5; i < 77; i++) {
            assertEquals(EOS, end[i], "END padding at " + i);
            assertEquals(0, zero[i], "ZERO padding at " + i);
        }
        long[] empty = tok.encode("", Padding.ZERO);
        assertEquals(BOS, empty[0]);
        assertEquals(EOS, empty[1]);
        assertEquals(0, empty[2]);
    }

    @Test
    void encodeTruncatesTo75Tokens() {
        long[] ids = tok.encode("cat ".repeat(80) + "dog", Padding.ZERO);
        assertEquals(77, ids.length);
        assertEquals(BOS, ids[0]);
        for (int i = 1; i <= 75; i++) {
            assertEquals(8, ids[i]);
        }
        assertEquals(EOS, ids[76]);
        // exactly 75 fits with no padding; 74 leaves one pad
        long[] ids74 = tok.encode("cat ".repeat(74), Padding.ZERO);
        assertEquals(EOS, ids74[75]);
        assertEquals(0, ids74[76]);
    }

    @Test
    void configuredPaddingFollowsPadToken(@TempDir Path other) throws IOException {
        assertEquals(Padding.END, tok.configuredPadding());
        writeTokenizer(other, "{\"pad_token\":\"!\"}");
        assertEquals(Padding.ZERO, ClipTokenizer.load(other).configuredPadding());
    }

    @Test
    void missingSpecialTokenFails(@TempDir Path other) throws IOException {
        writeTokenizer(other, "{\"bos_token\":\"<s>\"}");
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(other));
    }

    @Test
    void shortPromptIsOneChunkEqualToEncode() {
        List<long[]> chunks = tok.encodeChunks("cat, dog", Padding.END);
        assertEquals(1, chunks.size());
        assertArrayEquals(tok.encode("cat, dog", Padding.END), chunks.get(0));
        List<long[]> empty = tok.encodeChunks("", Padding.ZERO);
        assertEquals(1, empty.size());
        assertArrayEquals(tok.encode("", Padding.ZERO), empty.get(0));
    }

    @Test
    void longPromptIsSplitIntoChunks() {
        List<long[]> chunks = tok.encodeChunks("cat ".repeat(80), Padding.ZERO);
        assertEquals(2, chunks.size());
        long[] c0 = chunks.get(0);
        long[] c1 = chunks.get(1);
        assertEquals(BOS, c0[0]);
        for (int i = 1; i <= 75; i++) {
            assertEquals(8, c0[i]);
        }
        assertEquals(EOS, c0[76]);
        long[] head = {BOS, 8, 8, 8, 8, 8, EOS, 0};
        assertArrayEquals(head, Arrays.copyOf(c1, 8));
        assertEquals(0, c1[76]);
    }

    @Test
    void shortWordMovesToNextChunk() {
        // 74 cats fill slots 1..74; "dog" (2 tokens) would need slots 75,76 -> starts a new chunk
        List<long[]> chunks = tok.encodeChunks("cat ".repeat(74) + "dog", Padding.END);
        assertEquals(2, chunks.size());
        assertEquals(8, chunks.get(0)[74]);
        assertEquals(EOS, chunks.get(0)[75]);
        assertEquals(EOS, chunks.get(0)[76]); // END padding
        assertArrayEquals(new long[] {BOS, 17, 21, EOS, EOS}, Arrays.copyOf(chunks.get(1), 5));
    }

    @Test
    void longWordIsSplitAcrossChunks() {
        // "!!!!!!!!!!" -> 9 x "!"(0) + "!</w>"(1) = 10 tokens >= 8 -> split
        List<long[]> chunks = tok.encodeChunks("cat ".repeat(70) + "!!!!!!!!!!", Padding.END);
        assertEquals(2, chunks.size());
        long[] c0 = chunks.get(0);
        assertEquals(8, c0[70]);
        for (int i = 71; i <= 75; i++) {
            assertEquals(0, c0[i]);
        }
        assertEquals(EOS, c0[76]);
        assertArrayEquals(new long[] {BOS, 0, 0, 0, 0, 1, EOS, EOS}, Arrays.copyOf(chunks.get(1), 8));
    }

    @Test
    void comfyExactWordLookup() {
        // ComfyUI maps a word straight to "<word></w>" when that entry exists: "A" -> A</w>(27), not a</w>(3)
        assertArrayEquals(new long[] {BOS, 27, 8, EOS}, Arrays.copyOf(tok.encodeChunks("A cat", Padding.END).get(0), 4));
        assertArrayEquals(new long[] {BOS, 3, 8, EOS}, Arrays.copyOf(tok.encode("A cat", Padding.END), 4));
    }

    @Test
    void weightedChunks() {
        WeightedChunk c = tok.encodeWeighted("(cat:1.5) dog ((at)) \\(cat\\)", Padding.ZERO).get(0);
        long[] ids = {BOS, 8, 17, 21, 9, 30, 8, 31, EOS, 0};
        float[] w = {1f, 1.5f, 1f, 1f, (float) (1.1 * 1.1), 1f, 1f, 1f, 1f, 1f};
        assertArrayEquals(ids, Arrays.copyOf(c.ids(), 10));
        assertArrayEquals(w, Arrays.copyOf(c.weights(), 10), 1e-6f);
        // parentheses are syntax in chunk mode
        assertArrayEquals(new long[] {BOS, 8, EOS}, Arrays.copyOf(tok.encodeChunks("(cat)", Padding.ZERO).get(0), 3));
    }

    /**
     * Optional check against a real CLIP tokenizer folder (SD3 tokenizer/ or tokenizer_2/), skipped unless
     * EASEL_CLIP_TOKENIZER_DIR points at one. Ids are the well-known CLIP ids of "a photo of a cat".
     */
    @Test
    void realClipVocabularyIfAvailable() throws IOException {
        String real = System.getenv("EASEL_CLIP_TOKENIZER_DIR");
        Assumptions.assumeTrue(real != null && Files.isDirectory(Path.of(real)),
                "EASEL_CLIP_TOKENIZER_DIR not set");
        ClipTokenizer clip = ClipTokenizer.load(Path.of(real));
        assertEquals(49406, clip.bosId());
        assertEquals(49407, clip.eosId());
        assertArrayEquals(new long[] {49406, 320, 1125, 539, 320, 2368, 49407},
                Arrays.copyOf(clip.encode("A photo of a CAT", Padding.END), 7));
    }

    @Test
    void concurrentEncodesAreDeterministic() throws Exception {
        String[] prompts = {"cat dog", "it's a cat!", "é 12 dog", "cat ".repeat(90), "A (dog:1.3)"};
        List<long[]> expected = new ArrayList<>();
        for (String p : prompts) {
            expected.add(ClipTokenizer.load(dir).encode(p, Padding.END));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String p = prompts[i % prompts.length];
                futures.add(pool.submit(() -> tok.encode(p, Padding.END)));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(expected.get(i % prompts.length), futures.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
