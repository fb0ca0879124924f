import type { LayerInfo, ModelRef } from '../../protocol/report';
import { chooseLayers, type ModelNaming } from './layer-choice';
import type { ExtractOptions, FeatureSink, InputBatches, ModelAdapter } from './types';

/** One extraction, its layer names checked: `chosen[i]` is the listed layer named `layerNames[i]`. */
export interface Extraction {
  inputs: InputBatches;
  layerNames: readonly string[];
  chosen: readonly LayerInfo[];
  sink: FeatureSink;
  options: ExtractOptions;
}

/**
 * What every format's adapter shares: the layer table it lists once it has read its graph, handed out as copies,
 * and the caller's layer names checked against it before a model runs. Each adapter runs only the chosen layers.
 */
export abstract class ListedAdapter implements ModelAdapter {
  abstract readonly ref: ModelRef;
  abstract readonly inputShape: readonly number[];
  /** All layers in depth order, as the adapter lists them. */
  protected listed: LayerInfo[] = [];

  constructor(
    protected readonly file: string,
    private readonly naming: Pick<ModelNaming, 'noun' | 'layout'>,
  ) {}

  layers(): LayerInfo[] {
    return this.listed.map((l) => ({ ...l, shape: [...l.shape] }));
  }

  async extract(
    inputs: InputBatches,
    layerNames: readonly string[],
    sink: FeatureSink,
    options: ExtractOptions = {},
  ): Promise<void> {
    const chosen = chooseLayers(this.listed, layerNames, { name: this.ref.name, file: this.file, ...this.naming });
    await this.extractChosen({ inputs, layerNames, chosen, sink, options });
    await sink.finish?.();
  }

  /** Streams the features of the checked layers into the sink. */
  protected abstract extractChosen(extraction: Extraction): Promise<void>;

  abstract dispose(): Promise<void>;
}
