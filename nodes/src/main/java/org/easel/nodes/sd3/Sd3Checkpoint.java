package org.easel.nodes.sd3;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easel.engine.Json;
import org.easel.engine.NodeException;
import org.easel.nodes.onnx.OnnxRuntime;

/**
 * Reads an SD3 checkpoint folder in the Hugging Face Optimum ONNX layout: {@code transformer/} (or
 * {@code unet/} holding an SD3 transformer), {@code text_encoder[_2|_3]/} with {@code tokenizer[_2|_3]/},
 * {@code vae_decoder/}, {@code vae_encoder/}, {@code scheduler/scheduler_config.json} (shift). Nothing is
 * loaded here: sessions open when a node first runs the part.
 */
public record Sd3Checkpoint(Sd3Model model, Sd3Clip clip, Sd3Vae vae) {

    public static Sd3Checkpoint read(Path dir) {
        Path transformer = firstExisting(dir.resolve("transformer/model.onnx"), dir.resolve("unet/model.onnx"));
        if (transformer == null) {
            throw new NodeException(dir.getFileName() + " has no transformer/model.onnx (or unet/model.onnx): not an SD3 ONNX export");
        }
        double shift = 3.0;
        JsonNode sched = readJson(dir.resolve("scheduler/scheduler_config.json"));
        if (sched != null && sched.path("shift").isNumber()) shift = sched.get("shift").asDouble();
        TextEncoder l = encoder(dir, "text_encoder", "tokenizer", TextEncoder.Kind.CLIP_L);
        TextEncoder g = encoder(dir, "text_encoder_2", "tokenizer_2", TextEncoder.Kind.CLIP_G);
        TextEncoder t5 = encoder(dir, "text_encoder_3", "tokenizer_3", TextEncoder.Kind.T5);
        if (l == null && g == null && t5 == null) {
            throw new NodeException(dir.getFileName() + " has no text encoders (text_encoder*/model.onnx)");
        }
        Path dec = dir.resolve("vae_decoder/model.onnx");
        Path enc = dir.resolve("vae_encoder/model.onnx");
        Sd3Vae vae = Files.exists(dec) ? new Sd3Vae(dec, Files.exists(enc) ? enc : null) : null;
        if (vae == null) throw new NodeException(dir.getFileName() + " has no vae_decoder/model.onnx");
        return new Sd3Checkpoint(Sd3Model.of(transformer, shift), new Sd3Clip(l, g, t5), vae);
    }

    /**
     * Starts loading the transformer and the VAE decoder in the background while the text encoders run
     * (when they fit in the session pool's memory budget).
     */
    public void preload(OnnxRuntime rt) {
        rt.preload(List.of(model.transformer(), vae.decoder()));
    }

    private static TextEncoder encoder(Path dir, String model, String tokenizer, TextEncoder.Kind kind) {
        Path m = dir.resolve(model).resolve("model.onnx");
        if (!Files.exists(m)) return null;
        Path tok = dir.resolve(tokenizer);
        if (!Files.isDirectory(tok)) tok = dir.resolve(model);
        return new TextEncoder(kind, m, tok);
    }

    static Path firstExisting(Path... paths) {
        for (Path p : paths) if (Files.isRegularFile(p)) return p;
        return null;
    }

    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new NodeException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
