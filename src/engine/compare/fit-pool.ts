/**
 * Disentangler fits on worker threads, so that independent fits (pairs, directions) keep every core busy: ORT's
 * session.run blocks the thread that calls it, and the JS parts of a fit (gathering windows, the held-out sums) run
 * on one core. Measured on 2 cores (disentangler README, "Fits side by side"): two fits at a time with one intra-op
 * thread each beat one fit with two threads, so that is the default (KC_FITS sets how many run at once; KC_THREADS
 * the intra-op threads they share). A pair's features are read into a SharedArrayBuffer: no copy per thread.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, type CancelSignal } from '../cancel';
import { ortThreads } from '../compute/ort-session';
import { bundledThreadSource } from '../thread-source';
import { OverBudgetError } from '../disentangler/memory';
import { KcError, type KcErrorCode } from '../errors';
import type { StepSink } from '../progress';
import type { FeatureTensor } from '../tensor';
import type { BackendPreference } from '../../protocol/compare';
import type { BackendInfo, DisentangleSettings, Direction, PairResult } from '../../protocol/report';

/** What a thread needs for one fit: disentangle()'s arguments, less what cannot cross a thread. */
export interface FitJob {
  a: FeatureTensor;
  b: FeatureTensor;
  settings: DisentangleSettings;
  layerA: string;
  layerB: string;
  direction: Direction;
  memoryBytes: number;
}

export type ToThread = { kind: 'fit'; id: number; job: FitJob } | { kind: 'cancel'; id: number };
export type FromThread =
  | { kind: 'ready'; info: BackendInfo }
  | { kind: 'progress'; id: number; step: Parameters<StepSink>[0] }
  | { kind: 'log'; id: number; line: string }
  | { kind: 'done'; id: number; result: PairResult }
  | { kind: 'failed'; id: number; message: string; code?: KcErrorCode; cancelled?: boolean; neededBytes?: number };

/**
 * A pair whose features take more than this share of the memory budget makes a memory-bound fit: a second lane gains
 * nothing on it (faceres with itself at 200 crops: 193 s for fits that one fit on both threads runs in 2 × 92 s) and
 * holds a second pair and a second thread's sessions (peak RSS 2.35 GB with two lanes, 1.57 GB with one).
 */
const ONE_LANE_ABOVE = 1 / 8;

/** Fits at once: KC_FITS, else one for pairs this big (`largestPairBytes` of `budgetBytes`), else 2 where there are 2
 * cores or more. */
export function fitConcurrency(largestPairBytes = 0, budgetBytes = Infinity): number {
  const fromEnv = Number(process.env.KC_FITS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return largestPairBytes > ONE_LANE_ABOVE * budgetBytes ? 1 : Math.min(2, availableParallelism());
}

interface Pending {
  onProgress?: StepSink;
  log?: (line: string) => void;
  resolve: (result: PairResult) => void;
  reject: (error: Error) => void;
  signal?: CancelSignal;
}

/** `size` threads, each running one fit at a time with its share of the intra-op threads. */
export class FitPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly owner = new Map<Worker, number>();
  private nextId = 0;
  private readonly poll: NodeJS.Timeout;
  private readonly started: Promise<BackendInfo>;

  /** `backend`: what each thread trains on (the same preference as a compare's). */
  constructor(
    readonly size: number,
    backend: BackendPreference,
  ) {
    const threads = String(Math.max(1, Math.round(ortThreads() / size)));
    const ready: Promise<BackendInfo>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = startThread({ ...process.env, KC_THREADS: threads }, backend);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('error', reject);
          worker.on('message', (m: FromThread) => (m.kind === 'ready' ? resolve(m.info) : this.receive(worker, m)));
        }),
      );
      worker.on('error', (error) => this.crashed(worker, error));
      this.all.push(worker);
      this.idle.push(worker);
    }
    this.started = Promise.all(ready).then(([info]) => ({
      ...info,
      detail: `${info.detail ?? info.name}; ${size} fits at a time, each on its own thread`,
    }));
    // CancelSignal is a flag, not an event: look at it while fits run.
    this.poll = setInterval(() => this.checkCancelled(), 200);
    this.poll.unref();
  }

  /** The backend the threads train on, as the report names it (once every thread has loaded it). */
  info(): Promise<BackendInfo> {
    return this.started;
  }

  /** Runs one fit on a free thread (the caller keeps at most `size` in flight). */
  run(job: FitJob, hooks: Omit<Pending, 'resolve' | 'reject'>): Promise<PairResult> {
    const worker = this.idle.pop();
    if (!worker) return Promise.reject(new KcError('fit pool: no free thread', 'internal'));
    const id = this.nextId++;
    this.owner.set(worker, id);
    return new Promise<PairResult>((resolve, reject) => {
      this.pending.set(id, { ...hooks, resolve, reject });
      worker.postMessage({ kind: 'fit', id, job } satisfies ToThread);
    });
  }

  /** Ends the threads; fits still running reject as cancelled. */
  async dispose(): Promise<void> {
    clearInterval(this.poll);
    for (const p of this.pending.values()) p.reject(new CancelledError());
    this.pending.clear();
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private receive(worker: Worker, m: Exclude<FromThread, { kind: 'ready' }>): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.kind === 'progress') p.onProgress?.(m.step);
    else if (m.kind === 'log') p.log?.(m.line);
    else {
      this.pending.delete(m.id);
      this.owner.delete(worker);
      this.idle.push(worker);
      if (m.kind === 'done') p.resolve(m.result);
      else p.reject(failure(m));
    }
  }

  private crashed(worker: Worker, error: Error): void {
    const id = this.owner.get(worker);
    const p = id === undefined ? undefined : this.pending.get(id);
    if (id !== undefined) this.pending.delete(id);
    p?.reject(new KcError(`a disentangler thread failed: ${error.message}`, 'internal'));
  }

  private checkCancelled(): void {
    for (const [worker, id] of this.owner) {
      if (this.pending.get(id)?.signal?.aborted) worker.postMessage({ kind: 'cancel', id } satisfies ToThread);
    }
  }
}

/** A thread's error as the one it was: cancelled, over the memory budget, another KcError, or internal. */
function failure(m: Extract<FromThread, { kind: 'failed' }>): Error {
  if (m.cancelled) return new CancelledError();
  if (m.neededBytes !== undefined) return new OverBudgetError(m.message, m.neededBytes);
  return m.code ? new KcError(m.message, m.code) : new Error(m.message);
}

/**
 * The thread's script: dist/fit-thread.js beside this bundle. From the TypeScript sources (tests, bench) the same
 * bundle is built in memory once per process: worker threads get none of tsx's ESM hooks on Node 20, and the compute
 * backends load through import().
 */
function startThread(env: NodeJS.ProcessEnv, backend: BackendPreference): Worker {
  const options = { env, workerData: { backend } };
  if (!__filename.endsWith('.ts')) return new Worker(path.join(__dirname, 'fit-thread.js'), options);
  sourceBundle ??= bundleSource();
  return new Worker(sourceBundle, { ...options, eval: true });
}

let sourceBundle: string | undefined;

function bundleSource(): string {
  // Eval'd code resolves packages from no file: ORT by its absolute path (tfjs-node is optional and may stay absent).
  const ort = JSON.stringify(createRequire(__filename).resolve('onnxruntime-node'));
  const source = bundledThreadSource(path.join(__dirname, 'fit-thread.ts'));
  return source.replaceAll('require("onnxruntime-node")', `require(${ort})`);
}
