/**
 * The host's handle on the engine worker (after microsoft/vscode-python-environments' nativePythonFinder): typed
 * requests with timeouts, a hang watchdog for long jobs, cancellation that escalates to killing the process, and a
 * fresh process for the next request after a crash. No vscode import: the UI passes its tokens in.
 */
import { CancellationTokenSource, ErrorCodes, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { CancelledError } from '../../engine/cancel';
import type { CompareEstimate, CompareListener, CompareOptions } from '../../protocol/compare';
import type { DriftOptions, DriftReport, FamilyOptions, FamilyReport } from '../../protocol/family';
import type { Progress } from '../../protocol/progress';
import type { LayerInfo, Report } from '../../protocol/report';
import type { PytorchOptions } from '../../protocol/torch-helper';
import type { RefineOptions, RefineReport } from '../../protocol/refine';
import {
  CompareRequest,
  DriftRequest,
  EngineInfoRequest,
  EstimateManyRequest,
  EstimateRequest,
  FamilyRequest,
  ListLayersRequest,
  RefineRequest,
  WorkerErrorCodes,
  type EngineInfo,
  type EstimateManyParams,
  type JobRequest,
  type ListLayersResult,
  type UserErrorData,
} from '../../protocol/worker.protocol';
import { EngineUserError, WorkerCrashedError, WorkerTimeoutError } from './errors';
import { WorkerProcess, type JobEvent, type WorkerExit, type WorkerLogger } from './process';

export const DEFAULT_TIMEOUTS = {
  /** Startup includes loading onnxruntime and TF.js in the worker. */
  engineInfoMs: 30_000,
  listLayersMs: 60_000,
  /** A compare may run for many minutes; it is hung when it reports no progress for this long. */
  compareSilenceMs: 180_000,
  /** After Cancel, how long the worker may take to stop by itself before it is killed. */
  cancelGraceMs: 3_000,
};
export type WorkerTimeouts = typeof DEFAULT_TIMEOUTS;

/** The subset of vscode.CancellationToken we need (vscode's token satisfies it). */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

export interface JobHooks extends CompareListener {
  token?: CancelToken;
}

/** A family or drift job's stream: progress and the report as it grows. */
export interface ManyModelJobHooks<R> {
  token?: CancelToken;
  onProgress?(progress: Progress): void;
  onUpdate?(report: R): void;
}

export interface WorkerClientOptions {
  workerPath: string;
  log: WorkerLogger;
  /** Read at each start, so a changed setting applies to the next worker. */
  memoryLimitMb(): number;
  env?(): Record<string, string>;
  timeouts?: Partial<WorkerTimeouts>;
  /** How PyTorch files among these are opened (may ask the user, before the request's timeout starts). */
  pytorchOptions?(paths: string[]): Promise<PytorchOptions | undefined>;
}

interface CallOptions {
  token?: CancelToken;
  /** Fails the call (and kills the worker) when this long passes without a kick. */
  timeoutMs: number;
  /** Lets the caller push the deadline back, e.g. on each progress notification. */
  onKick?(kick: () => void, worker: WorkerProcess): { dispose(): unknown };
}

export class WorkerClient {
  private current: WorkerProcess | undefined;
  private jobCounter = 0;
  private readonly timeouts: WorkerTimeouts;

  constructor(private readonly options: WorkerClientOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  /** The running worker's process id (tests kill it to simulate a crash). */
  get pid(): number | undefined {
    return this.current && !this.current.hasExited ? this.current.pid : undefined;
  }

  engineInfo(token?: CancelToken): Promise<EngineInfo> {
    return this.call(EngineInfoRequest.method, (c, t) => c.sendRequest(EngineInfoRequest.type, t), {
      token,
      timeoutMs: this.timeouts.engineInfoMs,
    });
  }

  async describeModel(path: string, token?: CancelToken): Promise<ListLayersResult> {
    const pytorch = await this.options.pytorchOptions?.([path]);
    const params = { path, ...(pytorch ? { pytorch } : {}) };
    return this.call(ListLayersRequest.method, (c, t) => c.sendRequest(ListLayersRequest.type, params, t), {
      token,
      timeoutMs: this.timeouts.listLayersMs,
    });
  }

  async listLayers(path: string, token?: CancelToken): Promise<LayerInfo[]> {
    return (await this.describeModel(path, token)).layers;
  }

  /** What a compare would cost, before it starts (kc/estimate): loads the models and times a short warm-up. */
  estimate(options: CompareOptions, token?: CancelToken): Promise<CompareEstimate> {
    return this.call(EstimateRequest.method, (c, t) => c.sendRequest(EstimateRequest.type, { options }, t), {
      token,
      timeoutMs: this.timeouts.compareSilenceMs,
    });
  }

  /** What a family or drift run would cost, before it starts (kc/estimateMany): opens the members, times a warm-up. */
  estimateMany(params: EstimateManyParams, token?: CancelToken): Promise<CompareEstimate> {
    return this.call(EstimateManyRequest.method, (c, t) => c.sendRequest(EstimateManyRequest.type, params, t), {
      token,
      timeoutMs: this.timeouts.compareSilenceMs,
    });
  }

  compare(options: CompareOptions, hooks: JobHooks = {}): Promise<Report> {
    return this.job('job', CompareRequest, options, hooks.token, (event) => {
      if (event.kind === 'started') hooks.onStarted?.({ header: event.header, plan: event.plan });
      else if (event.kind === 'progress') hooks.onProgress?.(event.progress);
      else if (event.kind === 'pair') hooks.onPairResult?.(event.pair);
      else if (event.kind === 'matrix') hooks.onMatrix?.(event.matrix);
    });
  }

  family(options: FamilyOptions, hooks: ManyModelJobHooks<FamilyReport> = {}): Promise<FamilyReport> {
    return this.job('family', FamilyRequest, options, hooks.token, manyModelEvents(hooks));
  }

  drift(options: DriftOptions, hooks: ManyModelJobHooks<DriftReport> = {}): Promise<DriftReport> {
    return this.job('drift', DriftRequest, options, hooks.token, manyModelEvents(hooks));
  }

  /** kc refine in the worker; progress arrives one stage at a time and keeps the silence timeout from firing. */
  refine(
    options: RefineOptions,
    hooks: { token?: CancelToken; onProgress?(progress: Progress): void } = {},
  ): Promise<RefineReport> {
    return this.job('refine', RefineRequest, options, hooks.token, (event) => {
      if (event.kind === 'progress') hooks.onProgress?.(event.progress);
    });
  }

  /** Stops the worker; the next request starts a fresh one (used when settings that shape the process change). */
  async restart(): Promise<void> {
    const worker = this.current;
    this.current = undefined;
    await worker?.kill();
  }

  dispose(): void {
    void this.restart();
  }

  /**
   * A long job under a fresh id: each of its streamed events goes to `onEvent` and pushes the silence timeout back.
   * `prefix` names the kind of job in the id.
   */
  private job<O, R>(
    prefix: string,
    request: JobRequest<O, R>,
    options: O,
    token: CancelToken | undefined,
    onEvent: (event: JobEvent) => void,
  ): Promise<R> {
    const jobId = `${prefix}-${process.pid}-${++this.jobCounter}`;
    return this.call(request.method, (c, t) => c.sendRequest(request.type, { jobId, options }, t), {
      token,
      timeoutMs: this.timeouts.compareSilenceMs,
      onKick: (kick, worker) =>
        worker.onJobEvent((event) => {
          if (event.jobId !== jobId) return;
          kick();
          onEvent(event);
        }),
    });
  }

  private ensureWorker(): WorkerProcess {
    if (!this.current || this.current.hasExited) {
      this.current = WorkerProcess.start({
        workerPath: this.options.workerPath,
        memoryLimitMb: this.options.memoryLimitMb(),
        env: this.options.env?.(),
        log: this.options.log,
      });
    }
    return this.current;
  }

  /**
   * Sends one request and settles on whichever comes first: the answer, the worker's exit, the deadline (→ kill,
   * WorkerTimeoutError), or the caller's cancel (→ $/cancelRequest, then kill after the cancel grace period).
   */
  private call<R>(
    method: string,
    send: (connection: MessageConnection, token: CancellationTokenSource['token']) => Promise<R>,
    options: CallOptions,
  ): Promise<R> {
    if (options.token?.isCancellationRequested) return Promise.reject(new CancelledError());
    const worker = this.ensureWorker();
    const source = new CancellationTokenSource();
    const cleanups: Array<() => void> = [];

    return new Promise<R>((resolve, reject) => {
      let settled = false;
      let cancelled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        cleanups.forEach((cleanup) => cleanup());
        source.dispose();
        outcome();
      };

      let deadline: NodeJS.Timeout | undefined;
      const kick = (): void => {
        clearTimeout(deadline);
        deadline = setTimeout(() => {
          this.options.log.error(`[worker] ${method} timed out after ${options.timeoutMs} ms; stopping the worker`);
          void worker.kill();
          settle(() => reject(new WorkerTimeoutError(method, options.timeoutMs)));
        }, options.timeoutMs);
      };
      kick();
      cleanups.push(() => clearTimeout(deadline));
      if (options.onKick) {
        const subscription = options.onKick(kick, worker);
        cleanups.push(() => subscription.dispose());
      }

      if (options.token) {
        const subscription = options.token.onCancellationRequested(() => {
          cancelled = true;
          source.cancel();
          const grace = setTimeout(() => {
            this.options.log.warn(
              `[worker] ${method} did not stop within ${this.timeouts.cancelGraceMs} ms of Cancel; killing the worker`,
            );
            void worker.kill();
            settle(() => reject(new CancelledError()));
          }, this.timeouts.cancelGraceMs);
          cleanups.push(() => clearTimeout(grace));
        });
        cleanups.push(() => subscription.dispose());
      }

      void worker.exited.then((exit) =>
        settle(() => reject(cancelled ? new CancelledError() : crashError(method, exit, this.options.memoryLimitMb()))),
      );

      send(worker.connection, source.token).then(
        (result) => settle(() => (cancelled ? reject(new CancelledError()) : resolve(result))),
        (error: unknown) => {
          // A request rejected because the process died is settled by the `exited` handler above, with the reason.
          if (worker.hasExited || isConnectionGone(error)) return;
          settle(() => reject(cancelled ? new CancelledError() : fromWire(error)));
        },
      );
    });
  }
}

/** A family or drift job's events for its hooks. */
function manyModelEvents<R extends FamilyReport | DriftReport>(hooks: ManyModelJobHooks<R>): (event: JobEvent) => void {
  return (event) => {
    if (event.kind === 'progress') hooks.onProgress?.(event.progress);
    else if (event.kind === 'manyModel') hooks.onUpdate?.(event.report as R);
  };
}

function isConnectionGone(error: unknown): boolean {
  return error instanceof ResponseError && error.code === ErrorCodes.PendingResponseRejected;
}

function fromWire(error: unknown): Error {
  if (error instanceof ResponseError) {
    if (error.code === WorkerErrorCodes.cancelled) return new CancelledError();
    // The worker sends UserErrorData with every userError (src/worker/errors.ts).
    if (error.code === WorkerErrorCodes.userError)
      return new EngineUserError(error.message, (error.data as UserErrorData | undefined)?.code);
    return new Error(error.message);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function crashError(method: string, exit: WorkerExit, memoryLimitMb: number): WorkerCrashedError {
  const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
  const outOfMemory = exit.stderrTail.some((line) => /heap out of memory|Allocation failed/i.test(line));
  const hint = outOfMemory
    ? ` It ran out of memory${memoryLimitMb > 0 ? ` (limit ${memoryLimitMb} MB)` : ''}: raise knowledgeConsistency.workerMemoryLimitMb or compare fewer layers.`
    : '';
  return new WorkerCrashedError(`The engine worker ${how} during ${method}.${hint}`, exit.code, exit.signal);
}
