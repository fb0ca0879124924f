/**
 * One TF.js model (graph or layers) on its own wasm instance, in a worker thread (tfjs-threads.ts starts it): the wasm backend
 * runs one thread per instance, so several threads each with their own instance keep every core busy. It runs the
 * runs it is sent, one at a time, and sends each node's features back (their buffers transferred, not copied). The
 * main thread hands each buffer back once written, and the next run's features are copied out of the wasm heap into
 * it: no allocation a run, so no garbage collections (a MobileNet's 64 layers are ≈ 44 MB a sample).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import { firstNonFinite } from '../features/finite';
import { GraphRunner, LayersRunner, type NodeOutput } from './tfjs-graph-run';
import { tfjsWasm, useWasmDir } from './tfjs-runtime';

export interface ThreadInit {
  /** A graph model (tfjs-graph.ts) or a layers model (tfjs-layers.ts). */
  format: 'graph' | 'layers';
  artifacts: tf.io.ModelArtifacts;
  dtype: tf.DataType;
  wasmDir?: string;
}

export type ToThread =
  | { kind: 'run'; id: number; shape: number[]; data: Float32Array; valid: number; names: string[] }
  | { kind: 'free'; buffers: ArrayBuffer[] };

/**
 * Buffers handed back by the main thread, by byte length (layers of one shape share a list). All are kept: the main
 * thread hands back only what this thread sent, at most the runs in flight.
 */
const spare = new Map<number, ArrayBuffer[]>();

/** What of the wasm backend's internals a copy out of its heap needs (tfjs-backend-wasm 4.x); absent → dataSync. */
interface WasmInternals {
  dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined };
  wasm?: { HEAPU8?: Uint8Array };
}

/** A float32 tensor's values copied out of the wasm heap into a spare buffer (or a new one). */
function readInto(tfjs: typeof tf, t: tf.Tensor): Float32Array {
  const backend = tfjs.backend() as unknown as WasmInternals;
  const offset = backend.dataIdMap?.get(t.dataId)?.memoryOffset;
  const heap = backend.wasm?.HEAPU8; // read each time: the heap's buffer changes when it grows
  if (t.dtype !== 'float32' || offset === undefined || !heap) return t.dataSync() as Float32Array;
  const bytes = t.size * 4;
  const buffer = spare.get(bytes)?.pop() ?? new ArrayBuffer(bytes);
  new Uint8Array(buffer).set(heap.subarray(offset, offset + bytes));
  return new Float32Array(buffer);
}
export type FromThread =
  | { kind: 'ready' }
  | { kind: 'done'; id: number; outputs: NodeOutput[] }
  | { kind: 'failed'; id?: number; message: string };

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as ThreadInit;
  let runner: GraphRunner | LayersRunner;
  let tfjs: typeof tf;
  try {
    useWasmDir(init.wasmDir);
    tfjs = await tfjsWasm();
    const handler = tfjs.io.fromMemory(init.artifacts);
    runner =
      init.format === 'layers'
        ? new LayersRunner(await tfjs.loadLayersModel(handler))
        : new GraphRunner(await tfjs.loadGraphModel(handler));
  } catch (e) {
    port.postMessage({ kind: 'failed', message: (e as Error).message } satisfies FromThread);
    return;
  }
  // Runs are queued by the port and taken one at a time.
  let queue = Promise.resolve();
  port.on('message', (m: ToThread) => {
    if (m.kind === 'free') {
      for (const b of m.buffers) spare.set(b.byteLength, [...(spare.get(b.byteLength) ?? []), b]);
      return;
    }
    queue = queue.then(async () => {
      try {
        const outputs = await runner.outputs(tfjs, m, init.dtype, m.names, (t) => readInto(tfjs, t));
        // Scanned here, on every thread at once, not on the main thread that writes them all (a NaN is left for the
        // feature store to find and name with its probe sample).
        for (const o of outputs) o.finite = firstNonFinite(o.data) < 0;
        const buffers = [...new Set(outputs.map((o) => o.data.buffer as ArrayBuffer))];
        port.postMessage({ kind: 'done', id: m.id, outputs } satisfies FromThread, buffers);
      } catch (e) {
        port.postMessage({ kind: 'failed', id: m.id, message: (e as Error).message } satisfies FromThread);
      }
    });
  });
  port.postMessage({ kind: 'ready' } satisfies FromThread);
}

void main();
