/** What a compare job is asked to do: sent by the CLI and the extension host, read by the engine. */
import type { Progress } from './progress';
import type { PytorchOptions } from './torch-helper';
import type {
  BudgetChoice,
  CostEstimate,
  DisentangleSettings,
  PairKey,
  PairResult,
  ReportHeader,
  SimilarityMatrix,
} from './report';

/** Image-probe preprocessing: pixel range, then mean/std per channel (one value for all, or one per channel). */
export interface ProbeNormalization {
  range: [number, number];
  mean?: number[];
  std?: number[];
}

/** Training backend; 'auto' picks onnxruntime and falls back to TF.js. */
export type BackendPreference = 'auto' | 'onnxruntime' | 'tfjs';

export interface CompareOptions {
  modelA: string;
  modelB: string;
  probe: {
    /** 'mnist', 'synthetic', an image folder or an .npy file of inputs. */
    source: 'mnist' | 'synthetic' | string;
    count: number;
    /** Image probes: pixel range and mean/std (default: the range each model's input calls for, see ProbeInput;
     * else [0, 1]; no mean/std). A range given here (--input-range) applies to both models. */
    normalization?: Partial<ProbeNormalization>;
    /** Text probes: compare [N, T, C] token features per real token, mean-pooled over each text (default), or as
     * 1 × L maps of token positions (texts cut to the shortest one's L tokens). */
    tokens?: 'per-token' | 'mean' | 'positions';
    /** Height and width fed to a model that takes any input size (--input-size); default: see ProbeInput.size. */
    inputSize?: [number, number];
  };
  /** Explicit layers (pair in order when both are given); default: the models' probe points. */
  layersA?: string[];
  layersB?: string[];
  /** Fill the whole matrix with the order-0 ridge bound too (CKA is always filled). */
  allPairs?: boolean;
  direction?: 'a2b' | 'b2a' | 'both';
  settings?: Partial<DisentangleSettings>;
  backend?: BackendPreference;
  /** Where features are cached while the job runs (a temporary folder under it, removed at the end). */
  cacheDir?: string;
  /** Redis URL of a kc worker queue (kc compare --queue, knowledgeConsistency.queue.url): the fits run on its
   * workers, which read the features from cacheDir. */
  queue?: string;
  /** Memory the disentangler's batches may take, in MB, shared by the fits running at once (default 2048). */
  memoryBudgetMb?: number;
  /** How PyTorch models are opened (interpreter, pickle opt-in, input shape); ignored for other formats. */
  pytorch?: PytorchOptions;
  /** A time budget in seconds (kc compare --budget, knowledgeConsistency.budget): the probe count and the layer pairs
   * are chosen to fit it (Report.plan.budget says what was chosen). Absent: everything asked runs. */
  budgetSeconds?: number;
}

/** The answer to "what would this compare cost?" (estimateCompare, kc/estimate): the run as asked and, with a budget,
 * what would fit it. */
export interface CompareEstimate {
  asked: CostEstimate;
  budget?: BudgetChoice;
}

/** Sent once the models are loaded and paired, before any heavy work: the report's header and the fits to come. */
export interface CompareStarted {
  header: ReportHeader;
  /** Every disentangler fit of the job, in the order they run (progress's pair.index counts in this list, from 1). */
  plan: PairKey[];
}

/** What a running compare tells its caller, in the engine, over the worker protocol and in the host alike. */
export interface CompareListener {
  onStarted?(started: CompareStarted): void;
  onProgress?(progress: Progress): void;
  onPairResult?(pair: PairResult): void;
  onMatrix?(matrix: SimilarityMatrix): void;
}
