// A helper module: files starting with "_" are not node files, but node files beside them may import them.
export const luma = (r, g, b) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
export const clamp01 = (v) => (v < 0 ? 0 : v > 1 ? 1 : v);
