/**
 * How features become the data matrices the similarity measures compare (rows = observations).
 * - CKA: one row per probe sample, the sample's H·W·C values flattened in NHWC order
 *   (Kornblith et al. 2019 flatten conv maps the same way). FeatureTensor data already is that [N × H·W·C] matrix.
 * - CCA (SVCCA, PWCCA) and Procrustes: for conv maps of equal spatial size, every (sample, position) is an
 *   observation and the C channels are the neurons (Raghu et al. 2017, Morcos et al. 2018): far more rows than
 *   columns, which CCA needs. Dense layers, or maps of different sizes, fall back to per-sample rows.
 */
import type { FeatureTensor } from '../tensor';

/** A row-major [rows × cols] view of feature data (no copy). */
export interface DataMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export function perSample(t: FeatureTensor): DataMatrix {
  const [n, h, w, c] = t.shape;
  return { rows: n, cols: h * w * c, data: t.data };
}

export function ccaViews(a: FeatureTensor, b: FeatureTensor): [DataMatrix, DataMatrix] {
  const [, ha, wa, ca] = a.shape;
  const [, hb, wb, cb] = b.shape;
  if (ha === hb && wa === wb) {
    const rows = a.shape[0] * ha * wa;
    return [
      { rows, cols: ca, data: a.data },
      { rows, cols: cb, data: b.data },
    ];
  }
  return [perSample(a), perSample(b)];
}
