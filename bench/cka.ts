/**
 * Child of bench/run.mjs: METRICS' ckaMatrix for 50 × 50 layers on 2000 probes (random features, widths cycling
 * through LAYER_WIDTHS; at 2000 probes ckaMatrix uses the unbiased minibatch estimator). Same layers as
 * bench/cka_ref.py. Prints {"seconds", "maxRssMB", "estimator"}.
 */
import { ckaMatrix, ckaMatrixMeasure } from '../src/engine/metrics';
import { featureTensor } from '../src/engine/tensor';

export const PROBES = 2000;
export const LAYERS = 50;
export const LAYER_WIDTHS = [128, 256, 512, 1024];

async function main(): Promise<void> {
  let state = 99;
  const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const layers = (offset: number) =>
    Array.from({ length: LAYERS }, (_, i) => {
      const width = LAYER_WIDTHS[(i + offset) % LAYER_WIDTHS.length];
      return featureTensor([PROBES, width], Float32Array.from({ length: PROBES * width }, next));
    });
  const [a, b] = [layers(0), layers(1)];
  const t0 = performance.now();
  const matrix = await ckaMatrix(a, b);
  const seconds = (performance.now() - t0) / 1000;
  if (matrix.length !== LAYERS || matrix.flat().some((v) => !Number.isFinite(v)))
    throw new Error('ckaMatrix returned a bad matrix');
  console.log(
    JSON.stringify({ seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, estimator: ckaMatrixMeasure(PROBES) }),
  );
}

void main();
