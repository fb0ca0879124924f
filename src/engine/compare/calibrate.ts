/**
 * The warm-up that calibrates the cost model (cost.ts) on the machine that runs the job: a few probe samples through
 * each model (features kept nowhere) and a few training steps of the largest fit's disentangler on random windows.
 * About a second or two on a 224×224 model; the first call of each is untimed (kernel set-up, arenas).
 */
import type { CancelSignal } from '../cancel';
import { throwIfCancelled } from '../cancel';
import type { DisentanglerSpec, TrainingBackend } from '../compute/types';
import { disentangle } from '../disentangler/index';
import { initParams } from '../disentangler/init';
import { disentanglerSpec } from '../disentangler/spec';
import { geometry } from '../disentangler/windows';
import type { InputBatch, ModelAdapter } from '../models/types';
import { fitProbe, type ProbeNormalization, type ProbeSource } from '../probes/index';
import { createRng } from '../random';
import type { DisentangleSettings, LayerInfo, PairKey } from '../../protocol/report';
import { DEFAULT_RATES, type CostRates } from './cost';
import { inputTarget } from './model-ref';

/** Samples timed per model after one untimed: on a model that takes under `fastBelowSeconds` a sample, enough for the
 * timing to be more than noise; else a few. */
const SAMPLES_TIMED = { slow: 4, fast: 64, fastBelowSeconds: 0.02 };
/** A timed training step: windows for about `macs` of work (a step of a small layer is mostly fixed cost, and its rate
 * would say nothing), within 1…`maxWindows`; `timed` steps after one untimed. */
const TRAIN_STEP = { macs: 1e9, maxWindows: 512, timed: 2 };
/** Samples of the tiny fit that times a fit's fixed cost (enough for a validation set). */
const OVERHEAD_SAMPLES = 64;

export interface CalibrationInput {
  models: { A: ModelAdapter; B: ModelAdapter };
  probe: ProbeSource;
  normalization?: Partial<ProbeNormalization>;
  /** The layers each model will extract (the matrix's). */
  layers: { A: string[]; B: string[] };
  /** Layer tables, to find the largest fit. */
  tables: { A: LayerInfo[]; B: LayerInfo[] };
  plan: PairKey[];
  settings: DisentangleSettings;
  backend: TrainingBackend;
  signal?: CancelSignal;
}

/** Measured rates; a part that cannot be measured (a model that rejects a short batch) keeps its default. */
export async function calibrate(input: CalibrationInput): Promise<CostRates> {
  const { models, signal } = input;
  const perSampleA = await extractionSeconds(models.A, input, input.layers.A);
  throwIfCancelled(signal);
  // The same file on both sides (a self-comparison) runs at the same rate: measure it once.
  const perSampleB =
    models.B.ref.path === models.A.ref.path && perSampleA !== undefined
      ? perSampleA
      : await extractionSeconds(models.B, input, input.layers.B);
  throwIfCancelled(signal);
  const training = await trainingRate(input);
  throwIfCancelled(signal);
  const fitFixed = await fitOverhead(input);
  const measured = [
    perSampleA !== undefined && perSampleB !== undefined
      ? `extraction ${rate(perSampleA)} / ${rate(perSampleB)} samples/s`
      : undefined,
    training ? `training ${(training.macsPerSecond / 1e9).toFixed(1)} GMAC/s` : undefined,
    fitFixed !== undefined ? `${fitFixed.toFixed(1)} s a fit besides its training` : undefined,
  ].filter(Boolean);
  return {
    extractSecondsPerSample: {
      A: perSampleA ?? DEFAULT_RATES.extractSecondsPerSample.A,
      B: perSampleB ?? DEFAULT_RATES.extractSecondsPerSample.B,
    },
    trainMacsPerSecond: training?.macsPerSecond ?? DEFAULT_RATES.trainMacsPerSecond,
    stepSeconds: DEFAULT_RATES.stepSeconds,
    fitSeconds: fitFixed ?? DEFAULT_RATES.fitSeconds,
    source: measured.length ? `measured: ${measured.join(', ')}` : DEFAULT_RATES.source,
  };
}

const rate = (secondsPerSample: number) => (1 / secondsPerSample).toFixed(secondsPerSample > 0.1 ? 1 : 0);

/** Seconds per sample of a short batch through the model, the job's layers out, features dropped. */
async function extractionSeconds(
  model: ModelAdapter,
  input: CalibrationInput,
  layers: string[],
): Promise<number | undefined> {
  const fitted = fitProbe(input.probe, inputTarget(model), input.normalization, SAMPLES_TIMED.fast);
  let batch: InputBatch | undefined;
  for await (const b of fitted.batches(input.signal)) {
    batch = b;
    break;
  }
  if (!batch || !layers.length) return undefined;
  const per = batch.data.length / batch.shape[0];
  const first = (n: number): InputBatch => ({
    shape: [n, ...batch.shape.slice(1)],
    data: batch.data.subarray(0, n * per),
  });
  const sink = { write: () => undefined };
  try {
    const timed = async (n: number) => {
      const started = performance.now();
      await model.extract([first(n)], layers, sink, { signal: input.signal });
      return (performance.now() - started) / 1000;
    };
    await timed(1);
    const one = await timed(1);
    const n = Math.min(batch.shape[0], one < SAMPLES_TIMED.fastBelowSeconds ? SAMPLES_TIMED.fast : SAMPLES_TIMED.slow);
    return (await timed(n)) / n;
  } catch {
    throwIfCancelled(input.signal);
    return undefined;
  }
}

/** Multiply-adds per second of training steps of the plan's largest disentangler (by work per window). */
async function trainingRate(input: CalibrationInput): Promise<{ macsPerSecond: number } | undefined> {
  const { settings } = input;
  const shapeOf = (side: 'A' | 'B', name: string) => input.tables[side].find((l) => l.name === name)?.shape;
  let best: { spec: DisentanglerSpec; macs: number } | undefined;
  for (const key of input.plan) {
    const a = shapeOf('A', key.layerA);
    const b = shapeOf('B', key.layerB);
    if (!a || !b) continue;
    const [source, target] = key.direction === 'A->B' ? [a, b] : [b, a];
    const dims = (s: number[]) =>
      (s.length >= 4 ? [s[1], s[2], s[3]] : [1, 1, s[s.length - 1]]).map((d) => Math.max(1, d));
    const [height, width, channelsB] = dims(target);
    const channelsA = dims(source)[2];
    const g = geometry(height, width, { orders: settings.orders, kernel: settings.kernel, perSampleScale: false });
    // Timed as a batch-scaled window, whatever the normalisation: the step's cost is the same.
    const spec = disentanglerSpec(settings, { a: channelsA, b: channelsB }, g, 'batch');
    const macs = spec.height * spec.width * spec.kernel ** 2 * channelsA * (settings.orders * channelsA + channelsB);
    if (!best || macs > best.macs) best = { spec, macs };
  }
  if (!best) return undefined;
  const { spec } = best;
  const windows = Math.max(1, Math.min(TRAIN_STEP.maxWindows, Math.round(TRAIN_STEP.macs / (3 * best.macs))));
  const rng = createRng(settings.seed);
  const positions = spec.height * spec.width;
  const random = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
  const ones = new Float32Array(windows * positions).fill(1);
  const batch = {
    n: windows,
    x: random(windows * spec.channelsA * positions),
    y: random(windows * spec.channelsB * positions),
    ...(spec.masked ? { inside: ones, counted: ones } : {}),
  };
  const model = await input.backend.create(spec, initParams(spec, rng));
  try {
    await model.trainStep(batch, 1e-3);
    const started = performance.now();
    for (let i = 0; i < TRAIN_STEP.timed; i++) {
      throwIfCancelled(input.signal);
      await model.trainStep(batch, 1e-3);
    }
    const seconds = (performance.now() - started) / 1000 / TRAIN_STEP.timed;
    // A step ≈ 3 forward passes; its fixed cost is counted apart (CostRates.stepSeconds).
    const work = 3 * windows * best.macs;
    return { macsPerSecond: work / Math.max(seconds / 2, seconds - DEFAULT_RATES.stepSeconds) };
  } finally {
    await model.dispose();
  }
}

/**
 * A fit's fixed cost on this machine now (split, normalisation, ridge, sessions, evaluation, its interval): one whole
 * fit of a tiny random pair, one epoch: on a shared machine it grows with the load like everything else, and on the
 * sample CNNs it is most of a fit.
 */
async function fitOverhead(input: CalibrationInput): Promise<number | undefined> {
  const rng = createRng(input.settings.seed + 1);
  const shape = [OVERHEAD_SAMPLES, 4, 4, 8] as const;
  const a = Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng() * 2 - 1);
  const b = a.map((v) => v + 0.1 * (rng() * 2 - 1));
  const started = performance.now();
  try {
    await disentangle(
      { shape, data: a },
      { shape, data: b },
      { ...input.settings, epochs: 1, seeds: 1 },
      { layerA: 'calibration', layerB: 'calibration', direction: 'A->B', backend: input.backend, signal: input.signal },
    );
  } catch {
    throwIfCancelled(input.signal);
    return undefined;
  }
  return (performance.now() - started) / 1000;
}
