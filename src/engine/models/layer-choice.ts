import type { LayerInfo } from '../../protocol/report';
import { KcError } from '../errors';

/** How an adapter names its model in messages: `layer`/`node`, and the 4-D layout its outputs come in. */
export interface ModelNaming {
  name: string;
  file: string;
  noun: 'layer' | 'node';
  layout: '[N, C, H, W]' | '[N, H, W, C]';
}

/** The listed layers the caller named, in the caller's order; each must have a [N, C] or 4-D output. */
export function chooseLayers(listed: readonly LayerInfo[], names: readonly string[], model: ModelNaming): LayerInfo[] {
  return names.map((name) => {
    const layer = listed.find((l) => l.name === name);
    if (!layer)
      throw new KcError(`${model.name} has no ${model.noun} "${name}"; \`kc layers ${model.file}\` lists them`);
    if (layer.shape.length !== 2 && layer.shape.length !== 4) {
      throw new KcError(
        `${model.noun} "${name}" of ${model.name} has a rank-${layer.shape.length} output; pick a ${model.noun} with [N, C] or ${model.layout} output`,
        'unsupported',
      );
    }
    return layer;
  });
}
