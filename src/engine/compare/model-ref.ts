import { KcError } from '../errors';
import { hashModelFiles } from '../models/model-hash';
import type { ModelAdapter } from '../models/types';
import type { InputTarget } from '../probes/index';
import type { LayerInfo, ModelRef } from '../../protocol/report';

/**
 * The model's input as the probe must be fitted to it; unknown (dynamic) sizes are ≤ 0. A flat input of D values
 * (an MLP) takes square images: D = s·s (grayscale) or 3·s·s (RGB), flattened by the adapter.
 */
export function inputTarget(model: ModelAdapter): InputTarget {
  if (model.inputShape.length === 1) {
    const d = model.inputShape[0];
    for (const channels of [1, 3]) {
      const side = Math.round(Math.sqrt(d / channels));
      if (side > 0 && side * side * channels === d) return { height: side, width: side, channels, ...model.input };
    }
    throw new KcError(
      `${model.ref.name} takes flat inputs of ${d} values, which is not a square grayscale or RGB image: kc's probes are images and cannot be fitted to this input`,
      'unsupported',
    );
  }
  const [height = 0, width = 0, channels = 0] = model.inputShape;
  // the input's dtype and the pixel range its first ops or metadata call for (models/input-range.ts)
  return { height, width, channels, ...model.input };
}

/** The adapter's ModelRef completed with the layer table, input shape and content hash for the report. */
export async function modelRef(model: ModelAdapter, layers: LayerInfo[]): Promise<ModelRef> {
  const ref = model.ref;
  return {
    ...ref,
    inputShape: ref.inputShape ?? [...model.inputShape],
    ...(model.sequence
      ? { sequence: { inputs: model.sequence.roles.map((r) => r.name), length: model.sequence.length } }
      : {}),
    layers,
    sha256: ref.sha256 ?? (await hashModelFiles(ref.path)),
  };
}
