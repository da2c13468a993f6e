package org.easel.nodes.demo;

import org.easel.nodes.sd3.Sd3LatentSpace;
import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.Arrays;

/**
 * Writes the demo checkpoint {@code easel-tiny-sd3} (Optimum SD3 ONNX layout) and its parts as
 * separate models under a models folder. Generation is deterministic and takes well under a second
 * or two; everything is staged in a temporary folder next to the targets and renamed into place.
 */
public final class DemoModels {
    private DemoModels() {}

    public enum Precision { FP32, FP16 }

    public static final String NAME = "easel-tiny-sd3";
    public static final String CHECKPOINT = "checkpoints/" + NAME;
    public static final String CLIP_L = "text_encoders/easel-tiny-clip-l";
    public static final String CLIP_G = "text_encoders/easel-tiny-clip-g";
    public static final String T5 = "text_encoders/easel-tiny-t5";
    public static final String VAE = "vae/easel-tiny-sd3-vae";
    public static final String DIFFUSION_MODEL = "diffusion_models/" + NAME;
    public static final String UPSCALER = "upscale_models/easel-tiny-upscale-x2.onnx";
    /** Everything {@link #ensure} and {@link #write} produce, relative to the models folder. */
    public static final List<String> TARGETS = List.of(CHECKPOINT, CLIP_L, CLIP_G, T5, VAE, DIFFUSION_MODEL, UPSCALER);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The checkpoint folder inside {@code modelsDir}. */
    public static Path checkpointDir(Path modelsDir) {
        return modelsDir.resolve(CHECKPOINT);
    }

    /**
     * The demo's version, written to the checkpoint's {@code model_index.json} ({@code _easel_demo_version}).
     * Raise it whenever the generated models change, so that folders holding an older demo are regenerated.
     * 2: the transformer reads the context tokens (position) and works on whole 2×2 patches.
     * 3: the same denoiser, cheaper: the mixture is resized once per picture instead of once per component.
     */
    public static final int VERSION = 3;

    /**
     * Writes the FP32 demo models that are missing; leaves existing ones untouched, unless the checkpoint is
     * an older version of the demo, in which case all demo models are replaced. Cheap when all exist.
     * Returns the checkpoint folder.
     */
    public static Path ensure(Path modelsDir) throws IOException {
        Path index = checkpointDir(modelsDir).resolve("model_index.json");
        if (Files.exists(index) && installedVersion(index) != VERSION) {
            install(modelsDir, Precision.FP32, TARGETS, true);
            return checkpointDir(modelsDir);
        }
        List<String> missing = new ArrayList<>();
        for (String t : TARGETS) if (!Files.exists(modelsDir.resolve(t))) missing.add(t);
        if (!missing.isEmpty()) install(modelsDir, Precision.FP32, missing, false);
        return checkpointDir(modelsDir);
    }

    /** The demo version recorded in a checkpoint's model_index.json (0 for the first demo, which had none). */
    static int installedVersion(Path modelIndex) {
        try {
            return JSON.readTree(modelIndex.toFile()).path("_easel_demo_version").asInt(0);
        } catch (IOException e) {
            return 0;
        }
    }

    /** (Re)writes all demo models in the given precision, replacing existing ones. Returns the checkpoint folder. */
    public static Path write(Path modelsDir, Precision precision) throws IOException {
        install(modelsDir, precision, TARGETS, true);
        return checkpointDir(modelsDir);
    }

    /** Usage: {@code DemoModels <modelsDir> [fp16]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "models");
        long t0 = System.nanoTime();
        if (args.length > 1 && args[1].equalsIgnoreCase("fp16")) write(dir, Precision.FP16);
        else ensure(dir);
        System.out.printf("demo models in %s (%.2f s)%n", dir.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
    }

    private static void install(Path modelsDir, Precision p, List<String> targets, boolean replace) throws IOException {
        Files.createDirectories(modelsDir);
        Path staging = Files.createTempDirectory(modelsDir, ".easel-demo-");
        try {
            generate(staging.resolve("new"), p);
            for (String t : targets) {
                Path dst = modelsDir.resolve(t);
                Files.createDirectories(dst.getParent());
                if (replace && Files.exists(dst)) {
                    Files.move(dst, staging.resolve("old-" + t.replace('/', '_')), StandardCopyOption.ATOMIC_MOVE);
                }
                try {
                    Files.move(staging.resolve("new").resolve(t), dst, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // another process installed it concurrently: keep theirs
                }
            }
        } finally {
            deleteRecursively(staging);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    /** Writes the full layout (all {@link #TARGETS}) under {@code root}. */
    static void generate(Path root, Precision p) throws IOException {
        boolean fp16 = p == Precision.FP16;
        Path ck = root.resolve(CHECKPOINT);
        float[] templates = DemoTemplates.latentTemplates();

        writeJson(ck.resolve("model_index.json"), modelIndex());
        writeJson(ck.resolve("scheduler/scheduler_config.json"), schedulerConfig());
        writeModel(ck.resolve("text_encoder/model.onnx"), DemoGraphs.clipTextEncoder(DemoGraphs.CLIP_L_WIDTH, DemoGraphs.CLIP_L_LAYERS, fp16));
        writeJson(ck.resolve("text_encoder/config.json"), clipConfig(DemoGraphs.CLIP_L_WIDTH, DemoGraphs.CLIP_L_LAYERS, p));
        writeModel(ck.resolve("text_encoder_2/model.onnx"), DemoGraphs.clipTextEncoder(DemoGraphs.CLIP_G_WIDTH, DemoGraphs.CLIP_G_LAYERS, fp16));
        writeJson(ck.resolve("text_encoder_2/config.json"), clipConfig(DemoGraphs.CLIP_G_WIDTH, DemoGraphs.CLIP_G_LAYERS, p));
        writeModel(ck.resolve("text_encoder_3/model.onnx"), DemoGraphs.t5Encoder(fp16));
        writeJson(ck.resolve("text_encoder_3/config.json"), t5Config(p));
        writeModel(ck.resolve("transformer/model.onnx"), DemoGraphs.transformer(templates, fp16));
        writeJson(ck.resolve("transformer/config.json"), transformerConfig(p));
        writeModel(ck.resolve("vae_encoder/model.onnx"), DemoGraphs.vaeEncoder(fp16));
        writeJson(ck.resolve("vae_encoder/config.json"), vaeConfig(p));
        writeModel(ck.resolve("vae_decoder/model.onnx"), DemoGraphs.vaeDecoder(fp16));
        writeJson(ck.resolve("vae_decoder/config.json"), vaeConfig(p));
        writeClipTokenizer(ck.resolve("tokenizer"), DemoVocabulary.EOS_TOKEN);
        writeClipTokenizer(ck.resolve("tokenizer_2"), "!");
        writeT5Tokenizer(ck.resolve("tokenizer_3"));

        // Separate models: hard links to the checkpoint files (copies where links are unsupported).
        Path l = root.resolve(CLIP_L);
        link(ck.resolve("text_encoder/model.onnx"), l.resolve("model.onnx"));
        link(ck.resolve("text_encoder/config.json"), l.resolve("config.json"));
        for (String f : List.of("vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            link(ck.resolve("tokenizer").resolve(f), l.resolve(f));
        }
        Path gg = root.resolve(CLIP_G);
        link(ck.resolve("text_encoder_2/model.onnx"), gg.resolve("model.onnx"));
        link(ck.resolve("text_encoder_2/config.json"), gg.resolve("config.json"));
        for (String f : List.of("vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            link(ck.resolve("tokenizer_2").resolve(f), gg.resolve(f));
        }
        Path t5 = root.resolve(T5);
        link(ck.resolve("text_encoder_3/model.onnx"), t5.resolve("model.onnx"));
        link(ck.resolve("text_encoder_3/config.json"), t5.resolve("config.json"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            link(ck.resolve("tokenizer_3").resolve(f), t5.resolve(f));
        }
        Path vae = root.resolve(VAE);
        for (String part : List.of("vae_encoder", "vae_decoder")) {
            link(ck.resolve(part).resolve("model.onnx"), vae.resolve(part).resolve("model.onnx"));
            link(ck.resolve(part).resolve("config.json"), vae.resolve(part).resolve("config.json"));
        }
        Path dm = root.resolve(DIFFUSION_MODEL);
        link(ck.resolve("transformer/model.onnx"), dm.resolve("model.onnx"));
        link(ck.resolve("transformer/config.json"), dm.resolve("config.json"));

        writeModel(root.resolve(UPSCALER), DemoGraphs.upscaleX2(fp16));
    }

    private static void link(Path src, Path dst) throws IOException {
        Files.createDirectories(dst.getParent());
        try {
            Files.createLink(dst, src);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeModel(Path path, ModelProto model) throws IOException {
        Files.createDirectories(path.getParent());
        Files.write(path, model.toByteArray());
    }

    private static void writeJson(Path path, Object value) throws IOException {
        Files.createDirectories(path.getParent());
        JSON.writeValue(path.toFile(), value);
    }

    private static void writeText(Path path, String text) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, text, StandardCharsets.UTF_8);
    }

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static String dtype(Precision p) {
        return p == Precision.FP16 ? "float16" : "float32";
    }

    private static Map<String, Object> modelIndex() {
        return obj(
                "_class_name", "StableDiffusion3Pipeline",
                "_diffusers_version", "0.31.0",
                "_easel_demo", true,
                "_easel_demo_version", VERSION,
                "feature_extractor", Arrays.asList(null, null),
                "image_encoder", Arrays.asList(null, null),
                "scheduler", List.of("diffusers", "FlowMatchEulerDiscreteScheduler"),
                "text_encoder", List.of("transformers", "CLIPTextModelWithProjection"),
                "text_encoder_2", List.of("transformers", "CLIPTextModelWithProjection"),
                "text_encoder_3", List.of("transformers", "T5EncoderModel"),
                "tokenizer", List.of("transformers", "CLIPTokenizer"),
                "tokenizer_2", List.of("transformers", "CLIPTokenizer"),
                "tokenizer_3", List.of("transformers", "T5TokenizerFast"),
                "transformer", List.of("diffusers", "SD3Transformer2DModel"),
                "vae", List.of("diffusers", "AutoencoderKL"));
    }

    private static Map<String, Object> schedulerConfig() {
        return obj(
                "_class_name", "FlowMatchEulerDiscreteScheduler",
                "_diffusers_version", "0.31.0",
                "base_image_seq_len", 256,
                "base_shift", 0.5,
                "invert_sigmas", false,
                "max_image_seq_len", 4096,
                "max_shift", 1.15,
                "num_train_timesteps", 1000,
                "shift", 3.0,
                "shift_terminal", null,
                "use_beta_sigmas", false,
                "use_dynamic_shifting", false,
                "use_exponential_sigmas", false,
                "use_karras_sigmas", false);
    }

    private static Map<String, Object> clipConfig(int width, int layers, Precision p) {
        return obj(
                "_easel_demo", true,
                "_easel_demo_description", "Not a transformer: text_embeds counts the demo's words; hidden_states.0.." + layers
                        + " are one per-token embedding scaled per layer, carrying the position words' codes (the penultimate at "
                        + "scale 1); last_hidden_state is that embedding layer-normalised. Sizes and names as SD3's CLIP.",
                "architectures", List.of("CLIPTextModelWithProjection"),
                "model_type", "clip_text_model",
                "hidden_size", width,
                "projection_dim", width,
                "num_hidden_layers", layers,
                "max_position_embeddings", DemoVocabulary.CLIP_MAX_LENGTH,
                "vocab_size", DemoVocabulary.CLIP_VOCAB_SIZE,
                "bos_token_id", 0,
                "eos_token_id", 2,
                "pad_token_id", 1,
                "torch_dtype", dtype(p));
    }

    private static Map<String, Object> t5Config(Precision p) {
        return obj(
                "_easel_demo", true,
                "_easel_demo_description", "Not a transformer: a per-piece embedding projected to 4096, plus the position words' "
                        + "codes (including the synonyms only T5 knows: centre, middle).",
                "architectures", List.of("T5EncoderModel"),
                "model_type", "t5",
                "d_model", DemoGraphs.T5_WIDTH,
                "vocab_size", DemoVocabulary.T5_PIECES.size(),
                "pad_token_id", DemoVocabulary.T5_PAD_ID,
                "eos_token_id", DemoVocabulary.T5_EOS_ID,
                "torch_dtype", dtype(p));
    }

    private static Map<String, Object> transformerConfig(Precision p) {
        return obj(
                "_class_name", "SD3Transformer2DModel",
                "_diffusers_version", "0.31.0",
                "_easel_demo", true,
                "_easel_demo_description", "Not an MMDiT: the exact posterior mean of a " + DemoVocabulary.COMPONENTS
                        + "-component Gaussian mixture (colour x shape x position), prior from pooled_projections (colour, shape) "
                        + "and from position codes summed over the encoder_hidden_states tokens; flow velocity out, on whole "
                        + "2x2 patches. Same input/output names and widths as SD3.",
                "in_channels", 16,
                "out_channels", 16,
                "patch_size", 2,
                "joint_attention_dim", DemoGraphs.T5_WIDTH,
                "pooled_projection_dim", DemoGraphs.POOLED_WIDTH,
                "torch_dtype", dtype(p));
    }

    private static Map<String, Object> vaeConfig(Precision p) {
        return obj(
                "_class_name", "AutoencoderKL",
                "_diffusers_version", "0.31.0",
                "_easel_demo", true,
                "_easel_demo_description", "Linear: SD3's 16x3 latent-to-RGB factors (decoder, with x8 bilinear upsampling) and "
                        + "their minimum-norm inverse (encoder, after x8 average pooling).",
                "in_channels", 3,
                "out_channels", 3,
                "latent_channels", Sd3LatentSpace.CHANNELS,
                "scaling_factor", Sd3LatentSpace.SCALING_FACTOR,
                "shift_factor", Sd3LatentSpace.SHIFT_FACTOR,
                "use_post_quant_conv", false,
                "use_quant_conv", false,
                "torch_dtype", dtype(p));
    }

    private static Map<String, Object> addedToken(String content) {
        return obj("content", content, "lstrip", false, "normalized", true, "rstrip", false, "single_word", false);
    }

    private static void writeClipTokenizer(Path dir, String pad) throws IOException {
        writeJson(dir.resolve("vocab.json"), DemoVocabulary.clipVocab());
        StringBuilder sb = new StringBuilder("#version: 0.2\n");
        for (String[] m : DemoVocabulary.clipMerges()) sb.append(m[0]).append(' ').append(m[1]).append('\n');
        writeText(dir.resolve("merges.txt"), sb.toString());
        Map<String, Object> decoder = new LinkedHashMap<>();
        if (pad.equals("!")) {
            Map<String, Object> t = addedToken("!");
            t.put("special", true);
            decoder.put("0", t);
        }
        for (int id : new int[] {DemoVocabulary.BOS_ID, DemoVocabulary.EOS_ID}) {
            Map<String, Object> t = addedToken(id == DemoVocabulary.BOS_ID ? DemoVocabulary.BOS_TOKEN : DemoVocabulary.EOS_TOKEN);
            t.put("special", true);
            decoder.put(String.valueOf(id), t);
        }
        writeJson(dir.resolve("tokenizer_config.json"), obj(
                "add_prefix_space", false,
                "added_tokens_decoder", decoder,
                "bos_token", DemoVocabulary.BOS_TOKEN,
                "clean_up_tokenization_spaces", true,
                "do_lower_case", true,
                "eos_token", DemoVocabulary.EOS_TOKEN,
                "errors", "replace",
                "model_max_length", DemoVocabulary.CLIP_MAX_LENGTH,
                "pad_token", pad,
                "tokenizer_class", "CLIPTokenizer",
                "unk_token", DemoVocabulary.EOS_TOKEN));
        writeJson(dir.resolve("tokenizer.json"), clipTokenizerJson());
        writeJson(dir.resolve("special_tokens_map.json"), obj(
                "bos_token", addedToken(DemoVocabulary.BOS_TOKEN),
                "eos_token", addedToken(DemoVocabulary.EOS_TOKEN),
                "pad_token", addedToken(pad),
                "unk_token", addedToken(DemoVocabulary.EOS_TOKEN)));
    }

    /** The same CLIP tokenizer in Hugging Face {@code tokenizers} format (as in openai/clip-vit-large-patch14). */
    private static Map<String, Object> clipTokenizerJson() {
        List<Object> added = new ArrayList<>();
        for (int id : new int[] {DemoVocabulary.BOS_ID, DemoVocabulary.EOS_ID}) {
            added.add(obj("id", id, "content", id == DemoVocabulary.BOS_ID ? DemoVocabulary.BOS_TOKEN : DemoVocabulary.EOS_TOKEN,
                    "single_word", false, "lstrip", false, "rstrip", false, "normalized", true, "special", true));
        }
        List<String> merges = new ArrayList<>();
        for (String[] m : DemoVocabulary.clipMerges()) merges.add(m[0] + " " + m[1]);
        String split = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";
        return obj(
                "version", "1.0",
                "truncation", null,
                "padding", null,
                "added_tokens", added,
                "normalizer", obj("type", "Sequence", "normalizers", List.of(
                        obj("type", "NFC"),
                        obj("type", "Replace", "pattern", obj("Regex", "\\s+"), "content", " "),
                        obj("type", "Lowercase"))),
                "pre_tokenizer", obj("type", "Sequence", "pretokenizers", List.of(
                        obj("type", "Split", "pattern", obj("Regex", split), "behavior", "Removed", "invert", true),
                        obj("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", false))),
                "post_processor", obj("type", "RobertaProcessing",
                        "sep", List.of(DemoVocabulary.EOS_TOKEN, DemoVocabulary.EOS_ID),
                        "cls", List.of(DemoVocabulary.BOS_TOKEN, DemoVocabulary.BOS_ID),
                        "trim_offsets", false, "add_prefix_space", false),
                "decoder", obj("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true),
                "model", obj("type", "BPE", "dropout", null, "unk_token", DemoVocabulary.EOS_TOKEN,
                        "continuing_subword_prefix", "", "end_of_word_suffix", "</w>", "fuse_unk", false, "byte_fallback", false,
                        "vocab", DemoVocabulary.clipVocab(), "merges", merges));
    }

    private static void writeT5Tokenizer(Path dir) throws IOException {
        List<String> pieces = DemoVocabulary.T5_PIECES;
        List<Object> added = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            added.add(obj("id", i, "content", pieces.get(i), "single_word", false, "lstrip", false, "rstrip", false,
                    "normalized", false, "special", true));
        }
        List<Object> vocab = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            String piece = pieces.get(i);
            double score = i < 3 ? 0.0 : piece.startsWith("\u2581") && piece.length() > 1 ? -2.0 : piece.equals("\u2581") ? -5.0 : -8.0;
            vocab.add(List.of(piece, score));
        }
        Map<String, Object> metaspace = obj("type", "Metaspace", "replacement", "\u2581", "prepend_scheme", "always", "split", true);
        Map<String, Object> eos = obj("SpecialToken", obj("id", "</s>", "type_id", 0));
        writeJson(dir.resolve("tokenizer.json"), obj(
                "version", "1.0",
                "truncation", null,
                "padding", null,
                "added_tokens", added,
                "normalizer", obj("type", "Sequence", "normalizers", List.of(
                        obj("type", "Lowercase"),
                        obj("type", "Replace", "pattern", obj("Regex", " {2,}"), "content", " "))),
                "pre_tokenizer", metaspace,
                "post_processor", obj(
                        "type", "TemplateProcessing",
                        "single", List.of(obj("Sequence", obj("id", "A", "type_id", 0)), eos),
                        "pair", List.of(obj("Sequence", obj("id", "A", "type_id", 0)), eos,
                                obj("Sequence", obj("id", "B", "type_id", 0)), eos),
                        "special_tokens", obj("</s>", obj("id", "</s>", "ids", List.of(DemoVocabulary.T5_EOS_ID), "tokens", List.of("</s>")))),
                "decoder", metaspace,
                "model", obj("type", "Unigram", "unk_id", DemoVocabulary.T5_UNK_ID, "vocab", vocab, "byte_fallback", false)));
        writeJson(dir.resolve("tokenizer_config.json"), obj(
                "tokenizer_class", "T5TokenizerFast",
                "eos_token", "</s>",
                "pad_token", "<pad>",
                "unk_token", "<unk>",
                "extra_ids", 0,
                "additional_special_tokens", List.of(),
                "model_max_length", 512,
                "legacy", true,
                "clean_up_tokenization_spaces", true));
        writeJson(dir.resolve("special_tokens_map.json"), obj("eos_token", "</s>", "pad_token", "<pad>", "unk_token", "<unk>"));
    }
}
