/**
 * onnxruntime-node sessions for our hand-built graphs: one place that picks the execution provider and threads.
 *
 * Threads: ORT's intra-op pool splits every Conv / Gemm across `threads` workers (default 2 = both cores of
 * the target machines); graphs run sequentially (inter-op 1). Spinning is off: on shared cores a spinning
 * pool steals time from the thread doing the work (measured clearly faster without).
 * CUDA: tried first when the CUDA provider library sits next to ORT's binding (installed with
 * `npm install onnxruntime-node --onnxruntime-node-install-cuda` on a GPU box); CPU otherwise.
 * Environment: KC_THREADS sets the pool size, KC_DEVICE=cpu skips the CUDA probe.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from './onnx-builder';

export type OrtDevice = 'cuda' | 'cpu';

export interface OrtRuntime {
  device: OrtDevice;
  threads: number;
  version: string;
}

let runtime: Promise<OrtRuntime> | undefined;

/** Threads for ORT's intra-op pool: KC_THREADS when set, else 2. */
export function ortThreads(): number {
  const fromEnv = Number(process.env.KC_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 2;
}

export function sessionOptions(device: OrtDevice, threads = ortThreads()): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

function cudaLibraryPresent(): boolean {
  if (!ort.listSupportedBackends().some((b) => b.name === 'cuda')) return false;
  const binDir = join(
    dirname(require.resolve('onnxruntime-node')),
    '..',
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
  return existsSync(
    join(binDir, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'),
  );
}

/** The device every session of this process uses, decided once. */
export function ortRuntime(): Promise<OrtRuntime> {
  runtime ??= (async (): Promise<OrtRuntime> => {
    const version = ort.env.versions?.node ?? 'unknown';
    const threads = ortThreads();
    if (process.env.KC_DEVICE !== 'cpu' && cudaLibraryPresent()) {
      try {
        await ort.InferenceSession.create(probeModel(), sessionOptions('cuda', threads));
        return { device: 'cuda', threads, version };
      } catch {
        // no usable GPU (driver, CUDA runtime): stay on the CPU
      }
    }
    return { device: 'cpu', threads, version };
  })();
  return runtime;
}

/**
 * `keptForTheProcess`: a session cached for the whole process (the metrics' products) gets no memory arena, whose
 * high-water mark it would keep forever (measured: a ridge warm start left 330 MB behind in each fit thread).
 */
export async function createSession(model: Uint8Array, keptForTheProcess = false): Promise<ort.InferenceSession> {
  const { device, threads } = await ortRuntime();
  const options = sessionOptions(device, threads);
  return ort.InferenceSession.create(model, keptForTheProcess ? { ...options, enableCpuMemArena: false } : options);
}

/** `x`, or a copy of it when it lives in a SharedArrayBuffer (features read for the fit threads): ORT's node binding
 * refuses those with "Invalid argument". */
export function unshared<T extends Float32Array | Float64Array>(x: T): T {
  return x.buffer instanceof SharedArrayBuffer ? (x.slice() as T) : x;
}

/** A one-node model (Relu) to check that a provider initialises. */
function probeModel(): Uint8Array {
  const b = new GraphBuilder('probe');
  b.output(b.op('Relu', [b.input('x', [1])]), 'y', [1]);
  return b.toBytes();
}
