package org.easel.nodes.upscale;

import java.nio.file.Path;

/** UPSCALE_MODEL: an ONNX image-to-image model ([B,3,H,W] 0..1 → [B,3,sH,sW]) and its scale. */
public record UpscaleModel(Path file, int scale) {}
