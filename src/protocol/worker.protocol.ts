/**
 * The host ↔ engine-worker protocol (JSON-RPC over the child's IPC channel). One source of truth: the extension's
 * worker client and src/worker/main.ts both import these types, so a change breaks both sides at compile time.
 *
 * Requests go host → worker; notifications go worker → host and carry the `jobId` of the compare they belong to.
 * Cancellation uses the library's own `$/cancelRequest` (a CancellationToken on sendRequest).
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { CompareEstimate, CompareOptions, CompareStarted } from './compare';
import type { DriftOptions, DriftReport, FamilyOptions, FamilyReport } from './family';
import type { KcErrorCode } from './errors';
import type { Progress } from './progress';
import type { BackendInfo, LayerInfo, ModelRef, PairResult, Report, SimilarityMatrix } from './report';
import type { PytorchOptions } from './torch-helper';
import type { RefineOptions, RefineReport } from './refine';

/** JSON-RPC error codes the worker answers with, so the host can tell a user error from a crash. */
export const WorkerErrorCodes = {
  /** A KcError: bad input the user can act on; `data.code` holds the KcErrorCode. */
  userError: 1,
  /** The request was cancelled (same value as LSP's RequestCancelled). */
  cancelled: -32800,
} as const;

/** The `data` of a userError response. */
export interface UserErrorData {
  code: KcErrorCode;
}

export interface EngineInfo {
  version: string;
  backend: BackendInfo;
  /** process.version of the worker. */
  node: string;
  pid: number;
}

/** host → worker: what the engine is and what computes (also a liveness check). */
export namespace EngineInfoRequest {
  export const method = 'kc/engineInfo' as const;
  export const type = new RequestType0<EngineInfo, void>(method);
}

export interface ListLayersParams {
  path: string;
  /** How a PyTorch model is opened; ignored for other formats. */
  pytorch?: PytorchOptions;
}
export interface ListLayersResult {
  model: ModelRef;
  layers: LayerInfo[];
}

/** host → worker: the layers of one model file (parses the model; runs nothing). */
export namespace ListLayersRequest {
  export const method = 'kc/listLayers' as const;
  export const type = new RequestType<ListLayersParams, ListLayersResult, void>(method);
}

/** A long job's request: what to run, and the id that its streamed notifications carry. */
export interface JobParams<O> {
  jobId: string;
  options: O;
}

/** A long job's request: its method and the typed request that carries JobParams<O> and answers R. */
export interface JobRequest<O, R> {
  method: string;
  type: RequestType<JobParams<O>, R, void>;
}

/** The request of a long job (compare, family, drift, refine): one shape for all of them, as the host runs them. */
const jobRequest = <O, R>(method: string): JobRequest<O, R> => ({ method, type: new RequestType(method) });

export type CompareParams = JobParams<CompareOptions>;

/** host → worker: one full comparison; streams kc/started, kc/progress, kc/pairResult and kc/matrix while it runs. */
export const CompareRequest = jobRequest<CompareOptions, Report>('kc/compare');

/** host → worker: what a compare would cost (loads and pairs the models, times a short warm-up; seconds), and with
 * options.budgetSeconds what would fit the budget. Nothing heavy runs. */
export namespace EstimateRequest {
  export const method = 'kc/estimate' as const;
  export const type = new RequestType<{ options: CompareOptions }, CompareEstimate, void>(method);
}

/** What kc/estimateMany estimates: a family or a drift run. */
export type EstimateManyParams = { family: FamilyOptions } | { drift: DriftOptions };

/** host → worker: what a family or drift run would cost (opens the members, times a short warm-up; seconds), and
 * with options.budgetSeconds what would fit the budget. Nothing heavy runs. */
export namespace EstimateManyRequest {
  export const method = 'kc/estimateMany' as const;
  export const type = new RequestType<EstimateManyParams, CompareEstimate, void>(method);
}

/** worker → host: the compare's models are loaded and paired; the report header and the plan of fits. */
export namespace StartedNotification {
  export const method = 'kc/started' as const;
  export const type = new NotificationType<{ jobId: string } & CompareStarted>(method);
}

/** worker → host: progress of a running compare. */
export namespace ProgressNotification {
  export const method = 'kc/progress' as const;
  export const type = new NotificationType<{ jobId: string; progress: Progress }>(method);
}

/** worker → host: one layer pair finished (results stream in before the report is complete). */
export namespace PairResultNotification {
  export const method = 'kc/pairResult' as const;
  export const type = new NotificationType<{ jobId: string; pair: PairResult }>(method);
}

/** worker → host: the all-pairs similarity matrix is ready. */
export namespace MatrixNotification {
  export const method = 'kc/matrix' as const;
  export const type = new NotificationType<{ jobId: string; matrix: SimilarityMatrix }>(method);
}

export type FamilyParams = JobParams<FamilyOptions>;

/** host → worker: a family (kc family); streams kc/progress and kc/manyModelUpdate while it runs. */
export const FamilyRequest = jobRequest<FamilyOptions, FamilyReport>('kc/family');

export type DriftParams = JobParams<DriftOptions>;

/** host → worker: the checkpoints of a folder (kc drift); streams kc/progress and kc/manyModelUpdate. */
export const DriftRequest = jobRequest<DriftOptions, DriftReport>('kc/drift');

/** worker → host: a family or drift report as it grows (after the extraction, then after each fit). */
export namespace ManyModelUpdateNotification {
  export const method = 'kc/manyModelUpdate' as const;
  export const type = new NotificationType<{ jobId: string; report: FamilyReport | DriftReport }>(method);
}

export type RefineParams = JobParams<RefineOptions>;

/** host → worker: kc refine (B's upper part fed with A's consistent knowledge, fine-tuned, against the baseline);
 * streams kc/progress (one step per stage) while it runs. */
export const RefineRequest = jobRequest<RefineOptions, RefineReport>('kc/refine');

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** worker → host: a log line for the "Knowledge Consistency" channel (the worker never writes to stdout). */
export namespace LogNotification {
  export const method = 'kc/log' as const;
  export const type = new NotificationType<{ level: LogLevel; message: string }>(method);
}
