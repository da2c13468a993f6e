package org.easel.nodes.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * T5 (SentencePiece Unigram) tokenizer backed by DJL's Hugging Face tokenizers binding, loaded from a local
 * {@code tokenizer.json}. It never downloads: the file must exist locally and DJL is only given that path.
 *
 * <p>Special tokens come from the tokenizer's own post-processor (T5: {@code $A </s>}), so ids end with EOS
 * ({@code </s>}, id 1 for T5). Padding uses the id of {@code <pad>} from {@code added_tokens} (0 for T5).
 *
 * <p>Thread safety: the native HF tokenizer is immutable after load and DJL's encode is re-entrant, so
 * {@link #encode} may be called concurrently. Do not call {@link #close()} while encodes are running.
 */
public final class T5Tokenizer implements AutoCloseable {

    /** ComfyUI / Stability pad T5 to at least 77 tokens for SD3. */
    public static final int COMFY_MIN_LENGTH = 77;
    /** diffusers {@code max_sequence_length} default for SD3. */
    public static final int DIFFUSERS_LENGTH = 256;

    static {
        // DJL otherwise asks the EC2 metadata service and a telemetry endpoint over the network on first
        // use (slow, and Easel never goes online at run time); offline it takes its native library from the jar.
        if (System.getProperty("OPT_OUT_TRACKING") == null) System.setProperty("OPT_OUT_TRACKING", "true");
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
    }

    private final HuggingFaceTokenizer tokenizer;
    private final long[] specialSuffix;
    private final long[] specialPrefix;
    private final long padId;

    private T5Tokenizer(HuggingFaceTokenizer tokenizer, long[] prefix, long[] suffix, long padId) {
        this.tokenizer = tokenizer;
        this.specialPrefix = prefix;
        this.specialSuffix = suffix;
        this.padId = padId;
    }

    /** Loads from a {@code tokenizer.json} file or a folder containing one. */
    public static T5Tokenizer load(Path tokenizerJsonOrFolder) throws IOException {
        Path file = Files.isDirectory(tokenizerJsonOrFolder)
                ? tokenizerJsonOrFolder.resolve("tokenizer.json")
                : tokenizerJsonOrFolder;
        if (!Files.isRegularFile(file)) {
            throw new IOException("tokenizer.json not found: " + file);
        }
        long padId = findPadId(file);

        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("truncation", "false");
        options.put("padding", "false");
        HuggingFaceTokenizer hf;
        try (var in = Files.newInputStream(file)) {
            // stream-based constructor: DJL gets no name or folder it could resolve against the Hub
            hf = HuggingFaceTokenizer.newInstance(in, options);
        }
        try {
            // the post-processor's special tokens = encoding of the empty string with special tokens
            long[] specials = hf.encode("", true, false).getIds();
            long[] plainProbe = hf.encode("a", false, false).getIds();
            long[] fullProbe = hf.encode("a", true, false).getIds();
            int prefixLen = indexOf(fullProbe, plainProbe);
            if (prefixLen < 0) {
                prefixLen = 0;
            }
            prefixLen = Math.min(prefixLen, specials.length);
            long[] prefix = Arrays.copyOfRange(specials, 0, prefixLen);
            long[] suffix = Arrays.copyOfRange(specials, prefixLen, specials.length);
            return new T5Tokenizer(hf, prefix, suffix, padId);
        } catch (RuntimeException e) {
            hf.close();
            throw e;
        }
    }

    private static int indexOf(long[] haystack, long[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static long findPadId(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode padding = root.get("padding");
        if (padding != null && padding.has("pad_id")) {
            return padding.get("pad_id").asLong();
        }
        JsonNode added = root.get("added_tokens");
        if (added != null) {
            for (JsonNode t : added) {
                if ("<pad>".equals(t.path("content").asText())) {
                    return t.path("id").asLong();
                }
            }
        }
        return 0L;
    }

    public long padId() {
        return padId;
    }

    /** The special ids the post-processor appends (T5: {@code [</s>]}). */
    public long[] specialSuffix() {
        return specialSuffix.clone();
    }

    /** Token ids without special tokens, padding or truncation. */
    public long[] tokenize(String text) {
        Encoding enc = tokenizer.encode(text, false, false);
        return enc.getIds();
    }

    /**
     * Ids of {@code text} followed by EOS, truncated to {@code maxLength} (the EOS is kept: the prompt tokens
     * are cut, as HF {@code truncation=True} does), then padded with the pad id up to {@code minLength}.
     *
     * <p>ComfyUI / Stability SD3: {@code encode(text, 77, Integer.MAX_VALUE)}; diffusers SD3:
     * {@code encode(text, 256, 256)}.
     */
    public long[] encode(String text, int minLength, int maxLength) {
        int specials = specialPrefix.length + specialSuffix.length;
        if (maxLength < specials) {
            throw new IllegalArgumentException("maxLength " + maxLength + " < number of special tokens " + specials);
        }
        if (minLength > maxLength) {
            throw new IllegalArgumentException("minLength " + minLength + " > maxLength " + maxLength);
        }
        long[] body = tokenize(text);
        int n = Math.min(body.length, maxLength - specials);
        int len = Math.max(n + specials, Math.max(minLength, 0));
        long[] ids = new long[len];
        System.arraycopy(specialPrefix, 0, ids, 0, specialPrefix.length);
        System.arraycopy(body, 0, ids, specialPrefix.length, n);
        System.arraycopy(specialSuffix, 0, ids, specialPrefix.length + n, specialSuffix.length);
        Arrays.fill(ids, n + specials, len, padId);
        return ids;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
