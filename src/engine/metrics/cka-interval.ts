/**
 * Which linear CKA the views show, and its percentile bootstrap interval over probe samples.
 *
 * Below CKA_DEBIAS_BELOW probes the biased estimator reads high for unrelated layers (independent features with a
 * 1/k spectrum: 0.42 at 64 probes, 0.13 at 250, 0.07 at 500 — white features of 1280 dims 0.95 / 0.84 / 0.72), and
 * the unbiased one (HSIC₁, Song et al. 2012) reads 0.00–0.05 there. Below 512 probes the unbiased minibatch estimator
 * is one batch over every sample, so it costs what the biased one costs: shown from there down. Above, the biased
 * estimator is kept (its bias shrinks as 1/n; the minibatch form would add the variance of 256-sample batches).
 */
import type { SimilarityMeasures } from '../../protocol/report';
import { createRng } from '../random';
import { CKA_BATCH_SIZE } from './cka';

/** Views show the unbiased (debiased) linear CKA below this many probe samples. */
export const CKA_DEBIAS_BELOW = 2 * CKA_BATCH_SIZE;
/** Level and replicates of the CKA interval (fewer replicates when n² is large: CKA_BOOTSTRAP_BUDGET). */
export const CKA_INTERVAL_LEVEL = 0.95;
export const CKA_REPLICATES = 1000;
const CKA_MIN_REPLICATES = 200;
const CKA_BOOTSTRAP_BUDGET = 3e8;
/** No interval beyond this many probes (n × n Grams; the interval is narrow there anyway). */
export const CKA_INTERVAL_MAX_SAMPLES = 1024;

export type CkaShown = NonNullable<SimilarityMeasures['cka']>;

/** The estimator the views show for n probe samples. */
export function shownEstimator(n: number): CkaShown['estimator'] {
  return n < CKA_DEBIAS_BELOW ? 'unbiased' : 'biased';
}

/**
 * Percentile bootstrap interval of linear CKA from the n × n Grams k, l of (column-centred) features: each replicate
 * draws n samples with replacement. Biased: CKA of the resampled Grams (centred). Unbiased: HSIC₁ over pairs of
 * distinct draws, a pair of copies of one sample counting as the diagonal (it would otherwise add K_ss·L_ss, the
 * very bias the estimator removes). Reproducible from `seed`.
 */
export function ckaInterval(
  k: Float64Array,
  l: Float64Array,
  n: number,
  estimator: CkaShown['estimator'],
  seed: number,
): { interval: [number, number]; replicates: number } {
  const replicates = Math.max(CKA_MIN_REPLICATES, Math.min(CKA_REPLICATES, Math.floor(CKA_BOOTSTRAP_BUDGET / (n * n))));
  const rng = createRng(seed ^ 0x68e31da4);
  const idx = new Int32Array(n);
  const values = new Float64Array(replicates);
  const rk = new Float64Array(n),
    rl = new Float64Array(n);
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rng() * n);
    values[r] = resampledCka(k, l, n, idx, estimator === 'unbiased', rk, rl);
  }
  values.sort();
  const at = (p: number) => values[Math.min(replicates - 1, Math.max(0, Math.round(p * (replicates - 1))))];
  return { interval: [at((1 - CKA_INTERVAL_LEVEL) / 2), at((1 + CKA_INTERVAL_LEVEL) / 2)], replicates };
}

/**
 * CKA of the Grams restricted to the draws `idx`. Both estimators need the same sums over the pairs counted (all for
 * biased, distinct draws for unbiased): Σ KL, Σ KK, Σ LL, the row sums of K and L and their totals.
 */
function resampledCka(
  k: Float64Array,
  l: Float64Array,
  n: number,
  idx: Int32Array,
  unbiased: boolean,
  rk: Float64Array,
  rl: Float64Array,
): number {
  let kl = 0,
    kk = 0,
    ll = 0;
  for (let i = 0; i < n; i++) {
    const row = idx[i] * n;
    let sk = 0,
      sl = 0;
    for (let j = 0; j < n; j++) {
      const c = idx[j];
      if (unbiased && c === idx[i]) continue;
      const kv = k[row + c],
        lv = l[row + c];
      kl += kv * lv;
      kk += kv * kv;
      ll += lv * lv;
      sk += kv;
      sl += lv;
    }
    rk[i] = sk;
    rl[i] = sl;
  }
  let tk = 0,
    tl = 0,
    dkl = 0,
    dkk = 0,
    dll = 0;
  for (let i = 0; i < n; i++) {
    tk += rk[i];
    tl += rl[i];
    dkl += rk[i] * rl[i];
    dkk += rk[i] * rk[i];
    dll += rl[i] * rl[i];
  }
  // ⟨HKH, HLH⟩ = ΣKL − (2/n)·Σ rK·rL + (ΣK·ΣL)/n² (biased); HSIC₁ numerator (unbiased, up to 1/(n(n−3))).
  const hsic = unbiased
    ? (xy: number, sx: number, sy: number, d: number) => xy + (sx * sy) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * d
    : (xy: number, sx: number, sy: number, d: number) => xy - (2 / n) * d + (sx * sy) / (n * n);
  const xy = hsic(kl, tk, tl, dkl),
    xx = hsic(kk, tk, tk, dkk),
    yy = hsic(ll, tl, tl, dll);
  return xx > 0 && yy > 0 ? xy / (Math.sqrt(xx) * Math.sqrt(yy)) : 0;
}
