/**
 * B′ as one standard ONNX model: A's lower part (up to the explaining layer) → g, the fitted disentangler's
 * consistent output (orders 0..K, ε dropped) → B's upper part (from the explained layer), with B's upper weights
 * replaced by the fine-tuned ones. Values are prefixed A/ and B/ so the two models' names cannot collide.
 */
import type { onnx } from 'onnx-proto';
import { GraphBuilder } from '../compute/onnx-builder';
import type { FittedDisentangler } from '../disentangler/fit';
import { addConsistentNodes } from './consistent-graph';
import { floatTensor, lowerPart, renamed, upperPart, type OnnxModel } from './onnx-parts';

export interface RefinedParts {
  a: OnnxModel;
  b: OnnxModel;
  /** A's explaining layer and B's explained layer (value names). */
  layerA: string;
  layerB: string;
  /** Rank of the explaining layer's value (4: NCHW, 2: [N, C]). */
  rankA: number;
  fitted: FittedDisentangler;
  invScales: Float32Array[];
  /** Fine-tuned values of B's upper initializers by their names in B; the others stay B's. */
  upperWeights?: Map<string, Float32Array>;
}

/** The name of g's output inside B′: the value B's upper part reads in place of layer L. */
export const CONSISTENT_VALUE = 'kc/consistent';

export function assembleRefined(p: RefinedParts, options: { exposeConsistent?: boolean } = {}): Uint8Array {
  const b = new GraphBuilder('refined', Math.max(p.a.opset, p.b.opset, 13));
  const input = b.input(p.b.input.name, p.b.input.dims);
  const lower = renamed(lowerPart(p.a, p.layerA), (v) => (v === p.a.input.name ? input : `A/${v}`));
  lower.nodes.forEach((n) => b.node(n));
  lower.initializers.forEach((t) => b.initializer(t));
  const ca = p.fitted.spec.channelsA;
  const scales = p.invScales.map((s) => b.floats(Array.from(s), [1, ca, 1, 1]));
  const { out } = addConsistentNodes(b, `A/${p.layerA}`, p.rankA, p.fitted, scales);
  b.node({ opType: 'Identity', input: [out], output: [CONSISTENT_VALUE], name: CONSISTENT_VALUE });
  const upper = renamed(upperPart(p.b, p.layerB), (v) => (v === p.layerB ? CONSISTENT_VALUE : `B/${v}`));
  upper.nodes.forEach((n) => b.node(n));
  upper.initializers.forEach((t) => {
    const tuned = p.upperWeights?.get(t.name.slice(2));
    b.initializer(tuned ? floatTensor(t.name, t.dims.map(Number), tuned) : t);
  });
  b.output(`B/${p.b.output}`, p.b.output, p.b.outputDims);
  if (options.exposeConsistent) b.output(CONSISTENT_VALUE);
  return b.toBytes();
}

/** B itself with its upper weights replaced (the baseline: B's upper layers fine-tuned alone). */
export function withUpperWeights(model: OnnxModel, weights: Map<string, Float32Array>): Uint8Array {
  const b = new GraphBuilder(model.graph.name || 'model', Math.max(model.opset, 13));
  b.input(model.input.name, model.input.dims);
  model.graph.node.forEach((n) => b.node(n));
  (model.graph.initializer as onnx.TensorProto[]).forEach((t) => {
    const tuned = weights.get(t.name);
    b.initializer(tuned ? floatTensor(t.name, t.dims.map(Number), tuned) : t);
  });
  b.output(model.output, model.output, model.outputDims);
  return b.toBytes();
}
