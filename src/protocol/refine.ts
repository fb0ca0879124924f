/**
 * `kc refine`: B′ = A's lower part → g (the disentangler's consistent output, ε dropped) → B's upper part,
 * fine-tuned on labelled probes, against B and against B's upper part fine-tuned alone (the baseline). Field names
 * are a contract (issue 18).
 */
import type { BackendPreference } from './compare';
import type { BackendInfo, DisentangleSettings } from './report';

export const REFINE_SCHEMA_VERSION = 1;

/** What a refinement is asked to do (kc refine's flags; the worker's kc/refine request). */
export interface RefineOptions {
  modelA: string;
  modelB: string;
  /** B's layer whose values B's upper part reads (replaced by g(x_A)). */
  layerB: string;
  /** A's explaining layer; default the same name as layerB. */
  layerA?: string;
  /** "mnist" or a folder with one sub-folder per class. */
  labels: string;
  count: number;
  /** Where B′ (the first seed's) is written. */
  out?: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seeds: number;
  seed: number;
  testFraction: number;
  disentangler?: Partial<DisentangleSettings>;
  backend?: BackendPreference;
}

/** kc refine's defaults, shared by the CLI and the extension command. */
export const REFINE_DEFAULTS = {
  count: 2000,
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-3,
  seeds: 3,
  seed: 0,
  testFraction: 0.5,
} as const;

export interface RefineSettings {
  /** Fine-tuning epochs, the same for B′ and the baseline. */
  epochs: number;
  batchSize: number;
  /** Adam's learning rate (constant). */
  learningRate: number;
  /** Labelled probes used (before the split). */
  count: number;
  /** Fraction of the labelled probes held out for accuracy (per seed). */
  testFraction: number;
  /** First seed; seed r is seed + r (split, disentangler, batch order). */
  seed: number;
  seeds: number;
  /** The disentangler's settings (its own held-out split is carved out of the refinement's training split). */
  disentangler: DisentangleSettings;
}

/** Held-out accuracy over seeds: mean and a 95 % Student-t interval of the mean (equal to the mean with one seed). */
export interface AccuracySummary {
  mean: number;
  low: number;
  high: number;
  perSeed: number[];
}

export interface RefineModels<T> {
  /** A as it is (the network whose knowledge is borrowed). */
  A: T;
  /** B as it is. */
  B: T;
  /** B′ before fine-tuning: B's upper part on g(x_A). */
  refinedUntuned: T;
  /** B′ after fine-tuning its upper part. */
  refined: T;
  /** B with its upper part fine-tuned alone: same epochs, same training split, same batch order. */
  baseline: T;
}

export interface RefineSeed {
  seed: number;
  /** Labelled probes in the refinement's training split (g's fit and both fine-tunings) and held out. */
  split: { train: number; test: number };
  accuracy: RefineModels<number>;
  /** Mean cross-entropy on the training split before and after fine-tuning. */
  loss: { refined: { before: number; after: number }; baseline: { before: number; after: number } };
  /** g's held-out explained fraction of B's layer (the disentangler's own test split inside the training split). */
  explained: number;
  seconds: number;
}

export interface RefineReport {
  schemaVersion: number;
  tool: string;
  version: string;
  createdAt: string;
  modelA: { path: string; name: string };
  modelB: { path: string; name: string };
  /** A's explaining layer (--from) and B's layer whose input is replaced (--layer). */
  layerA: string;
  layerB: string;
  labels: { source: string; description: string; classes: string[] };
  settings: RefineSettings;
  backend: BackendInfo;
  accuracy: RefineModels<AccuracySummary>;
  /** Per-seed differences: B′ − B, and B′ − baseline (the part of the gain the consistent knowledge brings). */
  gain: { overB: AccuracySummary; overBaseline: AccuracySummary };
  seeds: RefineSeed[];
  /** The written B′ (the first seed's), reloaded in a fresh onnxruntime session and scored on that seed's split. */
  out?: { path: string; seed: number; verified: { runtime: string; accuracy: number } };
  notes: string[];
  warnings: string[];
  seconds: number;
}
