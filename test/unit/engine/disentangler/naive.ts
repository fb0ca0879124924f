/**
 * A plain float64 re-statement of the disentangler's forward pass (the header of src/engine/compute/types.ts),
 * written with loops and no library, so that backends can be checked against it (values and finite differences).
 */
import type { DisentanglerSpec } from '../../../../src/engine/compute/types';
import { HIDDEN_STD_EPS } from '../../../../src/engine/compute/tfjs-backend';

type Arr = Float64Array;

/** "same" convolution, NCHW input [n, ci, H, W], OIHW weight [co, ci, k, k]. */
export function naiveConv(
  x: ArrayLike<number>,
  n: number,
  ci: number,
  H: number,
  W: number,
  w: ArrayLike<number>,
  co: number,
  k: number,
): Arr {
  const out = new Float64Array(n * co * H * W);
  const r = (k - 1) / 2;
  for (let b = 0; b < n; b++)
    for (let o = 0; o < co; o++)
      for (let y = 0; y < H; y++)
        for (let xx = 0; xx < W; xx++) {
          let acc = 0;
          for (let i = 0; i < ci; i++)
            for (let dy = 0; dy < k; dy++)
              for (let dx = 0; dx < k; dx++) {
                const yy = y + dy - r,
                  xq = xx + dx - r;
                if (yy < 0 || yy >= H || xq < 0 || xq >= W) continue;
                acc += w[((o * ci + i) * k + dy) * k + dx] * x[((b * ci + i) * H + yy) * W + xq];
              }
          out[((b * co + o) * H + y) * W + xx] = acc;
        }
  return out;
}

function hiddenStd(h: Arr, n: number, c: number, H: number, W: number, perSample: boolean): Arr {
  // Returns s per element index (b, ch) flattened as [n, c] (batch mode repeats across b).
  const s = new Float64Array(n * c);
  const groups = perSample ? n : 1;
  for (let g = 0; g < groups; g++)
    for (let ch = 0; ch < c; ch++) {
      let sum = 0,
        sq = 0,
        cnt = 0;
      for (let b = perSample ? g : 0; b < (perSample ? g + 1 : n); b++)
        for (let p = 0; p < H * W; p++) {
          const v = h[(b * c + ch) * H * W + p];
          sum += v;
          sq += v * v;
          cnt++;
        }
      const mean = sum / cnt;
      const std = Math.sqrt(Math.max(0, sq / cnt - mean * mean) + HIDDEN_STD_EPS);
      for (let b = perSample ? g : 0; b < (perSample ? g + 1 : n); b++) s[b * c + ch] = std;
    }
  return s;
}

type Params = { weights: ArrayLike<number>[]; betas: ArrayLike<number> };

/** g(x̃) in NCHW; `scales` receives the hidden stds used, or supplies them (frozen, as the gradient treats them). */
export function naiveForward(
  spec: DisentanglerSpec,
  params: Params,
  x: ArrayLike<number>,
  n: number,
  scales: Arr[] = [],
): Arr {
  const { orders: K, channelsA: ca, channelsB: cb, height: H, width: W, kernel: k } = spec;
  const perSample = spec.hiddenScale === 'sample' && H * W > 1;
  let h = naiveConv(x, n, ca, H, W, params.weights[0], K === 0 ? cb : ca, k);
  for (let i = 1; i <= K; i++) {
    const s = (scales[i - 1] ??= hiddenStd(h, n, ca, H, W, perSample));
    const p = 1 / (1 + Math.exp(-params.betas[i - 1]));
    const u = new Float64Array(h.length);
    for (let j = 0; j < u.length; j++) u[j] = x[j] + p * Math.max(0, h[j] / s[Math.floor(j / (H * W))]);
    h = naiveConv(u, n, ca, H, W, params.weights[i], i === K ? cb : ca, k);
  }
  return h;
}

export function naiveLoss(
  spec: DisentanglerSpec,
  params: Params,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  scales: Arr[] = [],
): number {
  const g = naiveForward(spec, params, x, n, scales);
  let mse = 0;
  for (let j = 0; j < g.length; j++) mse += (g[j] - y[j]) ** 2;
  let pen = 0;
  for (let i = 0; i < spec.orders; i++) pen += (1 / (1 + Math.exp(-params.betas[i]))) ** 2;
  return mse / g.length + spec.alpha * pen;
}
