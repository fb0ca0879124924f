import type * as tf from '@tensorflow/tfjs';
import type { ModelRef } from '../../protocol/report';
import { KcError } from '../errors';
import { fixedBatchOf, type RunBatch } from './batches';
import { modelRef } from './files';
import { withProbePoints, type GraphLayer } from './probe-points';
import { LayersRunner } from './tfjs-graph-run';
import { adapterOf, loadedModel, tfjsWasm } from './tfjs-runtime';
import { TfjsAdapter } from './tfjs-adapter';
import type { TfjsFiles } from './tfjs-files';
import type { InputBatch, ModelAdapter } from './types';

const KIND_BY_CLASS: Record<string, string> = {
  Conv1D: 'conv',
  Conv2D: 'conv',
  Conv3D: 'conv',
  DepthwiseConv2D: 'conv',
  SeparableConv2D: 'conv',
  Conv2DTranspose: 'conv',
  Conv3DTranspose: 'conv',
  Dense: 'dense',
  MaxPooling1D: 'pool',
  MaxPooling2D: 'pool',
  MaxPooling3D: 'pool',
  AveragePooling1D: 'pool',
  AveragePooling2D: 'pool',
  AveragePooling3D: 'pool',
  GlobalAveragePooling1D: 'pool',
  GlobalAveragePooling2D: 'pool',
  GlobalMaxPooling1D: 'pool',
  GlobalMaxPooling2D: 'pool',
  Activation: 'activation',
  ReLU: 'activation',
  LeakyReLU: 'activation',
  PReLU: 'activation',
  ELU: 'activation',
  ThresholdedReLU: 'activation',
  Softmax: 'activation',
  BatchNormalization: 'norm',
  LayerNormalization: 'norm',
  Add: 'add',
  Average: 'add',
  Concatenate: 'concat',
  Flatten: 'reshape',
  Reshape: 'reshape',
  Permute: 'reshape',
  RepeatVector: 'reshape',
  Dropout: 'dropout',
  SpatialDropout1D: 'dropout',
  AlphaDropout: 'dropout',
  GaussianDropout: 'dropout',
  GaussianNoise: 'dropout',
  ZeroPadding2D: 'pad',
  Cropping2D: 'pad',
  UpSampling2D: 'resize',
};
const ALWAYS_NONLINEAR = new Set(['ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU']);
const NOT_NONLINEAR = new Set(['linear', 'softmax', undefined]);

/** TF.js layers models (Keras topology): the chosen layers become the outputs of one multi-output tf.model. */
export async function openTfjsLayers(file: string, files: TfjsFiles): Promise<ModelAdapter> {
  const tfjs = await tfjsWasm();
  const keras = (files.json.modelTopology as { keras_version?: string } | undefined)?.keras_version ?? '';
  const hint = keras.startsWith('3')
    ? ` (saved by Keras ${keras}: TF.js reads Keras 2 topologies; convert the model to a TF.js graph model instead)`
    : '';
  const model = await loadedModel(file, 'build this layers model', () => tfjs.loadLayersModel(files.handler), hint);
  return adapterOf(model, async () => {
    const adapter = new TfjsLayersAdapter(file, model, files);
    await adapter.init();
    return adapter;
  });
}

class TfjsLayersAdapter extends TfjsAdapter<tf.LayersModel, LayersRunner> {
  readonly ref: ModelRef;
  readonly inputShape: readonly number[];
  protected readonly inputDtype = 'float32';
  /** Set when the model's input fixes the batch size (batch_input_shape [1, …]). */
  protected readonly fixedBatch?: number;

  constructor(file: string, model: tf.LayersModel, files: TfjsFiles) {
    super(file, 'layers', model, files, new LayersRunner(model));
    if (model.inputs.length !== 1) {
      throw new KcError(
        `${file} has ${model.inputs.length} inputs; kc probes models with one image input`,
        'unsupported',
      );
    }
    const shape = model.inputs[0].shape.slice(1).map((v) => v ?? -1);
    if (shape.length !== 3 && shape.length !== 1) {
      throw new KcError(
        `${file}: input shape [${shape.join(', ')}] is neither an image [H, W, C] nor a vector [D]`,
        'unsupported',
      );
    }
    this.inputShape = shape;
    this.fixedBatch = fixedBatchOf(model.inputs[0].shape[0], file, model.inputs[0].name);
    this.listed = withProbePoints(graphLayers(model));
    this.ref = modelRef(file, { format: 'tfjs-layers', sha256: files.sha256, inputShape: [...shape] });
  }

  /** The weights' size, for the extraction threads' memory estimate. */
  async init(): Promise<void> {
    await this.readWeightBytes();
  }

  protected prepare(batch: RunBatch): RunBatch {
    return { ...batch, shape: this.batchShape(batch) };
  }

  private batchShape(batch: InputBatch): number[] {
    const [n, ...rest] = batch.shape;
    const per = rest.reduce((a, b) => a * b, 1);
    if (this.inputShape.length === 1) return [n, per];
    const fixed = this.inputShape.every((v) => v > 0);
    if (rest.length !== 3 || (fixed && rest.join() !== this.inputShape.join())) {
      throw new KcError(
        `probe samples are [${rest.join(', ')}] but ${this.ref.name} takes [${this.inputShape.join(', ')}] (NHWC)`,
        'shape-mismatch',
      );
    }
    return batch.shape;
  }
}

function graphLayers(model: tf.LayersModel): GraphLayer[] {
  const layers: GraphLayer[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    const config = layer.getConfig() as { activation?: string };
    const kind = KIND_BY_CLASS[className] ?? ('layers' in layer ? 'model' : 'other');
    const activating =
      ALWAYS_NONLINEAR.has(className) ||
      ((kind === 'activation' || kind === 'conv' || kind === 'dense') && !NOT_NONLINEAR.has(config.activation));
    const inputs = (layer.inboundNodes[0]?.inboundLayers ?? [])
      .map((l) => l.name)
      .filter((n) => model.layers.some((l) => l.name === n && l.getClassName() !== 'InputLayer'));
    const raw = layer.outputShape;
    const shape = (
      Array.isArray(raw[0]) || raw[0] === undefined
        ? ((raw[0] as (number | null)[] | undefined) ?? [])
        : (raw as (number | null)[])
    ).map((v) => v ?? -1);
    layers.push({ name: layer.name, kind, op: className, inputs, activating, shape: featureShape(shape) });
  }
  return layers;
}

/** Batch −1 (or n) kept; [N, T, C] → [N, 1, T, C] so that features are always [N, C] or NHWC. */
function featureShape(shape: readonly number[]): number[] {
  const s = shape.map((v, i) => (i === 0 && v === null ? -1 : v));
  return s.length === 3 ? [s[0], 1, s[1], s[2]] : s;
}
