/**
 * TF.js graph models extracted on worker threads: the wasm backend computes on one thread per instance (its
 * multi-threaded build does not start in Node: bench/README.md, "TF.js extraction on every core"), so each thread
 * loads the model on its own instance and takes whole runs. The runs are cut on the main thread as before and their
 * features written in probe order, so the features are the same bytes as on one thread.
 */
import { createRequire } from 'node:module';
import { availableParallelism, freemem } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, type CancelSignal } from '../cancel';
import { KcError } from '../errors';
import type { RunBatch } from './batches';
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
  sourceBundle ??= bundleSource();
  return sourceBundle;
}

function bundleSource(): string {
  const load = createRequire(__filename);
  const esbuild = load('esbuild') as typeof import('esbuild');
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'tfjs-thread.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    external: ['onnxruntime-node', '@tensorflow/tfjs-node'],
    logLevel: 'silent',
  });
  return outputFiles[0].text;
}
