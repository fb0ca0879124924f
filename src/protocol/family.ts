/**
 * Reports of many models at once (docs/family-schema.md): a **family** (N models, every ordered pair of them, per
 * shared layer) and **checkpoint drift** (the checkpoints of one training run against the final or the previous one).
 * Both are lists of independent disentangler fits of one layer of one model explaining the same layer of another.
 *
 * Contract: the names below are read by other tools. Add fields freely; never rename or remove one without bumping
 * FAMILY_SCHEMA_VERSION. Plain JSON only (null where a number is missing: JSON has no NaN).
 */
import type { CompareOptions } from './compare';
import type { BackendInfo, DisentangleSettings, ModelRef, ProbeInfo, RunPlan } from './report';
import type { PytorchOptions } from './torch-helper';

export const FAMILY_SCHEMA_VERSION = 1 as const;

/** One fit: model `source`'s layer explains model `target`'s same-named layer (indices into the report's models or
 * checkpoints). `key` is stable across runs of the same inputs and safe as a job-queue id. */
export interface FitKey {
  key: string;
  layer: string;
  source: number;
  target: number;
}

export interface FitResult extends FitKey {
  /** Held-out 1 − Var(ε)/Var(x_target): the headline consistency, as in Report.pairs[].explained. */
  explained: number;
  /** Fraction of Var(x_target) per order 0…K. */
  orders: number[];
  /** Linear CKA of the two layers on all probes: similarity, not consistency (context only). */
  linearCKA: number;
  epochs: number;
  seconds: number;
}

/** A fit that could not run on its data (a layer constant on the probes, NaN, too few samples). */
export interface SkippedFit extends FitKey {
  reason: string;
}

/** Mean of a layer's off-diagonal entries with a 95 % interval: mean ± t(0.975, n − 1)·sd/√n. */
export interface Reliability {
  mean: number | null;
  /** Sample standard deviation of the entries (n − 1). */
  sd: number | null;
  /** Finite off-diagonal entries (fits that ran): N(N − 1) when none was skipped. */
  n: number;
  /** null when n < 2. */
  low: number | null;
  high: number | null;
  /** The least consistent ordered pair of the layer. */
  worst: { source: number; target: number; explained: number } | null;
}

export interface ManyModelTimings {
  loadSeconds: number;
  /** Every model's features, once. */
  extractSeconds: number;
  fitSeconds: number;
  totalSeconds: number;
}

/** What a family report and a drift report share. */
export interface ManyModelReport {
  schemaVersion: typeof FAMILY_SCHEMA_VERSION;
  tool: { name: string; version: string };
  createdAt: string;
  backend: BackendInfo;
  settings: DisentangleSettings;
  probe: ProbeInfo;
  /** The compared layers: probe points present (same name) in every model, or --layers; depth order. */
  layers: string[];
  /** Every fit that ran (or was reused from an earlier run: options.reuse), in plan order. */
  fits: FitResult[];
  /** How many fits the job planned: fits + skipped when it ran to the end, more in a cancelled run's partial report. */
  planned?: number;
  skipped?: SkippedFit[];
  timings: ManyModelTimings;
  /** The estimate made before the heavy work, of the fits not reused (each fit a same-named layer pair A → B, with
   * its `source` and `target`), and what a time budget chose (its `dropped` pairs are the layers left out). Absent when
   * every fit was reused, and in reports of kc before it. */
  plan?: RunPlan;
  warnings: string[];
}

export interface FamilyReport extends ManyModelReport {
  kind: 'family';
  /** Without their layer tables (the compared layers are `layers`). */
  models: ModelRef[];
  /** matrix[layer][i][j]: explained when model i explains model j. The diagonal is null: a model is not fitted
   * against itself (list a model twice to see the ceiling the probes and settings allow). null also for a skipped fit. */
  matrix: Array<Array<Array<number | null>>>;
  /** modelMeans[layer][i]: mean of row i and column i (model i explaining the others and explained by them). */
  modelMeans: Array<Array<number | null>>;
  /** reliability[layer]: the family's mean off-diagonal consistency with its interval and worst pair. */
  reliability: Reliability[];
}

export type DriftAgainst = 'final' | 'previous';

export interface Checkpoint extends ModelRef {
  /** The number in the name that ordered it (absent when the run was ordered by modification time). */
  step?: number;
  /** Modification time of the model file, ISO 8601. */
  modified: string;
}

export interface DriftReport extends ManyModelReport {
  kind: 'drift';
  folder: string;
  against: DriftAgainst;
  /** 'number': by the last number in each checkpoint's name; 'modified': by modification time (some name had none,
   * or two shared one). */
  orderedBy: 'number' | 'modified';
  checkpoints: Checkpoint[];
  /** series[layer][k]: explained when checkpoint k explains its reference (the final checkpoint, or checkpoint k − 1).
   * Against 'final', the last entry is the final checkpoint fitted against itself: the ceiling the probes and settings
   * allow, measured. Against 'previous', the first entry is null. */
  series: Array<Array<number | null>>;
}

/** What a family or drift job is asked to do: the compare job's probe, settings and backend. */
/** With `budgetSeconds` (kc family / kc drift --budget), fewer probes first, then fewer layers spread over depth. */
export type ManyModelOptions = Pick<CompareOptions, 'probe' | 'settings' | 'backend' | 'cacheDir' | 'budgetSeconds'> & {
  /** Same-named layers to compare in every model; default: the probe points all models share. */
  layers?: string[];
  /** Redis URL of a kc worker queue: the fits run on its workers, which read the features from cacheDir. */
  queue?: string;
  /** How PyTorch models are opened (interpreter, pickle opt-in, input shape); ignored for other formats. */
  pytorch?: PytorchOptions;
  /** Fits finished by an earlier run with the same probe, settings and backend: not fitted again, and a model whose
   * every fit is here is not extracted (the extension's drift tracking re-runs a growing folder this way). */
  reuse?: ReusedFit[];
};

/** A finished fit named by content: the sha256 of the two models (ModelRef.sha256) and the layer. */
export interface ReusedFit {
  source: string;
  target: string;
  layer: string;
  result: Omit<FitResult, keyof FitKey>;
}

export interface FamilyOptions extends ManyModelOptions {
  models: string[];
}

export interface DriftOptions extends ManyModelOptions {
  folder: string;
  against?: DriftAgainst;
}
