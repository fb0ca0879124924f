import path from 'node:path';
import { runCompare } from '../../../../src/engine/compare';
import type { CompareOptions } from '../../../../src/protocol/compare';
import type { Report } from '../../../../src/protocol/report';

/** The MNIST CNN sample, seed 1. */
export const SEED1 = path.join(__dirname, '..', '..', '..', '..', 'samples', 'mnist-cnn-seed1', 'model.onnx');

/** A model compared with itself, the same layers on both sides (a model's ceiling: every pair should explain ≈ 1). */
export function compareWithItself(
  model: string,
  layers: readonly string[],
  options: Omit<CompareOptions, 'modelA' | 'modelB' | 'layersA' | 'layersB'>,
): Promise<Report> {
  return runCompare({ modelA: model, modelB: model, layersA: [...layers], layersB: [...layers], ...options });
}
