/** A TF.js graph model's input: what its first ops say of its pixel range (the converter keeps x / 255 etc. as ops). */
import type * as tf from '@tensorflow/tfjs';
import { inputSpec, type InputSpec, type ScalarOp } from './input-range';

const SCALAR_OPS: Record<string, ScalarOp['op']> = {
  Mul: 'mul',
  RealDiv: 'div',
  Div: 'div',
  Add: 'add',
  AddV2: 'add',
  Sub: 'sub',
  BiasAdd: 'add',
};
/** Ops that pass pixel values through unchanged (a type or layout change) before the scaling. */
const PASS_THROUGH = new Set(['Cast', 'Identity', 'Transpose', 'Reshape', 'ExpandDims']);

interface Node {
  name: string;
  op: string;
  input?: string[];
}

/** The input's spec from its dtype and the elementwise ops with a constant operand that it goes through first. */
export function tfjsInputSpec(model: tf.GraphModel, nodes: readonly Node[], dtype: string): InputSpec {
  const placeholder = model.inputs[0].name.split(':')[0];
  const weights = model.weights;
  const source = (i: string) => i.split(':')[0];
  const ops: ScalarOp[] = [];
  let value = placeholder;
  for (let step = 0; step < 6; step++) {
    const users = nodes.filter((n) => (n.input ?? []).some((i) => source(i) === value) && n.op !== 'Shape');
    if (users.length !== 1) break;
    const node = users[0];
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^')).map(source);
    if (PASS_THROUGH.has(node.op) && inputs[0] === value) {
      value = node.name;
      continue;
    }
    const op = SCALAR_OPS[node.op];
    if (!op || inputs.length !== 2 || ((op === 'sub' || op === 'div') && inputs[0] !== value)) break;
    const constant = weights[inputs[0] === value ? inputs[1] : inputs[0]]?.[0];
    if (!constant || constant.size < 1 || constant.size > 4) break;
    ops.push({ op, values: Array.from(constant.dataSync()) });
    value = node.name;
  }
  return inputSpec(dtype, { ops });
}
