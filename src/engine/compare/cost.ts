/**
 * The cost model of a compare: multiply-adds and bytes per stage and per fit, from the layers' shapes and the fits'
 * own sampling (windows.ts, memory.ts, plan.ts: the same functions a fit calls), turned into seconds by rates
 * measured on this machine (calibrate.ts). No I/O here: `estimateCost` is a pure function of shapes and rates, so the
 * budget planner (budget.ts) can try many probe counts and pair sets in microseconds.
 */
import type { CostEstimate, DisentangleSettings, LayerInfo, PairKey, PlannedFit } from '../../protocol/report';
import { MAP_SAMPLES } from '../disentangler/evaluate';
import { probeSplitSizes } from '../disentangler/holdout';
import { batchLimits, OverBudgetError } from '../disentangler/memory';
import { samplingPlan } from '../disentangler/plan';
import { disentanglerSpec } from '../disentangler/spec';
import { geometry, tileCount } from '../disentangler/windows';
import { ridgeRowCap } from '../linalg/ridge';
import { ckaVectorBytes, similarityWork } from '../metrics/index';
import { WARM_START_MAX_FEATURES } from '../disentangler/fit';
import { MATRIX_MEMORY_BUDGET } from './matrix';
import { SKETCH_WIDTH } from '../features/sketch';
import { MIN_PAIR_SAMPLES, pairBytesPerSample, pairFits, samplesWithin } from './pair-memory';

/** What calibrate.ts measures (or the defaults when nothing could be measured). */
export interface CostRates {
  /** Seconds per probe sample through each model, all matrix layers out (features kept nowhere). */
  extractSecondsPerSample: { A: number; B: number };
  /** Multiply-adds per second of the disentangler's training graph on this machine (one fit, the backend's threads),
   * measured on the plan's widest fit. */
  trainMacsPerSecond: number;
  /** Training rates measured on the plan's narrowest fit on a big map and its widest, with their multiply-adds per
   * map position: a fit's rate lies on a log-linear line between them (narrow layers train at a fraction of the wide
   * ones' rate). Absent: trainMacsPerSecond for every fit. */
  trainRates?: { narrow: TrainRate; wide: TrainRate };
  /** Float64 multiply-adds per second of one big product on onnxruntime (calibrate.ts): the ridges', the similarity
   * measures' and the matrix's Grams. Absent: see productRate. */
  productMacsPerSecond?: number;
  /** Fixed cost of one training step or held-out chunk (session run, graph inputs). */
  stepSeconds: number;
  /** A fit's fixed cost besides its multiply-adds: sessions, splits, normalisation, evaluation, its interval. */
  fitSeconds: number;
  /** Measured whole-fit seconds over the model's for the same fit (calibrate.ts checkFit): every fit's work is
   * scaled by it. Absent: 1. */
  fitFactor?: number;
  /** How measured: "measured: …" or "defaults (…)", shown with the estimate. */
  source: string;
}

export interface TrainRate {
  perPosition: number;
  macsPerSecond: number;
}

/** Rough rates of this project's 2-core machines (performance notes), used only where nothing was measured. */
export const DEFAULT_RATES: CostRates = {
  extractSecondsPerSample: { A: 0.01, B: 0.01 },
  trainMacsPerSecond: 20e9,
  stepSeconds: 2e-3,
  fitSeconds: 2,
  source: 'defaults (not measured)',
};

/** Copying windows out of the features and normalising them runs in JS: seconds per float moved. */
const GATHER_SECONDS_PER_VALUE = 4e-9;
/** Gathering k×k patches for a ridge (patches.ts) runs in JS too, with more index arithmetic: seconds per value. */
const PATCH_SECONDS_PER_VALUE = 1e-8;
/** A fit's passes over its pair's whole features in JS besides the gathering — the NaN scan, the channel statistics,
 * the similarity measures' scaling, the evaluation's sums, and collecting it all — per feature value of the pair:
 * a 200 × 112×112×64 pair (321 M values) spent ≈ 8 s in them (CPU profile, idle machine). */
const SCAN_SECONDS_PER_VALUE = 2e-8;
/** Float64 products (the ridges' normal equations and solves, the similarity measures) run at about half the
 * float32 training rate (DGEMM vs SGEMM) where their own rate was not measured. */
const FLOAT64_SLOWDOWN = 2;

/** Multiply-adds per second of big products (`float64`: a fit's ridges and similarity measures; else the matrix's
 * Grams): measured, else the training rate (half of it in float64). A training step's rate is no measure of them: the
 * sample CNNs' small steps timed 3–5 GMAC/s and put their Grams at 6× what they took. */
export function productRate(rates: CostRates, float64 = true): number {
  return rates.productMacsPerSecond ?? rates.trainMacsPerSecond / (float64 ? FLOAT64_SLOWDOWN : 1);
}
/** Writing and reading back the feature store. */
const DISK_BYTES_PER_SECOND = 400e6;
/** The similarity matrix's per-layer and per-cell work besides its Grams (which run at the calibrated rate). */
const SIMILARITY_SECONDS_PER_LAYER = 0.05;
const SIMILARITY_SECONDS_PER_CELL = 1e-3;
/** Fits side by side on one-thread sessions vs one fit on all threads. The sample CNNs' small fits gained 1.5×
 * (105 s → 70 s on 2 cores: disentangler README, "Fits side by side"), but a published 224×224 model's big fits,
 * memory-bound, gained nothing (faceres with itself at 200 photo crops: 193 s for fits the calibrated rates put at
 * 2 × 92 s): the estimate counts no gain, so a budget is not overrun where it matters. */
const LANE_EFFICIENCY = 0.5;
/**
 * The fast preset's early stopping ends fits before their last epoch: on the sample pairs and the published models'
 * self-comparisons the fits ran 55–100 % of `epochs` (patience 3 of 12). The estimate counts this share of the
 * epochs: the progress ETA then follows what really runs.
 */
const EXPECTED_EPOCH_SHARE = 0.8;

/** One fit's work: what its seconds are made of. */
export interface FitWork {
  key: PairKey;
  /** Multiply-adds on onnxruntime: training steps, per-epoch losses, the components pass. */
  macs: number;
  /** Session runs (training steps + held-out chunks). */
  steps: number;
  /** Floats gathered into windows in JS. */
  values: number;
  /** Float64 multiply-adds on onnxruntime: the ridge warm start's normal equations (rows up to its row cap, so they
   * grow with H×W until then) and solve, and the pair's similarity measures (metrics similarityWork). */
  float64Macs: number;
  /** Patch values the ridges gather in JS. */
  patchValues: number;
  /** Feature values of the pair (both layers, every probe), scanned whole a few times in JS. */
  pairValues: number;
  /** Training multiply-adds per map position (k²·C_A·(K·C_A + C_B)): which training rate applies. */
  perPosition: number;
  windowed: boolean;
  /** Set when the fit does not fit its memory share (it runs alone, or is skipped). */
  overBudget?: boolean;
}

export interface CompareShape {
  layersA: LayerInfo[];
  layersB: LayerInfo[];
  /** The similarity matrix's layers (rows A, columns B). */
  matrixA: string[];
  matrixB: string[];
  /** Matrix layers kept as count sketches of SKETCH_WIDTH values a sample. */
  sketched?: { A: ReadonlySet<string>; B: ReadonlySet<string> };
  /** A model compared with itself: one extraction, one Gram per layer. */
  sameModel?: boolean;
  /** Every planned fit, pair × direction. */
  plan: PairKey[];
  settings: DisentangleSettings;
  /** Bytes of the disentangler's batches, shared by the fits at once. */
  memoryBytes: number;
  /** Fits at once. */
  lanes: number;
  /** What a pair's features may hold while it is fitted (fit-runner.ts fitsShare), as this process stands now: a
   * bigger pair is fitted on fewer samples. Absent: no limit. */
  pairCapBytes?: number;
  allPairs?: boolean;
}

const size = (shape: number[]) => shape.slice(1).reduce((a, d) => a * Math.max(1, d), 1);
/** [H, W, C] of a layer (dense: 1×1×C). */
function hwc(layer: LayerInfo | undefined): [number, number, number] {
  const s = layer?.shape ?? [-1, 1];
  return s.length >= 4 ? [Math.max(1, s[1]), Math.max(1, s[2]), Math.max(1, s[3])] : [1, 1, Math.max(1, size(s))];
}

/** Bytes of these layers' features at `probes` samples (float32). */
export function featureBytes(
  layers: Array<LayerInfo | undefined>,
  probes: number,
  sketched: ReadonlySet<string> = new Set(),
): number {
  return layers.reduce((s, l) => {
    const values = size(l?.shape ?? [-1, 1]);
    return s + 4 * probes * (l && sketched.has(l.name) ? Math.min(values, SKETCH_WIDTH) : values);
  }, 0);
}

/** Seconds to run `probes` samples through a model and write `bytes` of its features to the store. */
export function extractionSeconds(probes: number, secondsPerSample: number, bytes: number): number {
  return probes * secondsPerSample + bytes / DISK_BYTES_PER_SECOND;
}

/** The work of one fit (seeds included) at `probes` samples, from the same geometry, limits and plan the fit uses. */
export function fitWork(
  key: PairKey,
  layers: { A: LayerInfo | undefined; B: LayerInfo | undefined },
  probes: number,
  settings: DisentangleSettings,
  memoryBytes: number,
): FitWork {
  const [explaining, explained] = key.direction === 'A->B' ? [layers.A, layers.B] : [layers.B, layers.A];
  const [height, width, channelsB] = hwc(explained);
  const channelsA = hwc(explaining)[2];
  const g = geometry(height, width, {
    orders: settings.orders,
    kernel: settings.kernel,
    perSampleScale: settings.normalize === 'per-sample',
  });
  const spec = disentanglerSpec(settings, { a: channelsA, b: channelsB }, g);
  let overBudget = false;
  let limits;
  try {
    limits = batchLimits(spec, settings.batchSize, memoryBytes, key.layerB);
  } catch (error) {
    if (!(error instanceof OverBudgetError)) throw error;
    overBudget = true;
    limits = { train: 1, evaluate: 1 };
  }
  const split = probeSplitSizes(probes, settings.testFraction, settings.seed);
  const sizes = { fit: split.train - split.validation, validation: split.validation, test: split.test };
  const ridgeKernel = spec.kernel === 3 && channelsA * 9 > WARM_START_MAX_FEATURES ? 1 : spec.kernel;
  const positions = g.rows.span * g.cols.span;
  const windowBytes = 4 * positions * (channelsA + channelsB);
  const plan = samplingPlan(
    g,
    sizes,
    {
      batch: limits.train,
      ridgeRows: ridgeRowCap(channelsA * ridgeKernel ** 2),
      ridgeTilesByMemory: Math.max(1, Math.floor(memoryBytes / 2 / (windowBytes * Math.max(1, sizes.fit)))),
    },
    spec,
  );
  const perWindow = positions * spec.kernel ** 2 * channelsA * (settings.orders * channelsA + channelsB);
  const tiles = tileCount(g);
  const mapSamples = Math.min(MAP_SAMPLES, sizes.test);
  const testWindows = mapSamples * tiles + (sizes.test - mapSamples) * Math.min(tiles, plan.testTiles);
  const heldPerEpoch = (sizes.validation + sizes.test) * plan.epochTiles;
  const epochs = Math.max(1, Math.round(settings.epochs * EXPECTED_EPOCH_SHARE));
  // A training step is forward + two backward products (≈ 3 forwards); a held-out loss one forward; the components
  // pass ≈ 3 forwards.
  const macs = epochs * (3 * sizes.fit + heldPerEpoch) * perWindow + 3 * testWindows * perWindow;
  const steps =
    epochs * (Math.ceil(sizes.fit / limits.train) + Math.ceil(heldPerEpoch / limits.evaluate)) +
    Math.ceil(testWindows / limits.evaluate);
  const values = (epochs * (sizes.fit + heldPerEpoch) + testWindows) * positions * (channelsA + channelsB);
  const d = channelsA * ridgeKernel ** 2;
  const ridgeRows = Math.min(ridgeRowCap(d), plan.ridgeTiles * sizes.fit * g.rows.side * g.cols.side);
  // normal equations and a solve (a λ search on few rows adds little: warm-start.ts)
  const ridge = settings.warmStart ? ridgeRows * d * (d + channelsB) + d ** 3 / 3 + 2 * d * d * channelsB : 0;
  const seeds = settings.seeds;
  // once a fit, whatever the seeds (disentangler index.ts)
  const similarity = similarityWork([probes, height, width, channelsA], [probes, height, width, channelsB], settings);
  return {
    key,
    macs: seeds * macs,
    float64Macs: seeds * ridge + similarity.macs,
    patchValues: (settings.warmStart ? seeds * ridgeRows * d : 0) + similarity.values,
    pairValues: probes * height * width * (channelsA + channelsB),
    perPosition: spec.kernel ** 2 * channelsA * (settings.orders * channelsA + channelsB),
    steps: seeds * steps,
    values: seeds * values,
    windowed: g.windowed,
    ...(overBudget ? { overBudget } : {}),
  };
}

/** Seconds of one fit's work at the calibrated rates (one fit with the backend's threads to itself). */
function fitSeconds(work: FitWork, rates: CostRates): number {
  return rates.fitSeconds + (rates.fitFactor ?? 1) * fitWorkSeconds(work, rates);
}

/** The seconds of a fit's work at the model's rates, before the check fit's correction. */
function fitWorkSeconds(work: FitWork, rates: CostRates): number {
  return (
    work.macs / trainingRate(rates, work.perPosition) +
    work.float64Macs / productRate(rates) +
    work.steps * rates.stepSeconds +
    work.values * GATHER_SECONDS_PER_VALUE +
    work.patchValues * PATCH_SECONDS_PER_VALUE +
    work.pairValues * SCAN_SECONDS_PER_VALUE
  );
}

/** The training rate of a disentangler of `perPosition` multiply-adds a position: between the narrow and the wide
 * fit's measured rates, log-linear in the work, the ends held beyond them. */
export function trainingRate(rates: CostRates, perPosition: number): number {
  const measured = rates.trainRates;
  if (!measured) return rates.trainMacsPerSecond;
  const { narrow, wide } = measured;
  if (perPosition <= narrow.perPosition) return narrow.macsPerSecond;
  if (perPosition >= wide.perPosition) return wide.macsPerSecond;
  const t = Math.log(perPosition / narrow.perPosition) / Math.log(wide.perPosition / narrow.perPosition);
  return Math.exp((1 - t) * Math.log(narrow.macsPerSecond) + t * Math.log(wide.macsPerSecond));
}

/** Wall seconds of fits run `lanes` at a time, each on its share of the cores. */
function disentangleSeconds(fits: number[], lanes: number): number {
  if (!fits.length) return 0;
  const total = fits.reduce((a, s) => a + s, 0);
  const speedup = lanes > 1 ? lanes * LANE_EFFICIENCY : 1;
  // The last fit may run alone: the stage is at least the longest fit.
  return Math.max(total / speedup, Math.max(...fits));
}

/** One fit's line in the estimate. */
export function plannedFit(work: FitWork, rates: CostRates): PlannedFit {
  return { ...work.key, seconds: fitSeconds(work, rates), windowed: work.windowed };
}

/** The estimate from its stages: extraction, the similarity matrix, then the fits run `lanes` at a time. */
export function stagedEstimate(
  stages: Pick<CostEstimate, 'probes' | 'extractSeconds' | 'similaritySeconds' | 'fits'>,
  lanes: number,
  rates: CostRates,
): CostEstimate {
  const { probes, extractSeconds, similaritySeconds, fits } = stages;
  const disentangle = disentangleSeconds(
    fits.map((f) => f.seconds),
    lanes,
  );
  return {
    probes,
    extractSeconds,
    similaritySeconds,
    disentangleSeconds: disentangle,
    totalSeconds: extractSeconds + similaritySeconds + disentangle,
    fits,
    calibration: rates.source,
  };
}

/** The samples a fit runs on: `probes`, or fewer when its pair's features would exceed `pairCapBytes` (fits.ts). */
function fitSamples(
  shape: CompareShape,
  key: PairKey,
  layers: { A: LayerInfo | undefined; B: LayerInfo | undefined },
  probes: number,
): number {
  if (shape.pairCapBytes === undefined || !layers.A || !layers.B) return probes;
  const sample = (l: LayerInfo) => l.shape.slice(1).map((d) => Math.max(1, d));
  const perSample = pairBytesPerSample(
    sample(layers.A),
    sample(layers.B),
    Boolean(shape.sameModel) && key.layerA === key.layerB,
    pairFits(shape.plan, key).map((k) => k.direction),
  );
  // below the fewest a fit takes the pair is skipped; estimated at that floor (a bound)
  return Math.min(probes, Math.max(MIN_PAIR_SAMPLES, samplesWithin(probes, perSample, shape.pairCapBytes)));
}

/** The whole compare at `probes` samples, per stage and per fit. */
export function estimateCost(shape: CompareShape, probes: number, rates: CostRates): CostEstimate {
  const byName = (layers: LayerInfo[]) => new Map(layers.map((l) => [l.name, l]));
  const a = byName(shape.layersA);
  const b = byName(shape.layersB);
  const bytesA = featureBytes(
    shape.matrixA.map((n) => a.get(n)),
    probes,
    shape.sketched?.A,
  );
  // a model compared with itself: B's layers are A's, extracted and reduced once
  const bytesB = shape.sameModel
    ? 0
    : featureBytes(
        shape.matrixB.map((n) => b.get(n)),
        probes,
        shape.sketched?.B,
      );
  const extractSeconds =
    extractionSeconds(probes, rates.extractSecondsPerSample.A, bytesA) +
    (shape.sameModel ? 0 : extractionSeconds(probes, rates.extractSecondsPerSample.B, bytesB));
  // CKA (compare/matrix.ts): streamed when every layer's Gram vectors fit the matrix's memory — each layer read once,
  // its n×n Gram (n²·D multiply-adds) computed once; then n² per cell. Otherwise (or with the ridge of --all-pairs)
  // A's layers go in blocks of half that memory, and for each block of A every layer of B is read and its Gram
  // computed again (a 224×224 MobileNet at 500 probes: ≈ 10 GB of features a side, about 20 blocks).
  const streamed =
    !shape.allPairs &&
    2 * (shape.matrixA.length + shape.matrixB.length) * ckaVectorBytes(probes) <= MATRIX_MEMORY_BUDGET;
  const blocksA = streamed ? 1 : Math.max(1, Math.ceil(bytesA / (MATRIX_MEMORY_BUDGET / 2)));
  const valuesA = bytesA / 4;
  const valuesB = bytesB / 4;
  const cells = shape.matrixA.length * shape.matrixB.length;
  let similarityMacs = probes * probes * (valuesA / probes + (blocksA * valuesB) / probes) + cells * probes * probes;
  if (shape.allPairs) {
    // One closed-form ridge per cell and direction on the explained layer's positions (1×1-sized unknowns: a bound).
    const dirs = new Set(shape.plan.map((p) => p.direction)).size;
    similarityMacs += dirs * cells * 2 * probes * Math.max(1, (valuesA + valuesB) / probes / cells);
  }
  const layers = shape.matrixA.length + shape.matrixB.length;
  const similaritySeconds =
    similarityMacs / productRate(rates, false) +
    (bytesA + blocksA * bytesB) / DISK_BYTES_PER_SECOND +
    layers * SIMILARITY_SECONDS_PER_LAYER +
    cells * SIMILARITY_SECONDS_PER_CELL;
  const fits = shape.plan.map((key) => {
    const layers = { A: a.get(key.layerA), B: b.get(key.layerB) };
    const samples = fitSamples(shape, key, layers, probes);
    return plannedFit(
      fitWork(key, layers, samples, shape.settings, shape.memoryBytes / Math.max(1, shape.lanes)),
      rates,
    );
  });
  return stagedEstimate({ probes, extractSeconds, similaritySeconds, fits }, shape.lanes, rates);
}
