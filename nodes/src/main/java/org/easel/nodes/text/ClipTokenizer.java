package org.easel.nodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP byte-level BPE tokenizer (the tokenizer of CLIP-L and CLIP-G in SD 1.x / SDXL / SD3).
 *
 * <p>Loaded from a Hugging Face CLIP tokenizer folder: {@code vocab.json} and {@code merges.txt} are required;
 * {@code special_tokens_map.json} and {@code tokenizer_config.json} are optional and only used to find the
 * names of the BOS / EOS / UNK / PAD tokens (defaults {@code <|startoftext|>}, {@code <|endoftext|>}).
 * Special-token ids are always looked up in the vocabulary by their string.
 *
 * <p>Pipeline (same as the HF fast CLIP tokenizer): NFC normalisation, whitespace runs collapsed to one
 * space and trimmed, lower-casing; pre-tokenisation with the CLIP regex (special tokens, the contractions
 * {@code 's 't 're 've 'm 'll 'd}, runs of letters, single digits, runs of other non-space characters);
 * every piece is mapped byte-by-byte to the GPT-2 "byte to unicode" alphabet, its last symbol gets the
 * {@code </w>} end-of-word marker, and BPE merges are applied by rank. Pieces missing from the vocabulary map
 * to the unknown token. ftfy / HTML-unescaping of the original OpenAI code is not done.
 *
 * <p>Thread safety: instances are immutable apart from a {@link ConcurrentHashMap} word cache, so all methods
 * may be called concurrently. Results are deterministic.
 */
public final class ClipTokenizer {

    /** CLIP text context length (BOS + 75 tokens + EOS). */
    public static final int CONTEXT_LENGTH = 77;
    /** Maximum number of prompt tokens that fit between BOS and EOS. */
    public static final int MAX_CONTENT_TOKENS = CONTEXT_LENGTH - 2;
    /** ComfyUI keeps words of fewer tokens than this together when splitting into chunks. */
    static final int COMFY_MAX_WORD_LENGTH = 8;
    private static final String END_OF_WORD = "</w>";
    private static final int CACHE_LIMIT = 100_000;

    /**
     * How the 77-token window is padded after EOS.
     *
     * <ul>
     *   <li>{@link #END}: pad with the EOS id ({@code <|endoftext|>} = 49407). CLIP-L in SD3: diffusers
     *       {@code tokenizer} (pad token {@code <|endoftext|>}), Stability {@code pad_with_end=True}, ComfyUI
     *       {@code SDTokenizer} default. Also SD 1.x.</li>
     *   <li>{@link #ZERO}: pad with id 0 (the token {@code "!"}). CLIP-G in SD3/SDXL: diffusers
     *       {@code tokenizer_2} (pad token {@code "!"}), Stability / ComfyUI
     *       {@code SDXLClipGTokenizer(pad_with_end=False)}.</li>
     * </ul>
     */
    public enum Padding {
        END, ZERO
    }

    /** One 77-token window with a per-token weight (1.0 for BOS, EOS and padding). */
    public record WeightedChunk(long[] ids, float[] weights) {
        public WeightedChunk {
            Objects.requireNonNull(ids);
            Objects.requireNonNull(weights);
            if (ids.length != weights.length) {
                throw new IllegalArgumentException("ids and weights differ in length");
            }
        }
    }

    private static final char[] BYTE_ENCODER = buildByteEncoder();

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks;
    private final Pattern pretokenize;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();
    private final int bosId;
    private final int eosId;
    private final int unkId;
    private final Integer padId;

    private ClipTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks,
                          String bos, String eos, String unk, String pad) {
        this.vocab = vocab;
        this.mergeRanks = mergeRanks;
        this.bosId = requireToken(vocab, bos, "BOS");
        this.eosId = requireToken(vocab, eos, "EOS");
        Integer u = vocab.get(unk);
        this.unkId = u != null ? u : eosId;
        this.padId = pad == null ? null : vocab.get(pad);
        this.pretokenize = Pattern.compile(
                Pattern.quote(bos) + "|" + Pattern.quote(eos)
                        + "|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
        // special tokens are never split by BPE
        cache.put(bos, new int[] {bosId});
        cache.put(eos, new int[] {eosId});
    }

    private static int requireToken(Map<String, Integer> vocab, String token, String what) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(what + " token " + token + " is not in vocab.json");
        }
        return id;
    }

    /** Loads a tokenizer from a folder holding {@code vocab.json} and {@code merges.txt}. */
    public static ClipTokenizer load(Path folder) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path vocabFile = folder.resolve("vocab.json");
        Path mergesFile = folder.resolve("merges.txt");
        if (!Files.isRegularFile(vocabFile) || !Files.isRegularFile(mergesFile)) {
            throw new IOException("CLIP tokenizer folder needs vocab.json and merges.txt: " + folder);
        }
        JsonNode vocabNode = json.readTree(vocabFile.toFile());
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
        }

        Map<String, Integer> ranks = new HashMap<>();
        int rank = 0;
        for (String line : Files.readAllLines(mergesFile, StandardCharsets.UTF_8)) {
            if (line.startsWith("#version")) {
                continue;
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split(" ");
            if (parts.length != 2) {
                throw new IOException("bad merges.txt line " + (rank + 1) + ": " + line);
            }
            ranks.putIfAbsent(parts[0] + " " + parts[1], rank);
            rank++;
        }

        String bos = "<|startoftext|>";
        String eos = "<|endoftext|>";
        String unk = eos;
        String pad = null;
        // tokenizer_config.json first, special_tokens_map.json overrides (it is what save_pretrained writes)
        for (String name : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
            Path p = folder.resolve(name);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            JsonNode cfg = json.readTree(p.toFile());
            bos = tokenName(cfg.get("bos_token"), bos);
            eos = tokenName(cfg.get("eos_token"), eos);
            unk = tokenName(cfg.get("unk_token"), unk);
            pad = tokenName(cfg.get("pad_token"), pad);
        }
        return new ClipTokenizer(Collections.unmodifiableMap(vocab), Collections.unmodifiableMap(ranks),
                bos, eos, unk, pad);
    }

    private static String tokenName(JsonNode node, String fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : fallback;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int vocabSize() {
        return vocab.size();
    }

    /**
     * The padding mode matching the folder's configured {@code pad_token}: {@link Padding#ZERO} if it is
     * id 0 (SD3 {@code tokenizer_2}, pad {@code "!"}), otherwise {@link Padding#END}.
     */
    public Padding configuredPadding() {
        return padId != null && padId == 0 ? Padding.ZERO : Padding.END;
    }

    public long padId(Padding padding) {
        return padding == Padding.ZERO ? 0L : eosId;
    }

    /** Token ids of {@code text}, without BOS/EOS and without truncation. */
    public int[] tokenize(String text) {
        IntList out = new IntList();
        tokenizeInto(text, out);
        return out.toArray();
    }

    private void tokenizeInto(String text, IntList out) {
        String cleaned = clean(text);
        if (cleaned.isEmpty()) {
            return;
        }
        Matcher m = pretokenize.matcher(cleaned);
        while (m.find()) {
            out.addAll(bpe(m.group()));
        }
    }

    /** NFC, whitespace collapse + trim, lower case. */
    static String clean(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFC);
        s = WHITESPACE.matcher(s).replaceAll(" ").strip();
        return s.toLowerCase(Locale.ROOT);
    }

    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    /**
     * Exactly {@value #CONTEXT_LENGTH} ids: BOS, the first 75 prompt tokens, EOS, then padding (diffusers
     * {@code padding="max_length", max_length=77, truncation=True}).
     */
    public long[] encode(String text, Padding padding) {
        int[] tokens = tokenize(text);
        long[] ids = new long[CONTEXT_LENGTH];
        int n = Math.min(tokens.length, MAX_CONTENT_TOKENS);
        ids[0] = bosId;
        for (int i = 0; i < n; i++) {
            ids[i + 1] = tokens[i];
        }
        ids[n + 1] = eosId;
        Arrays.fill(ids, n + 2, CONTEXT_LENGTH, padId(padding));
        return ids;
    }

    /**
     * Splits a prompt into as many 77-token windows as needed, the way ComfyUI's {@code SDTokenizer} does, so
     * long prompts are not cut. ComfyUI emphasis syntax is interpreted (see {@link #encodeWeighted}); only the
     * ids are returned.
     */
    public List<long[]> encodeChunks(String text, Padding padding) {
        List<WeightedChunk> chunks = encodeWeighted(text, padding);
        List<long[]> out = new ArrayList<>(chunks.size());
        for (WeightedChunk c : chunks) {
            out.add(c.ids());
        }
        return out;
    }

    /**
     * ComfyUI-compatible tokenisation with weights.
     *
     * <p>Emphasis syntax: {@code (text)} multiplies the weight by 1.1 (nesting multiplies), {@code (text:1.3)}
     * sets it to 1.3, {@code \(} and {@code \)} are literal parentheses. Each weighted segment is split on
     * spaces (newlines count as spaces) and every word is tokenised on its own; a word whose raw form plus
     * {@code </w>} is a vocabulary entry is mapped straight to that entry, as ComfyUI does (so e.g. a lone
     * "A" becomes {@code A</w>}, not {@code a</w>}).
     *
     * <p>Chunking: every chunk is BOS + at most 75 tokens + EOS + padding. A word that does not fit in the
     * current chunk moves to a new one, unless it is at least 8 tokens long, in which case it is split across
     * chunks. An empty prompt gives one chunk {@code [BOS, EOS, pad...]}.
     */
    public List<WeightedChunk> encodeWeighted(String text, Padding padding) {
        long pad = padId(padding);
        List<int[]> groups = new ArrayList<>();
        List<Float> groupWeights = new ArrayList<>();
        for (PromptWeights.Segment seg : PromptWeights.parse(text)) {
            for (String word : seg.text().replace('\n', ' ').split(" ")) {
                if (word.isEmpty()) {
                    continue;
                }
                Integer exact = vocab.get(word + END_OF_WORD);
                int[] ids = exact != null ? new int[] {exact} : tokenize(word);
                if (ids.length > 0) {
                    groups.add(ids);
                    groupWeights.add(seg.weight());
                }
            }
        }

        List<WeightedChunk> chunks = new ArrayList<>();
        ChunkBuilder cur = new ChunkBuilder(pad);
        for (int g = 0; g < groups.size(); g++) {
            int[] group = groups.get(g);
            float w = groupWeights.get(g);
            boolean large = group.length >= COMFY_MAX_WORD_LENGTH;
            int start = 0;
            while (start < group.length) {
                int left = group.length - start;
                if (cur.size + left > CONTEXT_LENGTH - 1) {
                    int room = CONTEXT_LENGTH - 1 - cur.size;
                    if (large) {
                        for (int i = 0; i < room; i++) {
                            cur.add(group[start + i], w);
                        }
                        start += room;
                    }
                    chunks.add(cur.finish());
                    cur = new ChunkBuilder(pad);
                } else {
                    for (int i = start; i < group.length; i++) {
                        cur.add(group[i], w);
                    }
                    start = group.length;
                }
            }
        }
        chunks.add(cur.finish());
        return chunks;
    }

    private final class ChunkBuilder {
        final long[] ids = new long[CONTEXT_LENGTH];
        final float[] weights = new float[CONTEXT_LENGTH];
        final long pad;
        int size;

        ChunkBuilder(long pad) {
            this.pad = pad;
            add(bosId, 1f);
        }

        void add(long id, float w) {
            ids[size] = id;
            weights[size] = w;
            size++;
        }

        WeightedChunk finish() {
            add(eosId, 1f);
            while (size < CONTEXT_LENGTH) {
                add(pad, 1f);
            }
            return new WeightedChunk(ids, weights);
        }
    }

    /** BPE of one pre-tokenised piece (not yet byte-encoded); returns vocabulary ids. */
    private int[] bpe(String piece) {
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        List<String> symbols = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            symbols.add(String.valueOf(BYTE_ENCODER[b & 0xff]));
        }
        int last = symbols.size() - 1;
        symbols.set(last, symbols.get(last) + END_OF_WORD);

        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestA = null;
            String bestB = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    bestA = symbols.get(i);
                    bestB = symbols.get(i + 1);
                }
            }
            if (bestA == null) {
                break;
            }
            List<String> merged = new ArrayList<>(symbols.size());
            int i = 0;
            while (i < symbols.size()) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(bestA) && symbols.get(i + 1).equals(bestB)) {
                    merged.add(bestA + bestB);
                    i += 2;
                } else {
                    merged.add(symbols.get(i));
                    i++;
                }
            }
            symbols = merged;
        }

        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocab.getOrDefault(symbols.get(i), unkId);
        }
        if (cache.size() < CACHE_LIMIT) {
            cache.putIfAbsent(piece, ids);
        }
        return ids;
    }

    /** GPT-2 / CLIP byte to unicode table: printable Latin-1 bytes map to themselves, the rest to 256+n. */
    private static char[] buildByteEncoder() {
        char[] table = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int next = 256;
        for (int b = 0; b < 256; b++) {
            table[b] = direct[b] ? (char) b : (char) next++;
        }
        return table;
    }

    /** Minimal growable int array. */
    private static final class IntList {
        private int[] data = new int[32];
        private int size;

        void addAll(int[] values) {
            if (size + values.length > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + values.length));
            }
            System.arraycopy(values, 0, data, size, values.length);
            size += values.length;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /** Rethrowing variant of {@link #load} for use in lambdas. */
    public static ClipTokenizer loadUnchecked(Path folder) {
        try {
            return load(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
