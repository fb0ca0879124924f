import type * as tf from '@tensorflow/tfjs';
import type { ModelRef } from '../../protocol/report';
import { KcError, ModelParseError } from '../errors';
import { CancelledError } from '../cancel';
import { fixedBatchOf, type RunBatch } from './batches';
import { modelRef } from './files';
import { withProbePoints, type GraphLayer } from './probe-points';
import { adapterOf, loadedModel, tfjsWasm } from './tfjs-runtime';
import { TfjsAdapter } from './tfjs-adapter';
import { tfjsInputSpec } from './tfjs-input';
import type { InputSpec } from './input-range';
import type { TfjsFiles } from './tfjs-files';
import { GraphRunner } from './tfjs-graph-run';
import type { ModelAdapter } from './types';

/** Kinds of TF ops as the converter writes them (fused ops included). */
const KIND_BY_OP: Record<string, string> = {
  Conv2D: 'conv',
  _FusedConv2D: 'conv',
  DepthwiseConv2dNative: 'conv',
  FusedDepthwiseConv2dNative: 'conv',
  Conv2DBackpropInput: 'conv',
  Conv3D: 'conv',
  Conv1D: 'conv',
  MatMul: 'dense',
  _FusedMatMul: 'dense',
  BatchMatMul: 'dense',
  BatchMatMulV2: 'dense',
  Einsum: 'dense',
  MaxPool: 'pool',
  AvgPool: 'pool',
  MaxPoolWithArgmax: 'pool',
  Mean: 'pool',
  Relu: 'activation',
  Relu6: 'activation',
  Elu: 'activation',
  Selu: 'activation',
  LeakyRelu: 'activation',
  Prelu: 'activation',
  Sigmoid: 'activation',
  Tanh: 'activation',
  Softplus: 'activation',
  Softsign: 'activation',
  Softmax: 'activation',
  LogSoftmax: 'activation',
  FusedBatchNorm: 'norm',
  FusedBatchNormV2: 'norm',
  FusedBatchNormV3: 'norm',
  LRN: 'norm',
  Add: 'add',
  AddV2: 'add',
  AddN: 'add',
  BiasAdd: 'bias',
  ConcatV2: 'concat',
  Concat: 'concat',
  Reshape: 'reshape',
  Squeeze: 'reshape',
  ExpandDims: 'reshape',
  Transpose: 'reshape',
  ResizeBilinear: 'resize',
  ResizeNearestNeighbor: 'resize',
  Pad: 'pad',
  PadV2: 'pad',
  MirrorPad: 'pad',
  Identity: 'identity',
};
const NONLINEAR = new Set([
  'Relu',
  'Relu6',
  'Elu',
  'Selu',
  'LeakyRelu',
  'Prelu',
  'Sigmoid',
  'Tanh',
  'Softplus',
  'Softsign',
]);
/** Nodes that carry no features: constants, the input itself, control flow and tensor lists. */
const SKIPPED_OPS = new Set([
  'Const',
  'Placeholder',
  'NoOp',
  'Enter',
  'Exit',
  'Merge',
  'Switch',
  'NextIteration',
  'LoopCond',
]);
const skipped = (op: string) => SKIPPED_OPS.has(op) || op.startsWith('TensorList') || op.startsWith('TensorArray');

interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { list?: { s?: string[] } }>;
}

/** TF.js graph models (converted SavedModel / frozen graphs): features are node outputs read with executeAsync. */
export async function openTfjsGraph(file: string, files: TfjsFiles): Promise<ModelAdapter> {
  const tfjs = await tfjsWasm();
  const model = await loadedModel(file, 'load this graph model', () => tfjs.loadGraphModel(files.handler));
  const nodes = (files.json.modelTopology as { node?: NodeDef[] }).node ?? [];
  return adapterOf(model, async () => {
    const adapter = new TfjsGraphAdapter(file, model, files);
    await adapter.init(tfjs, nodes);
    return adapter;
  });
}

class TfjsGraphAdapter extends TfjsAdapter<tf.GraphModel, GraphRunner> {
  readonly ref: ModelRef;
  readonly inputShape: readonly number[];
  input?: InputSpec;
  protected readonly inputDtype: tf.DataType;
  protected readonly fixedBatch?: number;

  constructor(file: string, model: tf.GraphModel, files: TfjsFiles) {
    super(file, 'graph', model, files, new GraphRunner(model));
    if (model.inputs.length !== 1) {
      throw new KcError(
        `${file} has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); kc probes models with one image input`,
        'unsupported',
      );
    }
    const input = model.inputs[0];
    const shape = (input.shape ?? []).slice(1).map((v) => (v > 0 ? v : -1));
    if (shape.length !== 3)
      throw new KcError(
        `${file}: input "${input.name}" is [${(input.shape ?? []).join(', ')}]; kc probes image inputs [N, H, W, C]`,
        'unsupported',
      );
    this.inputShape = shape;
    this.inputDtype = input.dtype;
    this.fixedBatch = fixedBatchOf(input.shape?.[0], file, input.name);
    this.ref = modelRef(file, { format: 'tfjs-graph', sha256: files.sha256, inputShape: [...shape] });
  }

  /** Lists the nodes; their shapes and dtypes come from one run on a zero sample (GraphDefs carry no shapes). */
  async init(tfjs: typeof tf, nodes: NodeDef[]): Promise<void> {
    await this.readWeightBytes();
    this.input = tfjsInputSpec(this.model, nodes, this.inputDtype);
    let candidates = nodes.filter((n) => !skipped(n.op));
    const dims = this.inputShape.map((v) => (v > 0 ? v : 64));
    const shapes = new Map<string, { shape: number[]; dtype: string }>();
    const input = tfjs.zeros([this.fixedBatch ?? 1, ...dims], this.inputDtype);
    try {
      for (;;) {
        try {
          const outs = await this.run(
            input,
            candidates.map((n) => n.name),
          );
          candidates.forEach((n, i) => shapes.set(n.name, { shape: outs[i].shape, dtype: outs[i].dtype }));
          tfjs.dispose(outs);
          break;
        } catch (e) {
          // Nodes inside while-loop frames cannot be read from outside; TF.js names them, so they are left out.
          const inLoops = new Set(
            /Cannot compute the outputs \[([^\]]*)\]/.exec((e as Error).message)?.[1].split(',') ?? [],
          );
          const remaining = candidates.filter((n) => !inLoops.has(n.name));
          if (remaining.length === candidates.length) throw e;
          candidates = remaining;
        }
      }
    } catch (e) {
      throw new ModelParseError(
        `${this.file}: a trial run on a zero sample [${this.fixedBatch ?? 1}, ${dims.join(', ')}] failed (${(e as Error).message.split('\n')[0].slice(0, 300)})`,
        this.file,
      );
    } finally {
      input.dispose();
    }
    const dynamic = this.inputShape.some((v) => v <= 0);
    const producers = new Map<string, string[]>();
    const layers: GraphLayer[] = [];
    for (const node of nodes) {
      const inputs = [
        ...new Set(
          (node.input ?? []).filter((i) => !i.startsWith('^')).flatMap((i) => producers.get(i.split(':')[0]) ?? []),
        ),
      ];
      const s = shapes.get(node.name);
      if (!s || s.dtype !== 'float32' || s.shape.length < 2) {
        producers.set(node.name, inputs);
        continue;
      }
      producers.set(node.name, [node.name]);
      const shape = s.shape.map((v, i) =>
        i === 0 || (dynamic && s.shape.length === 4 && (i === 1 || i === 2)) ? -1 : v,
      );
      const kind = KIND_BY_OP[node.op] ?? 'other';
      layers.push({
        name: node.name,
        op: node.op,
        kind,
        inputs,
        activating: activating(node),
        shape: shape.length === 3 ? [-1, 1, shape[1], shape[2]] : shape,
      });
    }
    this.listed = withProbePoints(layers);
  }

  protected override runError(batch: RunBatch, e: unknown): Error {
    if (e instanceof CancelledError || e instanceof KcError) return e;
    return new KcError(
      `${this.ref.name} failed on probe inputs [${batch.shape.join(', ')}] (NHWC): ${(e as Error).message.split('\n')[0].slice(0, 300)}; if the model takes images of another size, set it with --input-size H,W (e.g. a multiple of 32)`,
      'shape-mismatch',
    );
  }

  private run(input: tf.Tensor, names: string[]): Promise<tf.Tensor[]> {
    return this.runner.run(input, names);
  }

  protected prepare(batch: RunBatch): RunBatch {
    const rest = batch.shape.slice(1);
    if (rest.length !== 3 || rest.some((v, i) => this.inputShape[i] > 0 && v !== this.inputShape[i])) {
      throw new KcError(
        `probe samples are [${rest.join(', ')}] but ${this.ref.name} takes [${this.inputShape.join(', ')}] (NHWC)`,
        'shape-mismatch',
      );
    }
    return batch;
  }
}

/** A non-linearity op, or a conv/matmul whose fused ops end in one (converter output). */
function activating(node: NodeDef): boolean {
  if (NONLINEAR.has(node.op)) return true;
  const fused = node.attr?.fused_ops?.list?.s ?? [];
  return fused.some((s) => NONLINEAR.has(Buffer.from(s, 'base64').toString('utf8')));
}
