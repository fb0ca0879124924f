/**
 * One TF.js graph model on its own wasm instance, in a worker thread (tfjs-threads.ts starts it): the wasm backend
 * runs one thread per instance, so several threads each with their own instance keep every core busy. It runs the
 * runs it is sent, one at a time, and sends each node's features back (their buffers transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import { firstNonFinite } from '../features/finite';
import { GraphRunner, type NodeOutput } from './tfjs-graph-run';
import { tfjsWasm, useWasmDir } from './tfjs-runtime';

export interface ThreadInit {
  artifacts: tf.io.ModelArtifacts;
  dtype: tf.DataType;
  wasmDir?: string;
}

export type ToThread = { kind: 'run'; id: number; shape: number[]; data: Float32Array; valid: number; names: string[] };
export type FromThread =
  | { kind: 'ready' }
  | { kind: 'done'; id: number; outputs: NodeOutput[] }
  | { kind: 'failed'; id?: number; message: string };

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as ThreadInit;
  let runner: GraphRunner;
  let tfjs: typeof tf;
  try {
    useWasmDir(init.wasmDir);
    tfjs = await tfjsWasm();
    runner = new GraphRunner(await tfjs.loadGraphModel(tfjs.io.fromMemory(init.artifacts)));
  } catch (e) {
    port.postMessage({ kind: 'failed', message: (e as Error).message } satisfies FromThread);
    return;
  }
  // Runs are queued by the port and taken one at a time.
  let queue = Promise.resolve();
  port.on('message', (m: ToThread) => {
    queue = queue.then(async () => {
      try {
        const outputs = await runner.outputs(tfjs, m, init.dtype, m.names);
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
