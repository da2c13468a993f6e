// Vignette: darkens the picture towards its corners.
// image.data is a Float32Array of batch × height × width × channels values in 0..1 (row-major). It is
// the script's own copy of the picture, so changing it in place and returning it is fine.
export default {
  name: "Vignette",
  display_name: "Vignette",
  category: "image/script",
  description: "Darkens the corners: strength 0 leaves the picture alone, 1 makes the corners black.",
  inputs: {
    required: {
      image: ["IMAGE"],
      strength: ["FLOAT", { default: 0.6, min: 0, max: 1, step: 0.01 }],
      radius: ["FLOAT", { default: 0.75, min: 0.1, max: 2, step: 0.01, tooltip: "where darkening starts (1 = the corners)" }],
    },
  },
  outputs: ["IMAGE"],
  output_names: ["image"],

  execute({ image, strength, radius }) {
    const { batch, height, width, channels, data } = image;
    const cx = (width - 1) / 2, cy = (height - 1) / 2;
    const norm = 1 / Math.sqrt(cx * cx + cy * cy || 1);
    const row = width * channels;
    for (let y = 0; y < height; y++) {
      const dy = (y - cy) * norm;
      for (let x = 0; x < width; x++) {
        const dx = (x - cx) * norm;
        const d = Math.sqrt(dx * dx + dy * dy) / radius;        // 0 at the centre, 1 at `radius`
        const t = Math.min(1, Math.max(0, d - 0.5) * 2);         // smooth ramp from half the radius
        const f = 1 - strength * t * t * (3 - 2 * t);
        for (let b = 0; b < batch; b++) {
          const i = b * height * row + y * row + x * channels;
          for (let c = 0; c < channels; c++) data[i + c] *= f;
        }
      }
    }
    return image;   // one output: the value itself (or [image])
  },
};
