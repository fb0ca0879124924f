import type { FeatureTensor } from '../tensor';

/**
 * Brings the explaining layer's map to the explained layer's H×W (method page §4): average pooling when the sizes
 * divide exactly (no information invented, none aliased), bilinear interpolation (half-pixel centres) otherwise.
 * Returns the tensor unchanged when the sizes already match.
 */
export function resampleTo(t: FeatureTensor, height: number, width: number): { tensor: FeatureTensor; how?: string } {
  const [n, h, w, c] = t.shape;
  if (h === height && w === width) return { tensor: t };
  const pool = h % height === 0 && w % width === 0;
  const data = pool ? averagePool(t, h / height, w / width, height, width) : bilinear(t, height, width);
  const how = `${h}×${w} → ${height}×${width} (${pool ? 'average pool' : 'bilinear'})`;
  return { tensor: { shape: [n, height, width, c], data }, how };
}

function averagePool(t: FeatureTensor, fy: number, fx: number, height: number, width: number): Float32Array {
  const [n, h, w, c] = t.shape;
  const out = new Float32Array(n * height * width * c);
  const inv = 1 / (fy * fx);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const src = ((b * h + y) * w + x) * c;
        const dst = ((b * height + Math.floor(y / fy)) * width + Math.floor(x / fx)) * c;
        for (let ch = 0; ch < c; ch++) out[dst + ch] += t.data[src + ch] * inv;
      }
  return out;
}

function bilinear(t: FeatureTensor, height: number, width: number): Float32Array {
  const [n, h, w, c] = t.shape;
  const out = new Float32Array(n * height * width * c);
  const axis = (size: number, target: number, i: number) => {
    const pos = Math.min(Math.max((i + 0.5) * (size / target) - 0.5, 0), size - 1);
    const lo = Math.floor(pos);
    return { lo, hi: Math.min(lo + 1, size - 1), f: pos - lo };
  };
  for (let y = 0; y < height; y++) {
    const ay = axis(h, height, y);
    for (let x = 0; x < width; x++) {
      const ax = axis(w, width, x);
      const corners = [
        [ay.lo, ax.lo, (1 - ay.f) * (1 - ax.f)],
        [ay.lo, ax.hi, (1 - ay.f) * ax.f],
        [ay.hi, ax.lo, ay.f * (1 - ax.f)],
        [ay.hi, ax.hi, ay.f * ax.f],
      ];
      for (let b = 0; b < n; b++) {
        const dst = ((b * height + y) * width + x) * c;
        for (const [yy, xx, wt] of corners) {
          if (wt === 0) continue;
          const src = ((b * h + yy) * w + xx) * c;
          for (let ch = 0; ch < c; ch++) out[dst + ch] += wt * t.data[src + ch];
        }
      }
    }
  }
  return out;
}
