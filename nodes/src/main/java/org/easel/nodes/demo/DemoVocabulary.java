package org.easel.nodes.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The demo model's words, their attributes, and a tiny CLIP byte-level BPE vocabulary in which every
 * word is one token {@code word</w>}. Token ids: 0–255 byte characters, 256–511 their {@code </w>}
 * forms, 512… merge results, {@code <|startoftext|>} = 49406 and {@code <|endoftext|>} = 49407 as in
 * real CLIP (the id space is sparse).
 */
public final class DemoVocabulary {
    private DemoVocabulary() {}

    public static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple", "orange", "white", "black");
    public static final List<String> SHAPES = List.of("circle", "square", "triangle");
    public static final List<String> POSITIONS = List.of("left", "right", "center");
    /** Synonyms share their target's attribute. */
    public static final Map<String, String> SYNONYMS = Map.of("centre", "center", "middle", "center");

    /** Number of attribute dimensions (8 colours + 3 shapes + 3 positions). */
    public static final int ATTRIBUTES = COLOURS.size() + SHAPES.size() + POSITIONS.size();
    /** Number of mixture components (colour × shape × position). */
    public static final int COMPONENTS = COLOURS.size() * SHAPES.size() * POSITIONS.size();

    /** Every known word, synonyms included, in a fixed order. */
    public static final List<String> WORDS;

    public static final String BOS_TOKEN = "<|startoftext|>";
    public static final String EOS_TOKEN = "<|endoftext|>";
    public static final int BOS_ID = 49406;
    public static final int EOS_ID = 49407;
    /** CLIP id space (ids are &lt; this). */
    public static final int CLIP_VOCAB_SIZE = 49408;
    public static final int CLIP_MAX_LENGTH = 77;

    private static final Map<Integer, Character> BYTE_TO_CHAR = new HashMap<>();
    private static final Map<String, Integer> CLIP_VOCAB = new LinkedHashMap<>();
    private static final List<String[]> CLIP_MERGES = new ArrayList<>();
    private static final Map<String, Integer> MERGE_RANK = new HashMap<>();
    private static final Map<String, Integer> WORD_IDS = new LinkedHashMap<>();

    /** T5 (Unigram) pieces; index = id. 0 = {@code <pad>}, 1 = {@code </s>}, 2 = {@code <unk>}. */
    public static final List<String> T5_PIECES;
    public static final int T5_PAD_ID = 0;
    public static final int T5_EOS_ID = 1;
    public static final int T5_UNK_ID = 2;

    static {
        List<String> words = new ArrayList<>(COLOURS);
        words.addAll(SHAPES);
        words.addAll(POSITIONS);
        words.addAll(List.of("centre", "middle"));
        WORDS = Collections.unmodifiableList(words);

        // GPT-2/CLIP bytes_to_unicode.
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) bs.add(b);
        for (int b = 0xA1; b <= 0xAC; b++) bs.add(b);
        for (int b = 0xAE; b <= 0xFF; b++) bs.add(b);
        List<Integer> cs = new ArrayList<>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                bs.add(b);
                cs.add(256 + n++);
            }
        }
        for (int i = 0; i < 256; i++) BYTE_TO_CHAR.put(bs.get(i), (char) (int) cs.get(i));
        int id = 0;
        for (int i = 0; i < 256; i++) CLIP_VOCAB.put(String.valueOf((char) (int) cs.get(i)), id++);
        for (int i = 0; i < 256; i++) CLIP_VOCAB.put((char) (int) cs.get(i) + "</w>", id++);
        // Grow merges word by word until each word is one token. New merges rank after all older
        // ones, so words finished earlier keep their single token.
        for (String w : WORDS) {
            while (true) {
                List<String> parts = bpe(w);
                if (parts.size() == 1) break;
                String[] m = {parts.get(0), parts.get(1)};
                MERGE_RANK.put(m[0] + " " + m[1], CLIP_MERGES.size());
                CLIP_MERGES.add(m);
                CLIP_VOCAB.putIfAbsent(m[0] + m[1], id++);
            }
            WORD_IDS.put(w, CLIP_VOCAB.get(w + "</w>"));
        }
        CLIP_VOCAB.put(BOS_TOKEN, BOS_ID);
        CLIP_VOCAB.put(EOS_TOKEN, EOS_ID);

        List<String> t5 = new ArrayList<>(List.of("<pad>", "</s>", "<unk>"));
        for (String w : WORDS) t5.add("\u2581" + w);
        t5.add("\u2581");
        for (char c = 'a'; c <= 'z'; c++) t5.add(String.valueOf(c));
        for (char c = '0'; c <= '9'; c++) t5.add(String.valueOf(c));
        for (char c : ",.!?-'\"():;".toCharArray()) t5.add(String.valueOf(c));
        T5_PIECES = Collections.unmodifiableList(t5);
    }

    /** Attribute index (0..13) of a word, or −1 for unknown words. */
    public static int attributeOf(String word) {
        String w = SYNONYMS.getOrDefault(word, word);
        int i = COLOURS.indexOf(w);
        if (i >= 0) return i;
        i = SHAPES.indexOf(w);
        if (i >= 0) return COLOURS.size() + i;
        i = POSITIONS.indexOf(w);
        if (i >= 0) return COLOURS.size() + SHAPES.size() + i;
        return -1;
    }

    /** Word → CLIP token id (of {@code word</w>}). */
    public static Map<String, Integer> wordIds() {
        return Collections.unmodifiableMap(WORD_IDS);
    }

    /** The full CLIP vocabulary (token → id), as written to vocab.json. */
    public static Map<String, Integer> clipVocab() {
        return Collections.unmodifiableMap(CLIP_VOCAB);
    }

    /** BPE merges in rank order, as written to merges.txt (after the version header). */
    public static List<String[]> clipMerges() {
        return Collections.unmodifiableList(CLIP_MERGES);
    }

    /** Attribute index for a CLIP token id, or −1. */
    public static int attributeOfToken(int tokenId) {
        for (Map.Entry<String, Integer> e : WORD_IDS.entrySet()) {
            if (e.getValue() == tokenId) return attributeOf(e.getKey());
        }
        return -1;
    }

    /** Component index for (colour, shape, position) indices. */
    public static int component(int colour, int shape, int position) {
        return (colour * SHAPES.size() + shape) * POSITIONS.size() + position;
    }

    public static int componentColour(int k) { return k / (SHAPES.size() * POSITIONS.size()); }
    public static int componentShape(int k) { return (k / POSITIONS.size()) % SHAPES.size(); }
    public static int componentPosition(int k) { return k % POSITIONS.size(); }

    /** The three attribute indices of component k. */
    public static int[] componentAttributes(int k) {
        return new int[] {componentColour(k), COLOURS.size() + componentShape(k), COLOURS.size() + SHAPES.size() + componentPosition(k)};
    }

    // ---------------- reference CLIP tokenizer ----------------

    private static final Pattern CLIP_PAT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE);

    private static List<String> bpe(String word) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < word.length(); i++) parts.add(String.valueOf(word.charAt(i)));
        int last = parts.size() - 1;
        parts.set(last, parts.get(last) + "</w>");
        while (parts.size() > 1) {
            int best = -1, bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer r = MERGE_RANK.get(parts.get(i) + " " + parts.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) break;
            String a = parts.get(best), b = parts.get(best + 1);
            List<String> next = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                if (i + 1 < parts.size() && parts.get(i).equals(a) && parts.get(i + 1).equals(b)) {
                    next.add(a + b);
                    i++;
                } else {
                    next.add(parts.get(i));
                }
            }
            parts = next;
        }
        return parts;
    }

    /** Standard CLIP tokenization (lower-case, whitespace clean, regex split, byte-level BPE), no BOS/EOS. */
    public static List<Integer> tokenizeClip(String text) {
        String clean = text.replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
        List<Integer> ids = new ArrayList<>();
        Matcher m = CLIP_PAT.matcher(clean);
        while (m.find()) {
            String tok = m.group();
            if (tok.equals(BOS_TOKEN)) { ids.add(BOS_ID); continue; }
            if (tok.equals(EOS_TOKEN)) { ids.add(EOS_ID); continue; }
            StringBuilder sb = new StringBuilder();
            for (byte b : tok.getBytes(StandardCharsets.UTF_8)) sb.append(BYTE_TO_CHAR.get(b & 0xFF));
            for (String p : bpe(sb.toString())) ids.add(CLIP_VOCAB.get(p));
        }
        return ids;
    }

    /** [77] ids: BOS, prompt tokens (truncated), EOS, then {@code padId} (49407 for CLIP-L, 0 for CLIP-G). */
    public static long[] clipInputIds(String prompt, int padId) {
        List<Integer> toks = tokenizeClip(prompt);
        long[] ids = new long[CLIP_MAX_LENGTH];
        Arrays.fill(ids, padId);
        ids[0] = BOS_ID;
        int n = Math.min(toks.size(), CLIP_MAX_LENGTH - 2);
        for (int i = 0; i < n; i++) ids[1 + i] = toks.get(i);
        ids[1 + n] = EOS_ID;
        return ids;
    }
}
