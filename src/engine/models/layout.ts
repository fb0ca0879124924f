/** The engine's NHWC probe images → the NCHW that ONNX convolutions take (outputs go back to NHWC in the graph). */

/** [n, h, w, c] → [n, c, h, w]. */
export function nhwcToNchw(data: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(data.length);
  const plane = h * w;
  for (let s = 0; s < n; s++) {
    const base = s * plane * c;
    for (let p = 0; p < plane; p++) {
      const src = base + p * c;
      for (let ch = 0; ch < c; ch++) out[base + ch * plane + p] = data[src + ch];
    }
  }
  return out;
}
