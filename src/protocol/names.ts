/**
 * How models and analyses are named to people, the same in the engine's reports, the CLI, the host's views and the
 * webview (the panel title no longer changes when a run finishes).
 */

/** Folder names that say where a model sits in a project rather than which model it is. */
const GENERIC_DIRS = new Set([
  'tfjs',
  'onnx',
  'model',
  'models',
  'web_model',
  'tfjs_model',
  'graph_model',
  'layers_model',
  'export',
  'exported',
]);

/**
 * "nets/resnet18.onnx" → "resnet18"; "mnist-cnn-seed1/model.onnx" → "mnist-cnn-seed1";
 * "mnist-cnn-seed1/tfjs/model.json" → "mnist-cnn-seed1/tfjs" (the format folder tells it from the ONNX file beside it).
 * Takes '/' or '\' paths, so it runs on file paths, URI paths and Windows paths alike.
 */
export function modelDisplayName(file: string): string {
  const parts = file.split(/[\\/]/).filter(Boolean);
  const base = parts.at(-1) ?? file;
  const stem = base.replace(/\.(onnx|json|pt|pth|pt2)$/i, '');
  if (stem.toLowerCase() !== 'model' || parts.length < 2) return stem;
  const parent = parts[parts.length - 2];
  return GENERIC_DIRS.has(parent.toLowerCase()) && parts.length >= 3 ? `${parts[parts.length - 3]}/${parent}` : parent;
}

/** "seed1 ↔ seed2": the title of an analysis of two models, given their display names. */
export function pairTitle(a: string, b: string): string {
  return `${a} ↔ ${b}`;
}

/** The title of an analysis of two model files. */
export function analysisTitle(modelA: string, modelB: string): string {
  return pairTitle(modelDisplayName(modelA), modelDisplayName(modelB));
}
