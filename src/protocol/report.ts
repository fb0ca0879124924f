/**
 * The consistency report: the one JSON record that the engine writes, the CLI prints, the worker streams,
 * the webview draws and the inline reports read. Documented field by field in docs/report-schema.md.
 *
 * Contract: these names are read by other tools. Add fields freely; never rename or remove one without
 * bumping REPORT_SCHEMA_VERSION.
 *
 * Plain JSON only (no typed arrays, no class instances), so it crosses process and webview boundaries as is.
 */

export const REPORT_SCHEMA_VERSION = 1 as const;

/** "A->B": A's layer explains B's layer (x_B = g(x_A) + ε). Never symmetrised. */
export type Direction = 'A->B' | 'B->A';

/** One disentangler fit: a layer pair in one direction. */
export interface PairKey {
  layerA: string;
  layerB: string;
  direction: Direction;
}

export type Normalization = 'dataset' | 'per-sample';
export type PresetName = 'fast' | 'thorough';

/** What computed the numbers; every report names it. */
export interface BackendInfo {
  /** e.g. "onnxruntime-node", "tfjs-wasm", "tfjs-node". */
  name: string;
  version: string;
  /** "cpu", "cuda", … */
  device: string;
  threads: number;
  /** Free text: execution provider, SIMD, anything a user may need to reproduce timings. */
  detail?: string;
}

/** The disentangler's settings, exactly as they ran (after the preset was applied). */
export interface DisentangleSettings {
  /** K: the highest order; K + 1 convolution stages. Default 2 (orders 0, 1, 2). */
  orders: number;
  /** Gate penalty α in α·p². */
  alpha: number;
  normalize: Normalization;
  /** Convolution kernel size of the disentangler: 3 (default) or 1. */
  kernel: 1 | 3;
  preset: PresetName;
  /** Maximum epochs (early stopping may end sooner; see PairResult.training.epochs). */
  epochs: number;
  seed: number;
  /** Fraction of probe samples held out for evaluation. */
  testFraction: number;
  /** Number of independent fits (different initialisations and splits) averaged; spread in PairResult.spread. */
  seeds: number;
  batchSize: number;
  learningRate: { start: number; end: number };
  weightDecay: number;
  /** Closed-form ridge warm start of the order-0 path. */
  warmStart: boolean;
  /** Early-stopping patience in epochs on the validation loss (a part of the training split); 0 = run every epoch. */
  patience: number;
}

export interface ProbeInfo {
  /** "mnist", an image folder path, an .npy path, "synthetic", or "features" when features were given directly. */
  source: string;
  /** Samples used in total. */
  count: number;
  /** Samples in the training and held-out splits. */
  train: number;
  test: number;
  /** Of `train`, the samples held back as a validation set for early stopping (the weights are fitted on the rest);
   * 0 when the training split is too small to spare one. Per pair: `PairResult.training.samples`. */
  validation?: number;
  /** Human-readable preprocessing, e.g. "grayscale 28×28, scaled to [0,1]". */
  preprocessing?: string;
  /** Set when the probe is not real data (synthetic noise), shown as a warning everywhere. */
  warning?: string;
  /** How the probe was fed to each model's input (element type, pixel range, size) and why. Absent for features
   * given directly and in reports of kc before 1.x. */
  inputs?: ProbeInput[];
}

/** How probe images were fed to one model's input, with where each choice came from. */
export interface ProbeInput {
  /** 'A' or 'B' in a compare; the model's name in a family. */
  model: string;
  /** The input's element type: 'float32', or an integer type ('int32', 'uint8' …) that is fed whole numbers. */
  dtype: string;
  /** The range [lo, hi] image pixels were scaled to (before mean/std); absent for .npy probes, used as stored. */
  range?: number[];
  /** model: read from the model (its integer dtype, first ops or metadata: `rangeReason`); option: --input-range or the
   * setting knowledgeConsistency.inputRange; default: [0, 1], nothing in the model says otherwise. */
  rangeSource?: 'model' | 'option' | 'default';
  /** Why the range, e.g. "the first op divides the input by 255". */
  rangeReason?: string;
  /** Height and width fed, e.g. [224, 224]. */
  size: number[];
  /** model: the model fixes it; option: --input-size or the setting; default: the model takes any size, so kc chose
   * one (`sizeReason`). */
  sizeSource: 'model' | 'option' | 'default';
  sizeReason?: string;
  /** Text probes (`size` is [1, length]): the text file, the tokenizer its texts went through, the real tokens they
   * gave and how many texts were cut, and the length padded to: the model's (`model`), the longest text's up to the
   * tokenizer's limit (`longest`), or the shortest text's, every text cut to it (`shortest`, --tokens positions). */
  text?: {
    file: string;
    tokenizer: string;
    tokens: number;
    truncated: number;
    padding: 'model' | 'longest' | 'shortest';
  };
}

/** One layer of a model as the adapters list it. */
export interface LayerInfo {
  name: string;
  /** conv, dense, pool, activation, norm, add, concat, reshape, input, other … */
  kind: string;
  /** Output shape in NHWC (or [N, C] for dense), batch dimension as -1. */
  shape: number[];
  /** Position in depth: 0 = nearest the input, increasing toward the output. */
  depth: number;
  /** A sensible place to probe (after a non-linearity, block output): the default selection. */
  probePoint: boolean;
  /** The model's op type (e.g. "Conv", "Relu", "Conv2D"), for display. */
  op?: string;
}

export interface ModelRef {
  path: string;
  /** Display name, e.g. "mnist-cnn-seed1". */
  name: string;
  format: 'onnx' | 'tfjs-layers' | 'tfjs-graph' | 'torchscript' | 'torch-export' | 'torch-pickle';
  /** Content hash (sha256, hex) of the model's files, for caching and staleness. */
  sha256?: string;
  inputShape?: number[];
  /** Sequence models: the token inputs fed by name and the length the model fixes (≤ 0: any); their probe is texts. */
  sequence?: { inputs: string[]; length: number };
  layers?: LayerInfo[];
}

export interface OrderComponent {
  order: number;
  /** Var(x^(k)) on held-out data, raw units (sum over channels of per-channel variance). */
  variance: number;
  /** Var(x^(k)) / Var(x_B). */
  fraction: number;
}

/** Cheap, closed-form measures. They are SIMILARITY, not knowledge consistency; labelled as such in every view. */
export interface SimilarityMeasures {
  linearCKA: number;
  linearCKAUnbiased?: number;
  /** The linear CKA every view shows, labelled by its estimator: the unbiased one (HSIC₁) below 512 probes, where
   * the biased one reads high for unrelated layers, else the biased one; with its percentile bootstrap interval over
   * probe samples (up to 1024 probes) at `level`. */
  cka?: {
    estimator: 'biased' | 'unbiased';
    value: number;
    interval?: number[];
    level?: number;
    replicates?: number;
  };
  svcca?: number;
  pwcca?: number;
  /** Orthogonal Procrustes distance (0 = identical up to rotation). */
  procrustes?: number;
  /** Held-out explained fraction of an order-0 closed-form ridge map A→B (a lower bound for the disentangler). */
  ridgeExplained?: number;
}

export interface TrainingInfo {
  /** Epochs actually run. */
  epochs: number;
  seconds: number;
  finalLoss: number;
  /** Loss on the held-out test split with the parameters kept. */
  heldOutLoss?: number;
  /** Best validation loss: the one that selected the parameters kept (absent without a validation set). */
  validationLoss?: number;
  /** Epoch whose parameters were kept (0 = the starting point, e.g. the warm start). */
  bestEpoch?: number;
  /** False when no epoch beat the start on the validation set, so the kept parameters are the start (with a warm
   * start: the ridge map, gates shut): the headline is the linear map and orders ≥ 1 hold nothing learned. Absent
   * without a validation set. With several seeds: true when any seed's training improved on its start. */
  improvedOnStart?: boolean;
  /** Epochs undone because the validation loss jumped, each dividing the learning rate by 10. Absent when none. */
  backtracks?: number;
  /** Samples the weights were fitted on, used for early stopping, and held out for the report (fit + validation =
   * the training split). validation = 0: too few samples, no early stopping (see PairResult.warnings). */
  samples?: { fit: number; validation: number; test: number };
  /** Gate values p_i = σ(β_i), one per non-linear stage (K values). */
  gates: number[];
  earlyStopped?: boolean;
  warmStart?: boolean;
  /** Loss per epoch on the fit samples (train), the validation set (selects the epoch) and the test split (shown
   * only, never used to select). */
  curve: Array<{ epoch: number; train: number; test: number; validation?: number }>;
}

/** Drill-down maps, all on held-out data. */
export interface PairMaps {
  /** Explained fraction per channel of B (length C_B). */
  perChannel: number[];
  /** Explained fraction per spatial position of B, row-major H×W. */
  perPosition: { height: number; width: number; values: number[] };
  /** Mean ε energy per position for a few held-out probe samples, for overlays on the probe images. */
  samples?: Array<{
    index: number;
    inconsistentEnergy: number[];
    image?: { height: number; width: number; channels: number; values: number[] };
    /** Text probes compared by token position: the text's tokens at the map's positions ([CLS] first). */
    tokens?: string[];
  }>;
}

/** Standard deviation across seeds of the headline numbers (present when settings.seeds > 1). */
export interface PairSpread {
  seeds: number;
  explained: number;
  orders: number[];
  inconsistent: number;
  linearCKA?: number;
  /** Std of the final gate values p_i across seeds. */
  gates?: number[];
}

export interface PairResult {
  layerA: string;
  layerB: string;
  direction: Direction;
  /** Feature shapes as compared, NHWC without N. */
  shapeA?: number[];
  shapeB?: number[];
  /** How a spatial-size mismatch was resolved, e.g. "A resampled 14×14 → 7×7 (average pool)". */
  resampled?: string;
  /** 1 − Var(ε)/Var(x_B) on held-out data: the headline consistency. Mean over seeds. */
  explained: number;
  /** Percentile bootstrap interval [low, high] of `explained` over held-out probe samples (and seeds when several
   * ran), at level `interval.level`; the fitted disentangler is held fixed. */
  explainedInterval?: number[];
  /** How the pair's intervals were drawn. */
  interval?: PairInterval;
  orders: OrderComponent[];
  inconsistent: { variance: number; fraction: number };
  varianceB: number;
  similarity: SimilarityMeasures;
  training: TrainingInfo;
  maps?: PairMaps;
  spread?: PairSpread;
  /** Which positions the fit trained and was measured on (windows of large maps, or whole maps). */
  sampling?: PairSampling;
  /** Things a user should know about this pair's inputs (e.g. constant channels), also listed in Report.warnings. */
  warnings?: string[];
}

/** A bootstrap: its level (0.95) and replicates, and what was resampled. */
export interface PairInterval {
  level: number;
  replicates: number;
  resampled: 'held-out probes' | 'held-out probes and seeds';
}

/** How a fit sampled its maps, in words: e.g. train "one 24×24 window (+3 halo) per fit sample per epoch, …",
 * evaluate "14 of 25 24×24 tiles per test sample (56 % of positions, …)" or "every position". */
export interface PairSampling {
  train: string;
  evaluate: string;
  /** Set when the pair was fitted on a subset of the probe samples, e.g. "175 of 250 probe samples, evenly spread: all
   * of them would not fit the memory budget (…)". */
  probes?: string;
}

/** A layer pair and direction whose fit could not run on its data (e.g. a layer constant on the probes); the other
 * pairs of the report completed. */
export interface SkippedPair extends PairKey {
  /** The one-line error the fit gave. */
  reason: string;
}

/** How the layer pairs of a compare were chosen (src/engine/pairing.ts). */
export interface PairingInfo {
  /** explicit: --layers-a/--layers-b; same-name: same-named layers at the same place (same H×W, relative depth within
   * 0.25), the rest by depth; relative-depth: no such names, every pair by relative depth and spatial scale. */
  rule: 'explicit' | 'same-name' | 'relative-depth';
  pairs: PairedLayers[];
}

export interface PairedLayers {
  layerA: string;
  layerB: string;
  by: 'explicit' | 'name' | 'depth';
  /** Larger over smaller spatial size (√(H·W); 1 = the same); above 2 the pair is warned about. Absent when a size
   * is unknown. */
  scaleRatio?: number;
}

/** The all-pairs matrix of cheap measures (layers of A as rows, layers of B as columns, depth order). */
export interface SimilarityMatrix {
  layersA: string[];
  layersB: string[];
  /** Measure name ("linearCKA", "ridgeExplained", …) → row-major rows × cols values (null where not computed). */
  measures: Record<string, Array<number | null>>;
  /** Layers wider than `width` values a sample that were count-sketched to it for the CKA (features/sketch.ts): their
   * cells are estimates (within ≈ 0.04 of the exact CKA on a published model, mean 0.005). The disentangler's layers
   * are never sketched. */
  sketched?: { width: number; layersA: string[]; layersB: string[] };
}

export interface StageTimings {
  loadSeconds?: number;
  extractSeconds?: number;
  similaritySeconds?: number;
  disentangleSeconds?: number;
  totalSeconds?: number;
}

/** The cost model's estimate of a compare (src/engine/compare/cost.ts), made before the heavy work from the layers'
 * shapes and rates measured by a short warm-up on the machine that runs it. */
export interface CostEstimate {
  /** Probe samples the estimate is for. */
  probes: number;
  extractSeconds: number;
  similaritySeconds: number;
  disentangleSeconds: number;
  /** The three stages (loading the models is done when the estimate is made). */
  totalSeconds: number;
  /** Every planned fit, pair × direction, in plan order. */
  fits: PlannedFit[];
  /** How the rates were obtained, e.g. "measured: extraction 3.1 / 3.0 samples/s, training 14 GMAC/s". */
  calibration: string;
}

/** One planned fit in CostEstimate.fits. */
export interface PlannedFit extends PairKey {
  /** Estimated seconds of the fit run alone. */
  seconds: number;
  /** Whether it trains on windows of its maps (PairResult.sampling) or on whole maps. */
  windowed: boolean;
}

/** What a time budget (kc compare --budget, knowledgeConsistency.budget) made of the run. */
export interface BudgetChoice {
  /** The budget, in seconds. */
  seconds: number;
  /** The run as asked: its probe count, layer pairs (each in every asked direction) and estimate. */
  asked: { probes: number; pairs: number; totalSeconds: number };
  /** The run chosen to fit the budget. */
  chosen: { probes: number; pairs: number; totalSeconds: number };
  /** Layer pairs left out to fit the budget (every direction of each). */
  dropped: Array<{ layerA: string; layerB: string }>;
  /** How the chosen fits sample their maps, e.g. "2 of 4 pairs on 24×24 windows of their maps, the rest whole". */
  sampling: string;
  /** False when even the smallest run (the fewest probes, one pair) is estimated above the budget: it runs anyway. */
  fits: boolean;
  /** One line for people, e.g. "budget 3 min: 300 of 500 probes, 4 of 6 layer pairs, ≈ 2 min 50 s". */
  summary: string;
}

/** How a compare was planned before it ran: the estimate of what runs, and what a budget chose. */
export interface RunPlan {
  estimate: CostEstimate;
  /** Present when a budget was given. */
  budget?: BudgetChoice;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  createdAt: string;
  backend: BackendInfo;
  settings: DisentangleSettings;
  probe: ProbeInfo;
  /** Present when the features came from model files (kc compare); absent for kc disentangle on feature files. */
  models?: { a: ModelRef; b: ModelRef };
  /** How kc compare chose the layer pairs (also in the header, before the first fit). */
  pairing?: PairingInfo;
  pairs: PairResult[];
  /** Pairs not disentangled because their data could not be fitted; each is also in `warnings`. Absent when none. */
  skipped?: SkippedPair[];
  matrix?: SimilarityMatrix;
  timings?: StageTimings;
  /** The cost estimate made before the heavy work, and what a time budget chose. Absent in reports of kc before it. */
  plan?: RunPlan;
  warnings: string[];
}

/** What is known of a report before the first fit: where everything comes from and how it will be measured. */
export type ReportHeader = Omit<Report, 'pairs' | 'matrix' | 'timings' | 'warnings'>;
