import path from 'node:path';
import type { ModelRef } from '../../protocol/report';
import { modelDisplayName } from '../../protocol/names';

export { modelDisplayName };

/** How reports name a model file: its absolute path and display name, then what its adapter read of it. */
export function modelRef(file: string, known: Omit<ModelRef, 'path' | 'name'>): ModelRef {
  return { path: path.resolve(file), name: modelDisplayName(file), ...known };
}
