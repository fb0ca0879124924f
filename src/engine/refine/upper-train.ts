/**
 * The training graph of B's upper part (onnxruntime-node has no training API: only inference sessions, so the
 * backward pass is written out as ONNX ops, as for the disentangler in ../compute/onnx-graph.ts). Inputs: z (the
 * layer-L values), onehot labels and the trainable weights; outputs: the mean softmax cross-entropy, the logits and
 * one gradient per weight. Trainable: the float weights of Conv and Gemm/MatMul nodes. Backward rules exist for the
 * ops of small classifier heads (Conv with stride 1, Gemm, MatMul, Relu, non-overlapping MaxPool, GlobalAveragePool,
 * Flatten, Reshape, Identity, Dropout, a same-shape Add); a final Softmax/LogSoftmax is skipped for the loss.
 */
import { onnx } from 'onnx-proto';
import { GraphBuilder } from '../compute/onnx-builder';
import { KcError } from '../errors';
import { floatValues, renamed, upperPart, type OnnxModel } from './onnx-parts';

export interface TrainableWeight {
  /** The initializer's name in B. */
  name: string;
  dims: number[];
  values: Float32Array;
}

export interface UpperTraining {
  bytes: Uint8Array;
  weights: TrainableWeight[];
  /** Graph inputs: z, onehot, then the weights in order under WEIGHT_PREFIX + name. Outputs: loss, logits, grad/i. */
}

export const WEIGHT_PREFIX = 'B/';
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const SUPPORTED =
  'Conv (stride 1, group 1), Gemm, MatMul, Relu, MaxPool (non-overlapping), GlobalAveragePool, Flatten, Reshape, Identity, Dropout, Add';

export function buildUpperTraining(
  model: OnnxModel,
  layer: string,
  sampleDims: number[],
  classes: number,
): UpperTraining {
  const part = upperPart(model, layer);
  const name = (v: string) => (v === layer ? 'z' : `${WEIGHT_PREFIX}${v}`);
  const { nodes, initializers } = renamed(part, name);
  const trainable = new Set<string>();
  for (const n of nodes) {
    if (n.opType === 'Conv' || n.opType === 'Gemm') n.input.slice(1).forEach((i) => i && trainable.add(i));
    if (n.opType === 'MatMul') n.input.forEach((i) => trainable.add(i));
  }
  const weights: TrainableWeight[] = [];
  const b = new GraphBuilder('kc-upper-training', Math.max(model.opset, 13));
  b.input('z', ['n', ...sampleDims]);
  b.input('onehot', ['n', classes]);
  for (const t of initializers) {
    if (trainable.has(t.name) && t.dataType === FLOAT) {
      const dims = t.dims.map(Number);
      weights.push({ name: t.name.slice(WEIGHT_PREFIX.length), dims, values: floatValues(t) });
      b.input(t.name, dims);
    } else b.initializer(t);
  }
  const params = new Set(weights.map((w) => `${WEIGHT_PREFIX}${w.name}`));
  // Values that depend on a weight: gradients flow only through them.
  const live = new Set(params);
  for (const n of nodes) if (n.input.some((i) => live.has(i))) n.output.forEach((o) => live.add(o));

  const last = nodes[nodes.length - 1];
  const softmaxLast = ['Softmax', 'LogSoftmax'].includes(last.opType);
  const forward = softmaxLast ? nodes.slice(0, -1) : nodes;
  const indices = new Map<string, string>();
  for (const n of forward) {
    if (n.opType === 'MaxPool' && live.has(n.input[0])) {
      const idx = n.output[1] || `${n.output[0]}/indices`;
      indices.set(n.output[0], idx);
      b.node(onnx.NodeProto.create({ ...n, output: [n.output[0], idx] }));
    } else b.node(n);
  }
  const logits = softmaxLast ? last.input[0] : last.output[0];

  const logp = b.op('LogSoftmax', [logits], { axis: 1 });
  const perSample = b.op('ReduceSum', [b.op('Mul', ['onehot', logp]), b.ints([1])], { keepdims: 0 });
  b.output(b.op('Neg', [b.op('ReduceMean', [perSample], { keepdims: 0 })]), 'loss', []);
  b.output(logits, 'logits', ['n', classes]);
  const count = b.op('Cast', [b.op('Gather', [b.op('Shape', [logits]), b.ints([0])])], { to: FLOAT });
  const contributions = new Map<string, string[]>();
  const add = (value: string, grad: string) => {
    if (!live.has(value)) return;
    contributions.set(value, [...(contributions.get(value) ?? []), grad]);
  };
  add(logits, b.op('Div', [b.op('Sub', [b.op('Softmax', [logits], { axis: 1 }), 'onehot']), count]));
  const gradOf = (value: string): string | undefined => {
    const parts = contributions.get(value);
    if (!parts) return undefined;
    return parts.length === 1 ? parts[0] : b.op('Sum', parts);
  };
  for (const n of [...forward].reverse()) {
    const dy = gradOf(n.output[0]);
    if (!dy) continue;
    backward(b, n, dy, add, indices);
  }
  weights.forEach((w, i) => {
    const g = gradOf(`${WEIGHT_PREFIX}${w.name}`);
    if (!g) throw new KcError(`weight ${w.name} of B's upper part gets no gradient from the output`);
    b.output(g, `grad/${i}`, w.dims);
  });
  return { bytes: b.toBytes(), weights };
}

type Add = (value: string, grad: string) => void;

function backward(b: GraphBuilder, n: onnx.NodeProto, dy: string, add: Add, indices: Map<string, string>): void {
  const attr = (key: string) => n.attribute.find((a) => a.name === key);
  const int = (key: string, fallback: number) => {
    const a = attr(key);
    return a ? Number(a.i) : fallback;
  };
  const ints = (key: string) => (attr(key)?.ints ?? []).map(Number);
  const [x, w, c] = n.input;
  const y = n.output[0];
  const refuse = (why: string): never => {
    throw new KcError(`B's upper part has ${n.opType} "${n.name}" (${why}); kc refine fine-tunes ${SUPPORTED}`);
  };
  switch (n.opType) {
    case 'Gemm': {
      if (int('transA', 0) || (attr('alpha') && attr('alpha')!.f !== 1) || (attr('beta') && attr('beta')!.f !== 1))
        refuse('transA, alpha or beta not 1');
      const transB = int('transB', 0) === 1;
      add(x, b.op('MatMul', [dy, transB ? w : b.op('Transpose', [w])]));
      const dyT = b.op('Transpose', [dy]);
      add(w, transB ? b.op('MatMul', [dyT, x]) : b.op('MatMul', [b.op('Transpose', [x]), dy]));
      if (c) add(c, b.op('Reshape', [b.op('ReduceSum', [dy, b.ints([0])], { keepdims: 0 }), b.op('Shape', [c])]));
      return;
    }
    case 'MatMul':
      add(x, b.op('MatMul', [dy, b.op('Transpose', [w])]));
      add(w, b.op('MatMul', [b.op('Transpose', [x]), dy]));
      return;
    case 'Conv': {
      if (int('group', 1) !== 1 || ints('strides').some((s) => s !== 1) || ints('dilations').some((d) => d !== 1))
        refuse('only stride 1, dilation 1, group 1');
      const auto = attr('auto_pad')?.s;
      if (auto && auto.length && new TextDecoder().decode(auto) !== 'NOTSET') refuse('auto_pad');
      const pads = ints('pads').length ? ints('pads') : [0, 0, 0, 0];
      const swap = (v: string) => b.op('Transpose', [v], { perm: [1, 0, 2, 3] });
      add(w, swap(b.op('Conv', [swap(x), swap(dy)], { pads })));
      if (c) add(c, b.op('ReduceSum', [dy, b.ints([0, 2, 3])], { keepdims: 0 }));
      add(x, b.op('ConvTranspose', [dy, w], { pads }));
      return;
    }
    case 'Relu':
      add(x, b.op('Mul', [dy, b.op('Cast', [b.op('Greater', [y, b.scalar(0)])], { to: FLOAT })]));
      return;
    case 'Flatten':
    case 'Reshape':
      add(x, b.op('Reshape', [dy, b.op('Shape', [x])]));
      return;
    case 'Identity':
    case 'Dropout':
      add(x, dy);
      return;
    case 'Add':
      if (n.input.length !== 2) refuse('more than two inputs');
      // Same-shape inputs only (a residual join); a broadcast bias would need its gradient summed.
      add(x, b.op('Reshape', [dy, b.op('Shape', [x])]));
      add(w, b.op('Reshape', [dy, b.op('Shape', [w])]));
      return;
    case 'GlobalAveragePool': {
      const area = b.op(
        'Cast',
        [b.op('ReduceProd', [b.op('Slice', [b.op('Shape', [x]), b.ints([2]), b.ints([4])])], { keepdims: 0 })],
        {
          to: FLOAT,
        },
      );
      add(x, b.op('Expand', [b.op('Div', [dy, area]), b.op('Shape', [x])]));
      return;
    }
    case 'MaxPool': {
      const k = ints('kernel_shape');
      const strides = ints('strides').length ? ints('strides') : k.map(() => 1);
      if (
        ints('pads').some((p) => p !== 0) ||
        strides.some((s, i) => s !== k[i]) ||
        ints('dilations').some((d) => d !== 1)
      )
        refuse('only non-overlapping windows without padding');
      const flat = b.ints([-1]);
      const xs = b.op('Reshape', [x, flat]);
      const scattered = b.op(
        'ScatterElements',
        [b.op('Mul', [xs, b.scalar(0)]), b.op('Reshape', [indices.get(y)!, flat]), b.op('Reshape', [dy, flat])],
        { axis: 0 },
      );
      add(x, b.op('Reshape', [scattered, b.op('Shape', [x])]));
      return;
    }
    default:
      refuse('no backward rule');
  }
}
