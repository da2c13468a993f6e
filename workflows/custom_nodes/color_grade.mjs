// Two nodes in one file: a lift/gamma/gain colour grade with saturation and warmth, and a node that
// measures a picture. A file may export one node definition or an array of them.
import { luma, clamp01 } from "./_color.mjs";

const ColorGrade = {
  name: "ColorGrade",
  display_name: "Colour grade",
  category: "image/script",
  description: "Lift (shadows), gamma (midtones), gain (highlights), saturation and warmth.",
  inputs: {
    required: {
      image: ["IMAGE"],
      lift: ["FLOAT", { default: 0.0, min: -0.5, max: 0.5, step: 0.01 }],
      gamma: ["FLOAT", { default: 1.0, min: 0.2, max: 5, step: 0.01 }],
      gain: ["FLOAT", { default: 1.0, min: 0, max: 4, step: 0.01 }],
      saturation: ["FLOAT", { default: 1.0, min: 0, max: 3, step: 0.01 }],
      warmth: ["FLOAT", { default: 0.0, min: -1, max: 1, step: 0.01 }],
    },
  },
  outputs: ["IMAGE"],
  output_names: ["image"],

  execute({ image, lift, gamma, gain, saturation, warmth }) {
    const { channels, data } = image;
    if (channels < 3) throw new Error(`ColorGrade needs an RGB image, got ${channels} channel(s)`);
    // A new image of the same shape: a fresh Float32Array is fine too.
    const out = new Float32Array(data.length);
    const inv = 1 / gamma;
    const warm = [1 + 0.1 * warmth, 1, 1 - 0.1 * warmth];
    for (let i = 0; i < data.length; i += channels) {
      const rgb = [0, 0, 0];
      for (let c = 0; c < 3; c++) {
        const v = clamp01(data[i + c] * gain + lift * (1 - data[i + c]));
        rgb[c] = Math.pow(v, inv) * warm[c];
      }
      const y = luma(rgb[0], rgb[1], rgb[2]);
      for (let c = 0; c < 3; c++) out[i + c] = clamp01(y + (rgb[c] - y) * saturation);
      for (let c = 3; c < channels; c++) out[i + c] = data[i + c];
    }
    return [{ ...image, data: out }];
  },
};

const ImageStats = {
  name: "ImageStats",
  display_name: "Image statistics",
  category: "image/script",
  description: "Mean brightness and a one-line summary of a picture.",
  inputs: { required: { image: ["IMAGE"] } },
  outputs: ["FLOAT", "STRING"],
  output_names: ["brightness", "summary"],

  execute({ image }) {
    const { batch, height, width, channels, data } = image;
    let sum = 0;
    for (let i = 0; i < data.length; i += channels) sum += channels >= 3 ? luma(data[i], data[i + 1], data[i + 2]) : data[i];
    const mean = sum / (batch * height * width);
    return [mean, `${batch}×${width}×${height}, ${channels} channels, mean brightness ${mean.toFixed(3)}`];
  },
};

export default [ColorGrade, ImageStats];
