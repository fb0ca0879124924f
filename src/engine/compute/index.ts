/**
 * Picks the training backend. 'auto' (default) → onnxruntime-node (CUDA provider when present, else CPU);
 * when ORT cannot load (no binary for this platform) it falls back to the TF.js reference backend with a log
 * line. `@tensorflow/tfjs-node` is not a dependency (its install downloads libtensorflow): when a user has it
 * installed, describeBackend() names it in the report's detail; nothing runs on it (the TF.js adapters use wasm).
 */
import type { BackendInfo } from '../../protocol/report';
import type { BackendPreference } from '../../protocol/compare';
import type { TrainingBackend } from './types';

export type { BackendPreference };

const cache = new Map<BackendPreference, Promise<TrainingBackend>>();

export function getTrainingBackend(
  preference: BackendPreference = 'auto',
  log: (line: string) => void = () => {},
): Promise<TrainingBackend> {
  let backend = cache.get(preference);
  if (!backend) {
    backend = loadBackend(preference, log);
    cache.set(preference, backend);
    backend.catch(() => cache.delete(preference));
  }
  return backend;
}

async function loadBackend(preference: BackendPreference, log: (line: string) => void): Promise<TrainingBackend> {
  if (preference === 'tfjs') return tfjsBackend();
  try {
    const { createOrtBackend } = await import('./ort-backend.js');
    return await createOrtBackend();
  } catch (err) {
    if (preference === 'onnxruntime') throw err;
    log(
      `onnxruntime-node failed to load (${(err as Error).message.split('\n')[0]}); training on the TF.js reference backend, which is much slower`,
    );
    return tfjsBackend();
  }
}

async function tfjsBackend(): Promise<TrainingBackend> {
  const { createTfjsBackend } = await import('./tfjs-backend.js');
  return createTfjsBackend();
}

/** The backend 'auto' picks, with a note when the optional tfjs-node accelerator is installed. */
export async function describeBackend(): Promise<BackendInfo> {
  const info = { ...(await getTrainingBackend('auto')).info };
  const tfjsNode = tfjsNodeVersion();
  if (tfjsNode) info.detail = `${info.detail ?? ''}; @tensorflow/tfjs-node ${tfjsNode} installed`.replace(/^; /, '');
  return info;
}

/** Version of @tensorflow/tfjs-node when a user installed it (never a dependency), else undefined. */
export function tfjsNodeVersion(): string | undefined {
  try {
    // A guarded require: resolving the package.json does not load the native binding.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@tensorflow/tfjs-node/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}
