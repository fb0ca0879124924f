/**
 * Each side of a similarity measure as the measures should see it. They are invariant to a side's overall scale, but
 * their products are not: squares of features ×1e20 overflow a float32 Gram on onnxruntime, those of ×1e-20 features
 * sink below float32's normal range, and at ×1e38 CKA's float64 normaliser overflowed (CKA read 0). So a side whose
 * largest |x| lies outside [2⁻¹⁶, 2¹⁶] is brought to a largest |x| in (½, 1] by a power of two, which changes no
 * digit. A side that is constant on the probes up to float32 rounding becomes exact zeros, which every measure reads
 * as "shares nothing", so rounding noise is never compared as if it were structure.
 */
import { CONSTANT_SPREAD } from '../linalg/channel-stats';
import type { FeatureTensor } from '../tensor';
import { perSample } from './views';

/** Largest |x| left as it is: Grams of up to 10⁷ features per sample stay far inside float32's range. */
const SAFE_PEAK = { low: 2 ** -16, high: 2 ** 16 };

export function scaleFree(t: FeatureTensor): FeatureTensor {
  const { rows, cols, data } = perSample(t);
  const lo = new Float64Array(cols).fill(Infinity);
  const hi = new Float64Array(cols).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = data[base + c];
      if (v < lo[c]) lo[c] = v;
      if (v > hi[c]) hi[c] = v;
    }
  }
  let peak = 0;
  let constant = true;
  for (let c = 0; c < cols; c++) {
    const own = Math.max(Math.abs(lo[c]), Math.abs(hi[c]));
    peak = Math.max(peak, own);
    // Every probe sample shows the same value here, up to float32 rounding: relative to the value's own size.
    if (hi[c] - lo[c] > CONSTANT_SPREAD * own) constant = false;
  }
  if (constant) return peak === 0 ? t : { shape: t.shape, data: new Float32Array(data.length) };
  if (peak >= SAFE_PEAK.low && peak <= SAFE_PEAK.high) return t;
  const factor = 2 ** -Math.ceil(Math.log2(peak));
  return { shape: t.shape, data: data.map((v) => v * factor) };
}
