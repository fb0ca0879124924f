/**
 * TF.js models (graph and layers) extracted on worker threads: the wasm backend computes on one thread per instance (its
 * multi-threaded build does not start in Node: bench/README.md, "TF.js extraction on every core"), so each thread
 * loads the model on its own instance and takes whole runs. The runs are cut on the main thread as before and their
 * features written in probe order, so the features are the same bytes as on one thread.
 */
import { availableParallelism, freemem } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import { CancelledError, type CancelSignal } from '../cancel';
import { KcError } from '../errors';
import { bundledThreadSource } from '../thread-source';
import { extractionRuns, runFloats, runSize, type RunBatch } from './batches';
import type { Extraction } from './listed-adapter';
import type { NodeOutput } from './tfjs-graph-run';
import { wasmDir } from './tfjs-runtime';
import type { FromThread, ThreadInit, ToThread } from './tfjs-thread';

const live = new Set<Worker>();

/** Extraction threads running in this process now: none once an extraction has ended, finished or not. */
export function liveTfjsThreads(): number {
  return live.size;
}

/**
 * Samples below which a model runs on the main thread: a thread costs ≈ 0.35 s of CPU and a second to start (measured,
 * faceres), which 16 MobileNet samples on two threads did not win back (bench/README.md).
 */
export const THREADS_FROM_SAMPLES = 32;

/**
 * Threads for one extraction: KC_TFJS_THREADS when set (1: on the main thread, as before), else one a core, no more
 * than the runs, and no more than half the free memory holds at `bytesPerThread` each. 1 means no threads.
 */
export function tfjsThreadCount(runs: number, samples: number, bytesPerThread: number): number {
  const fromEnv = Number(process.env.KC_TFJS_THREADS);
  const wanted = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
  if (wanted <= 1 || runs < 2 || samples < THREADS_FROM_SAMPLES) return 1;
  const fit = Math.floor(freemem() / 2 / Math.max(1, bytesPerThread));
  return Math.max(1, Math.min(wanted, runs, fit));
}

interface Job {
  resolve(outputs: NodeOutput[]): void;
  reject(error: Error): void;
  worker: Worker;
}

/** `size` threads, each with the model on its own wasm instance, running the runs they are given in order. */
export class TfjsThreads {
  private readonly workers: Worker[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly load = new Map<Worker, number>();
  /** Which thread each received buffer came from, to hand it back (recycle). */
  private readonly senders = new WeakMap<ArrayBuffer, Worker>();
  private nextId = 0;
  private closed = false;

  private constructor(private readonly name: string) {}

  /** Starts the threads and waits until each has loaded the model; on a failure none is left running. */
  static async start(size: number, init: Omit<ThreadInit, 'wasmDir'>, name: string): Promise<TfjsThreads> {
    const pool = new TfjsThreads(name);
    const ready: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = startThread({ ...init, wasmDir: wasmDir() });
      live.add(worker);
      pool.workers.push(worker);
      pool.load.set(worker, 0);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', (m: FromThread) =>
            m.kind === 'ready' ? resolve() : reject(new Error((m as { message?: string }).message)),
          );
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
        }),
      );
      worker.on('message', (m: FromThread) => pool.receive(m));
      worker.on('error', (e) => pool.crashed(worker, e));
      worker.on('exit', (code) => {
        live.delete(worker);
        pool.crashed(worker, new Error(`exited with code ${code}`));
      });
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw new KcError(`${name}: an extraction thread could not load the model: ${(e as Error).message}`, 'internal');
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** One run on the least busy thread; its samples are copied out (a run is often a view into a larger batch). */
  run(batch: RunBatch, names: string[]): Promise<NodeOutput[]> {
    if (this.closed) return Promise.reject(new KcError(`${this.name}: the extraction threads were closed`, 'internal'));
    const worker = this.workers.reduce((a, b) => (this.load.get(b)! < this.load.get(a)! ? b : a));
    const id = this.nextId++;
    this.load.set(worker, this.load.get(worker)! + 1);
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject, worker });
      const data = batch.data.slice();
      const message: ToThread = { kind: 'run', id, shape: batch.shape, data, valid: batch.valid, names };
      worker.postMessage(message, [data.buffer]);
    });
  }

  /** Hands a run's buffers back to the thread that filled them, once written: it copies the next run into them. */
  recycle(outputs: NodeOutput[]): void {
    if (this.closed) return;
    const byWorker = new Map<Worker, Set<ArrayBuffer>>();
    for (const o of outputs) {
      const buffer = o.data.buffer as ArrayBuffer;
      const worker = this.senders.get(buffer);
      if (!worker || buffer.byteLength === 0) continue;
      this.senders.delete(buffer);
      byWorker.set(worker, (byWorker.get(worker) ?? new Set()).add(buffer));
    }
    for (const [worker, set] of byWorker) {
      const buffers = [...set];
      worker.postMessage({ kind: 'free', buffers } satisfies ToThread, buffers);
    }
  }

  /** Stops every thread at once, mid-run or not; pending runs are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const w of this.workers) live.delete(w);
    for (const job of this.jobs.values()) job.reject(new CancelledError());
    this.jobs.clear();
  }

  private receive(m: FromThread): void {
    if (m.kind === 'ready' || m.id === undefined) return;
    const job = this.jobs.get(m.id);
    if (!job) return;
    this.jobs.delete(m.id);
    this.load.set(job.worker, this.load.get(job.worker)! - 1);
    if (m.kind === 'done') {
      for (const o of m.outputs) this.senders.set(o.data.buffer as ArrayBuffer, job.worker);
      job.resolve(m.outputs);
    } else job.reject(new Error(m.message));
  }

  private crashed(worker: Worker, error: Error): void {
    if (this.closed) return;
    for (const [id, job] of this.jobs) {
      if (job.worker !== worker) continue;
      this.jobs.delete(id);
      job.reject(new KcError(`${this.name}: an extraction thread failed: ${error.message}`, 'internal'));
    }
  }
}

/** What a TF.js adapter gives the extraction (extractTfjs), which runs it on threads or on the main thread. */
export interface TfjsExtraction {
  extraction: Extraction;
  /** The model's name in messages. */
  name: string;
  fixedBatch?: number;
  /** What a thread loads: the model's files as read at open, its format and its input's element type. */
  artifacts(): Promise<tf.io.ModelArtifacts>;
  weightBytes: number;
  format: ThreadInit['format'];
  dtype: tf.DataType;
  /** A run as the model takes it (its shape checked; a vector input flattened). */
  prepare(batch: RunBatch): RunBatch;
  /** A prepared run on the main thread. */
  runHere(batch: RunBatch, names: string[]): Promise<NodeOutput[]>;
  /** A run's failure as the user reads it. */
  runError(batch: RunBatch, e: unknown): Error;
}

/**
 * One extraction of a TF.js model: the probe cut into runs (exactly the fixed batch where the model fixes it, the
 * last run padded), each run on a thread (tfjs-threads) or on the main thread, the features written in probe order.
 */
export async function extractTfjs(x: TfjsExtraction): Promise<void> {
  const { inputs, layerNames, chosen, sink, options } = x.extraction;
  const names = [...layerNames];
  // Progress counts written samples: with threads, runs are cut ahead of the ones being computed.
  let done = 0;
  const written = async (outputs: NodeOutput[]): Promise<void> => {
    for (let i = 0; i < outputs.length; i++) {
      const { shape: s, data, finite } = outputs[i];
      await sink.write(names[i], s.length === 3 ? [s[0], 1, s[1], s[2]] : s, data, finite ? { finite } : undefined);
    }
    done += outputs[0]?.shape[0] ?? 0;
    options.onProgress?.({ done, total: options.total ?? done });
  };
  const runs = extractionRuns(inputs, chosen, x.fixedBatch, { ...options, onProgress: undefined });
  const threads = await threadsFor(x);
  if (!threads) {
    for await (const batch of runs) {
      let outputs: NodeOutput[];
      try {
        outputs = await x.runHere(x.prepare(batch), names);
      } catch (e) {
        throw x.runError(batch, e);
      }
      await written(outputs);
    }
    return;
  }
  // Two runs a thread in flight, so that none waits while the main thread writes; written in probe order.
  const inFlight: Promise<NodeOutput[]>[] = [];
  // Each run's buffers go back to their thread once written: it fills them with a later run.
  const next = async (): Promise<void> => {
    const outputs = await unlessCancelled(inFlight.shift()!, options.signal);
    await written(outputs);
    threads.recycle(outputs);
  };
  try {
    for await (const batch of runs) {
      const run = threads.run(x.prepare(batch), names).catch((e) => Promise.reject(x.runError(batch, e)));
      run.catch(() => undefined); // awaited in order below; a later run's failure is not left unhandled
      inFlight.push(run);
      if (inFlight.length >= 2 * threads.size) await next();
    }
    while (inFlight.length) await next();
  } finally {
    await threads.close();
  }
}

/** Threads for this extraction, or undefined to run it on the main thread. */
async function threadsFor(x: TfjsExtraction): Promise<TfjsThreads | undefined> {
  const { chosen, options } = x.extraction;
  const perSample = runFloats(chosen);
  const size = x.fixedBatch ?? runSize(perSample, options.memoryBudget);
  const samples = options.total ?? 0;
  const runBytes = 4 * perSample * size;
  // A thread holds the weights, its wasm heap (a run's features and the activations behind them) and a run in flight.
  const count = tfjsThreadCount(Math.ceil(samples / size), samples, 4 * runBytes + 3 * x.weightBytes + 2 ** 27);
  if (count <= 1) return undefined;
  return TfjsThreads.start(count, { format: x.format, artifacts: await x.artifacts(), dtype: x.dtype }, x.name);
}

/** `promise`, or a CancelledError as soon as `signal` is aborted (checked every 50 ms: the signal has no events). */
export async function unlessCancelled<T>(promise: Promise<T>, signal: CancelSignal | undefined): Promise<T> {
  if (!signal) return promise;
  let timer: NodeJS.Timeout | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    const check = () => (signal.aborted ? reject(new CancelledError()) : (timer = setTimeout(check, 50)));
    check();
  });
  try {
    return await Promise.race([promise, cancelled]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The thread's script: dist/tfjs-thread.js beside this bundle. From the TypeScript sources (tests, bench) the same
 * bundle is built in memory once per process (worker threads get none of tsx's hooks on Node 20).
 */
function startThread(init: ThreadInit): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(path.join(__dirname, 'tfjs-thread.js'), { workerData: init });
  return new Worker(threadSourceBundle(), { eval: true, workerData: init });
}

let sourceBundle: string | undefined;

/** From the sources, the thread's bundle (built once: seconds); the bench builds it before it times an extraction. */
export function threadSourceBundle(): string {
  sourceBundle ??= bundledThreadSource(path.join(__dirname, 'tfjs-thread.ts'));
  return sourceBundle;
}
