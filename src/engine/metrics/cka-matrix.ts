/**
 * Linear CKA for every (layer of A, layer of B) pair with the shared-Gram trick: each layer's Gram matrix is built
 * once (on onnxruntime when big, see gram.ts) and flattened into a vector whose dot products are the CKA
 * numerators, so all pairs are one product [layers A × len]·[layers B × len]ᵀ (Kornblith et al. 2019; Nguyen et
 * al. 2021 for the minibatch form).
 *
 * - biased (exact Kornblith CKA): the vector is the upper triangle of the centred Gram H·K·H (off-diagonal entries
 *   ×√2) divided by its Frobenius norm, so the product is CKA itself. Memory n(n+1)/2 per layer: used up to
 *   CKA_FULL_MAX_SAMPLES probes.
 * - unbiased (minibatch HSIC₁ of Nguyen et al. 2021): per batch of m samples the upper triangle of K̃ (zero
 *   diagonal), K̃'s row sums and total, each scaled so that dot products add up to Σ_batches HSIC₁; memory ≈ n·m/2
 *   per layer, cost n·m·d per layer instead of n²·d.
 */
import { throwIfCancelled, type CancelSignal } from '../cancel';
import { KcError, ShapeMismatchError } from '../errors';
import { abT } from '../linalg/dense';
import { matmul } from '../compute/ort-matmul';
import type { FeatureTensor } from '../tensor';
import { CKA_BATCH_SIZE, minibatches } from './cka';
import { CKA_DEBIAS_BELOW } from './cka-interval';
import { centredGram, centreGram, centringShift, ORT_GRAM_MIN_MACS } from './gram';
import { scaleFree } from './scale';
import { perSample } from './views';

/** Up to this many probes (from CKA_DEBIAS_BELOW) the matrix holds the exact biased CKA; beyond, the unbiased
 * minibatch estimator. Below CKA_DEBIAS_BELOW the unbiased one on all samples (one batch): the biased one reads
 * high for unrelated layers at few probes (cka-interval.ts). */
export const CKA_FULL_MAX_SAMPLES = 1024;

export type CkaEstimator = 'biased' | 'unbiased';

export interface CkaMatrixOptions {
  /** Default: 'biased' from CKA_DEBIAS_BELOW up to CKA_FULL_MAX_SAMPLES probes, else 'unbiased'. */
  estimator?: CkaEstimator;
  /** Minibatch size of the unbiased estimator (default CKA_BATCH_SIZE). */
  batchSize?: number;
  /** Called after each layer's Gram (layers of A first, then B), for progress bars. */
  onLayer?: (done: number, total: number) => void;
  /** Checked between layers. */
  signal?: CancelSignal;
  /** The layer of A whose features B's layer `j` is (a model compared with itself): its Gram is not made twice. */
  sameAs?: (j: number) => number | undefined;
}

/** Which estimator ckaMatrix uses for n probes, i.e. the SimilarityMatrix measure name its values belong under. */
export function ckaMatrixMeasure(n: number, estimator?: CkaEstimator): 'linearCKA' | 'linearCKAUnbiased' {
  return (estimator ?? (n >= CKA_DEBIAS_BELOW && n <= CKA_FULL_MAX_SAMPLES ? 'biased' : 'unbiased')) === 'biased'
    ? 'linearCKA'
    : 'linearCKAUnbiased';
}

/**
 * rows = layers of A, columns = layers of B. A layer without variance gets 0 against everything; any scale of a layer
 * gives the same numbers (scale.ts).
 */
export async function ckaMatrix(
  layersA: FeatureTensor[],
  layersB: FeatureTensor[],
  options: CkaMatrixOptions = {},
): Promise<number[][]> {
  const all = [...layersA, ...layersB];
  if (all.length === 0) return [];
  const n = all[0].shape[0];
  const read = async (side: 'A' | 'B', i: number) => (side === 'A' ? layersA[i] : layersB[i]);
  return ckaMatrixStreamed(layersA.length, layersB.length, read, n, options);
}

/**
 * ckaMatrix over layers read one at a time (`read`): only each layer's Gram vector is kept, never its features, so
 * wide layers cost memory by probe count (about n²/2 values a layer), not by width — the streamed form the similarity
 * matrix uses when it fits (compare/matrix.ts).
 */
export async function ckaMatrixStreamed(
  countA: number,
  countB: number,
  read: (side: 'A' | 'B', index: number) => Promise<FeatureTensor>,
  n: number,
  options: CkaMatrixOptions = {},
): Promise<number[][]> {
  if (countA === 0 || countB === 0) return Array.from({ length: countA }, () => []);
  const biased = ckaMatrixMeasure(n, options.estimator) === 'linearCKA';
  if (!biased && n < 4) throw new KcError(`unbiased CKA needs at least 4 probe samples, got ${n}`);
  const batches = biased ? [] : minibatches(n, options.batchSize ?? CKA_BATCH_SIZE);
  const total = countA + countB;
  const vectorsOf = async (
    side: 'A' | 'B',
    count: number,
    before: number,
    reuse: (i: number) => LayerVectors | undefined = () => undefined,
  ): Promise<LayerVectors[]> => {
    const out: LayerVectors[] = [];
    for (let i = 0; i < count; i++) {
      throwIfCancelled(options.signal);
      const same = reuse(i);
      if (same) {
        out.push(same);
        options.onLayer?.(before + out.length, total);
        continue;
      }
      const t = await read(side, i);
      if (t.shape[0] !== n)
        throw new ShapeMismatchError(`all layers must have the same probe samples: found ${n} and ${t.shape[0]}`);
      out.push(biased ? await biasedVector(t) : await unbiasedVectors(t, batches));
      options.onLayer?.(before + out.length, total);
      // Let cancellation and progress messages through between layers.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return out;
  };
  const va = await vectorsOf('A', countA, 0);
  const vb = await vectorsOf('B', countB, countA, (j) => {
    const i = options.sameAs?.(j);
    return i === undefined ? undefined : va[i];
  });
  const hsic = await pairProducts(va, vb);
  const selfA = va.map((v) => selfProduct(v));
  const selfB = vb.map((v) => selfProduct(v));
  return va.map((_, i) =>
    vb.map((__, j) => {
      const value = hsic[i * vb.length + j];
      if (biased) return value; // vectors are normalised: the product is CKA (0 for a zero vector)
      return selfA[i] > 0 && selfB[j] > 0 ? value / Math.sqrt(selfA[i] * selfB[j]) : 0;
    }),
  );
}

/** Bytes of one layer's Gram vectors at n probes (what ckaMatrixStreamed keeps per layer). */
export function ckaVectorBytes(n: number, estimator?: CkaEstimator): number {
  if (ckaMatrixMeasure(n, estimator) === 'linearCKA') return 2 * n * (n + 1);
  const m = Math.min(n, CKA_BATCH_SIZE);
  return 2 * n * (m + 1) + 16 * n;
}

/** Products add up as: main·main − rows·rows + totals·totals. */
interface LayerVectors {
  main: Float32Array;
  rows?: Float64Array;
  totals?: Float64Array;
}

async function biasedVector(t: FeatureTensor): Promise<LayerVectors> {
  const x = perSample(scaleFree(t));
  const n = x.rows;
  const k = centreGram(await centredGram(x, await centringShift(x)), n);
  const main = new Float32Array((n * (n + 1)) / 2);
  let norm = 0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    main[p++] = k[i * n + i];
    norm += k[i * n + i] ** 2;
    for (let j = i + 1; j < n; j++) {
      main[p++] = Math.SQRT2 * k[i * n + j];
      norm += 2 * k[i * n + j] ** 2;
    }
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < main.length; i++) main[i] *= scale;
  return { main };
}

/**
 * HSIC₁ per batch (see hsic1 in cka.ts) = c·[2·Σ_{i<j} K̃ᵢⱼL̃ᵢⱼ + sK·sL/((m−1)(m−2)) − 2/(m−2)·rK·rL], c = 1/(m(m−3)),
 * so the upper triangle is scaled by √(2c), row sums r by √(2c/(m−2)), totals s by √(c/((m−1)(m−2))).
 */
async function unbiasedVectors(t: FeatureTensor, batches: Array<[number, number]>): Promise<LayerVectors> {
  const x = perSample(scaleFree(t));
  const mean = await centringShift(x);
  const length = batches.reduce((s, [a, b]) => s + ((b - a) * (b - a - 1)) / 2, 0);
  const main = new Float32Array(length);
  const rows = new Float64Array(x.rows);
  const totals = new Float64Array(batches.length);
  let p = 0;
  for (const [b, [start, end]] of batches.entries()) {
    const m = end - start;
    const k = await centredGram(x, mean, start, end);
    const c = 1 / (m * (m - 3));
    const sTri = Math.sqrt(2 * c);
    let total = 0;
    for (let i = 0; i < m; i++) {
      let rowSum = 0;
      for (let j = 0; j < m; j++) if (j !== i) rowSum += k[i * m + j];
      rows[start + i] = rowSum * Math.sqrt((2 * c) / (m - 2));
      total += rowSum;
      for (let j = i + 1; j < m; j++) main[p++] = sTri * k[i * m + j];
    }
    totals[b] = total * Math.sqrt(c / ((m - 1) * (m - 2)));
  }
  return { main, rows, totals };
}

/** All A × B products in one A·Bᵀ per part (the long `main` part on onnxruntime when big). */
async function pairProducts(va: LayerVectors[], vb: LayerVectors[]): Promise<Float64Array> {
  const parts: Array<keyof LayerVectors> = va[0].rows ? ['main', 'rows', 'totals'] : ['main'];
  const result = new Float64Array(va.length * vb.length);
  for (const part of parts) {
    const len = va[0][part]!.length;
    const stack = (vs: LayerVectors[]) => {
      const out = part === 'main' ? new Float32Array(vs.length * len) : new Float64Array(vs.length * len);
      vs.forEach((v, i) => out.set(v[part]!, i * len));
      return out;
    };
    const [sa, sb] = [stack(va), stack(vb)];
    const big =
      va.length * vb.length * len >= ORT_GRAM_MIN_MACS && sa instanceof Float32Array && sb instanceof Float32Array;
    const product = big
      ? await matmul(sa, sb, va.length, len, vb.length, { transB: true })
      : abT(sa, va.length, sb, vb.length, len);
    const sign = part === 'rows' ? -1 : 1;
    for (let i = 0; i < result.length; i++) result[i] += sign * product[i];
  }
  return result;
}

function selfProduct(v: LayerVectors): number {
  const dot = (a: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * a[i];
    return s;
  };
  return dot(v.main) - (v.rows ? dot(v.rows) : 0) + (v.totals ? dot(v.totals) : 0);
}
