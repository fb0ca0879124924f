/**
 * The warm-up that calibrates the cost model (cost.ts) on the machine that runs the job: a few probe samples through
 * each model (features kept nowhere) and a few training steps of the widest and the narrowest fit's disentangler on
 * random windows.
 * About a second or two on a 224×224 model; the first call of each is untimed (kernel set-up, arenas).
 */
import type { CancelSignal } from '../cancel';
import { throwIfCancelled } from '../cancel';
import { matmul } from '../compute/ort-matmul';
import type { DisentanglerSpec, TrainingBackend } from '../compute/types';
import { disentangle } from '../disentangler/index';
import { initParams } from '../disentangler/init';
import { disentanglerSpec } from '../disentangler/spec';
import { geometry } from '../disentangler/windows';
import type { InputBatch, ModelAdapter } from '../models/types';
import { fitProbe, type ProbeNormalization, type ProbeSource } from '../probes/index';
import { createRng } from '../random';
import type { DisentangleSettings, LayerInfo, PairKey } from '../../protocol/report';
import { DEFAULT_RATES, fitWork, plannedFit, type CostRates } from './cost';
import { inputTarget } from './model-ref';

/** Samples timed per model after one untimed: on a model that takes under `fastBelowSeconds` a sample, enough for the
 * timing to be more than noise; else a few. */
const SAMPLES_TIMED = { slow: 4, fast: 64, fastBelowSeconds: 0.02 };
/** A timed training step: windows for about `macs` of work (a step of a small layer is mostly fixed cost, and its rate
 * would say nothing), within 1…`maxWindows` (bigger steps time steadier: the sample CNNs' steps capped at a batch of
 * 64 timed 3.3–6.1 GMAC/s run to run); the median of `timed` steps after one untimed. */
const TRAIN_STEP = { macs: 1e9, maxWindows: 512, timed: 3 };
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
  const training = await trainingRates(input);
  throwIfCancelled(signal);
  const products = await productRate();
  throwIfCancelled(signal);
  const fitFixed = await fitOverhead(input);
  const measured = [
    perSampleA !== undefined && perSampleB !== undefined
      ? `extraction ${rate(perSampleA)} / ${rate(perSampleB)} samples/s`
      : undefined,
    training
      ? `training ${[training.trainRates?.narrow.macsPerSecond, training.trainMacsPerSecond]
          .filter((r) => r !== undefined)
          .map((r) => (r! / 1e9).toFixed(1))
          .join('–')} GMAC/s`
      : undefined,
    products !== undefined ? `products ${(products / 1e9).toFixed(1)} GMAC/s` : undefined,
    fitFixed !== undefined ? `${fitFixed.toFixed(1)} s a fit besides its training` : undefined,
  ].filter(Boolean);
  return {
    extractSecondsPerSample: {
      A: perSampleA ?? DEFAULT_RATES.extractSecondsPerSample.A,
      B: perSampleB ?? DEFAULT_RATES.extractSecondsPerSample.B,
    },
    trainMacsPerSecond: training?.trainMacsPerSecond ?? DEFAULT_RATES.trainMacsPerSecond,
    ...(training?.trainRates ? { trainRates: training.trainRates } : {}),
    ...(products !== undefined ? { productMacsPerSecond: products } : {}),
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

/** A planned fit's disentangler as the warm-up times it, with its multiply-adds per window and per position. */
interface TimedSpec {
  spec: DisentanglerSpec;
  perWindow: number;
  perPosition: number;
  positions: number;
  /** The explained map's H × W (the spec's span is a window's on a windowed map), for the check fit. */
  map: [number, number];
}

/**
 * Training rates on this machine: the plan's disentangler of most work per map position (wide layers: big, efficient
 * products), and, where the plan has one of less work on a map of at least SMALL_MIN_POSITIONS, the least (narrow
 * layers on big maps: faceres 112×112×32 trained at about half the rate of its 14×14×512 pairs, and one rate from the
 * widest put such a fit at 10 s that took 18 s).
 */
async function trainingRates(
  input: CalibrationInput,
): Promise<Pick<CostRates, 'trainMacsPerSecond' | 'trainRates'> | undefined> {
  const specs = plannedSpecs(input);
  if (!specs.length) return undefined;
  const large = widestSpec(specs);
  const small = narrowSpec(specs);
  const largeRate = await stepRate(large, input);
  throwIfCancelled(input.signal);
  const smallRate = small && small.perPosition < large.perPosition ? await stepRate(small, input) : undefined;
  // A wide fit's real batches are big products; its one-window timing step is held back by updating its many
  // parameters (faceres 7×7×1024 timed 7.6 GMAC/s beside 45 for 112×112×32): never put it below the narrow one.
  const wideRate = Math.max(largeRate, smallRate ?? 0);
  const wide = { perPosition: large.perPosition, macsPerSecond: wideRate };
  return {
    trainMacsPerSecond: wideRate,
    ...(smallRate
      ? { trainRates: { narrow: { perPosition: small!.perPosition, macsPerSecond: smallRate }, wide } }
      : {}),
  };
}

/** Below this many positions a map is a dense or small layer: not the narrow big-map fit the small rate is for. */
const SMALL_MIN_POSITIONS = 256;
/** Below this many multiply-adds a position a step is all fixed cost (counted apart, CostRates.stepSeconds), and its
 * rate says nothing of the fits that take the time: movenet's 48×48×1 heatmap pair timed 1.2 GMAC/s and put its
 * 24×24×24 fits at 10× what they took. */
const SMALL_MIN_WORK = 4096;

/** The narrow big-map fit the warm-up and the check fit time: the least work a position among those that count
 * (where no big map has that much work, as on the sample CNNs, among all big maps). */
function narrowSpec(specs: TimedSpec[]): TimedSpec | undefined {
  const onMaps = specs.filter((s) => s.positions >= SMALL_MIN_POSITIONS);
  const worked = onMaps.filter((s) => s.perPosition >= SMALL_MIN_WORK);
  const counted = worked.length ? worked : onMaps;
  return counted.length ? counted.reduce((a, b) => (b.perPosition < a.perPosition ? b : a)) : undefined;
}

/** The plan's fit of most work a position. */
function widestSpec(specs: TimedSpec[]): TimedSpec {
  return specs.reduce((a, b) => (b.perPosition > a.perPosition ? b : a));
}

/** The median of a few timings: a shared machine's neighbours make single ones jump. */
function median(times: number[]): number {
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function plannedSpecs(input: CalibrationInput): TimedSpec[] {
  const { settings } = input;
  const shapeOf = (side: 'A' | 'B', name: string) => input.tables[side].find((l) => l.name === name)?.shape;
  const specs: TimedSpec[] = [];
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
    const perPosition = spec.kernel ** 2 * channelsA * (settings.orders * channelsA + channelsB);
    specs.push({
      spec,
      perPosition,
      perWindow: spec.height * spec.width * perPosition,
      positions: height * width,
      map: [height, width],
    });
  }
  return specs;
}

/** Multiply-adds per second of training steps of one disentangler on random windows: the median of the timed steps. */
async function stepRate({ spec, perWindow }: TimedSpec, input: CalibrationInput): Promise<number> {
  const windows = Math.max(1, Math.min(TRAIN_STEP.maxWindows, Math.round(TRAIN_STEP.macs / (3 * perWindow))));
  const rng = createRng(input.settings.seed);
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
    const times: number[] = [];
    for (let i = 0; i < TRAIN_STEP.timed; i++) {
      throwIfCancelled(input.signal);
      const started = performance.now();
      await model.trainStep(batch, 1e-3);
      times.push((performance.now() - started) / 1000);
    }
    const seconds = median(times);
    // A step ≈ 3 forward passes; its fixed cost is counted apart (CostRates.stepSeconds).
    const work = 3 * windows * perWindow;
    return work / Math.max(seconds / 2, seconds - DEFAULT_RATES.stepSeconds);
  } finally {
    await model.dispose();
  }
}

/** The timed product: float64 [PRODUCT_SIDE × PRODUCT_SIDE] by its transpose, the shape of a Gram. */
const PRODUCT_SIDE = 384;

/** Float64 multiply-adds per second of one big product on onnxruntime (the median of 3 after one untimed): what the
 * Grams, the similarity measures and the ridges run at. */
async function productRate(): Promise<number | undefined> {
  try {
    const n = PRODUCT_SIDE;
    const a = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i));
    await matmul(a, a, n, n, n, { transB: true });
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await matmul(a, a, n, n, n, { transB: true });
      times.push((performance.now() - started) / 1000);
    }
    return n ** 3 / Math.max(1e-6, median(times));
  } catch {
    return undefined;
  }
}

/** Samples of the check fit (checkFit): enough for its validation and test splits (a test split of at least 8); and
 * the most their features may take (else no check). */
const CHECK_SAMPLES = { count: 40, bytes: 256 * 2 ** 20 };

/**
 * How far the cost model is off for whole fits on this machine now: one real fit (one epoch, one seed) on random
 * features of the plan's narrowest big map (else its widest), timed against the model's seconds for the same fit.
 * The model counts the fits' work, but not how fast this machine's JS, memory and garbage collector run it under
 * today's load (faceres' 112×112×32 fits took 18–21 s where it said 10–17). Seconds, so planRun runs it only for
 * runs long enough to care. Undefined when it cannot run (the map is too big for its samples).
 */
export async function checkFit(input: CalibrationInput, rates: CostRates): Promise<number | undefined> {
  const specs = plannedSpecs(input);
  if (!specs.length) return undefined;
  const chosen = narrowSpec(specs) ?? widestSpec(specs);
  const [height, width] = chosen.map;
  const { channelsA, channelsB } = chosen.spec;
  const n = CHECK_SAMPLES.count;
  if (4 * n * height * width * (channelsA + channelsB) > CHECK_SAMPLES.bytes) return undefined;
  const settings = { ...input.settings, epochs: 1, seeds: 1 };
  const layer = (name: string, c: number): LayerInfo => ({
    name,
    kind: 'conv',
    shape: [-1, height, width, c],
    depth: 0,
    probePoint: true,
  });
  const key: PairKey = { layerA: 'check-a', layerB: 'check-b', direction: 'A->B' };
  const layers = { A: layer(key.layerA, channelsA), B: layer(key.layerB, channelsB) };
  const rng = createRng(input.settings.seed + 2);
  const random = (c: number) => Float32Array.from({ length: n * height * width * c }, () => rng() * 2 - 1);
  let predicted: number;
  const started = performance.now();
  try {
    predicted = plannedFit(fitWork(key, layers, n, settings, MEMORY_FOR_CHECK), rates).seconds - rates.fitSeconds;
    await disentangle(
      { shape: [n, height, width, channelsA], data: random(channelsA) },
      { shape: [n, height, width, channelsB], data: random(channelsB) },
      settings,
      {
        ...key,
        backend: input.backend,
        signal: input.signal,
        memoryBytes: MEMORY_FOR_CHECK,
      },
    );
  } catch {
    throwIfCancelled(input.signal);
    return undefined;
  }
  // the model's own arithmetic took microseconds of this
  const measured = (performance.now() - started) / 1000 - rates.fitSeconds;
  return Math.min(FIT_FACTOR.most, Math.max(FIT_FACTOR.least, measured / Math.max(1e-3, predicted)));
}

/** The check fit's batches: what a budgeted run's big fits get (fit-runner.ts, one lane). */
const MEMORY_FOR_CHECK = 512 * 2 ** 20;
/** The check fit's ratio is held within these: one timing on a busy machine is not a law. */
const FIT_FACTOR = { least: 0.5, most: 4 };

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
