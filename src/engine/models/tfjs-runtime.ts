import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { KcError, ModelParseError } from '../errors';

let wasmPathsSet = false;
let wasmDirGiven: string | undefined;

/**
 * Where the .wasm files are, for a worker thread whose script was built in memory (tfjs-threads.ts): such a script
 * has no folder of its own to look in. Call before the first tfjsWasm().
 */
export function useWasmDir(dir: string | undefined): void {
  wasmDirGiven = dir;
}

/**
 * TF.js on its wasm backend, ready to run. Called before every TF.js use: the backend is process-global and
 * another part of the engine may have switched it (the reference training backend runs on 'cpu').
 */
export async function tfjsWasm(): Promise<typeof tf> {
  if (!wasmPathsSet) {
    const dir = wasmDir();
    if (dir) setWasmPaths(dir + path.sep);
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== 'wasm') {
    const ok = await tf.setBackend('wasm');
    if (!ok)
      throw new KcError(
        `TF.js could not start its wasm backend (wasm files looked for in ${wasmDir() ?? 'the bundle folder'}); reinstall or rebuild kc`,
        'internal',
      );
  }
  return tf;
}

/** The model `load` reads, or a ModelParseError that says what TF.js cannot do (`what`) and why, then `hint`. */
export async function loadedModel<M>(file: string, what: string, load: () => Promise<M>, hint = ''): Promise<M> {
  try {
    return await load();
  } catch (e) {
    throw new ModelParseError(`${file}: TF.js cannot ${what}: ${(e as Error).message.split('\n')[0]}${hint}`, file);
  }
}

/** Builds the adapter of a loaded TF.js model; when that fails, the model's memory is released before the error goes on. */
export async function adapterOf<T>(model: { dispose(): void }, build: () => T | Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The bundle ships the .wasm files next to itself (scripts/build.mjs); from source they sit in node_modules. */
export function wasmDir(): string | undefined {
  if (wasmDirGiven) return wasmDirGiven;
  if (existsSync(path.join(__dirname, 'tfjs-backend-wasm.wasm'))) return __dirname;
  try {
    return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    return undefined;
  }
}
