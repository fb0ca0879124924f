/** An ONNX model's image input: its element type, what its metadata and first ops say of its range, typed tensors. */
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { inputSpec, type InputSpec, type ScalarOp } from './input-range';

const DataType = onnx.TensorProto.DataType;
/** Input element types kc can feed, as onnxruntime-node names them. */
const FED_TYPES: Partial<Record<number, 'float32' | 'int32' | 'int64' | 'uint8' | 'int8'>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
};
const SCALAR_OPS: Record<string, ScalarOp['op']> = { Mul: 'mul', Div: 'div', Add: 'add', Sub: 'sub' };
/** Ops that pass pixel values through unchanged (a layout or type change) before the scaling. */
const PASS_THROUGH = new Set(['Cast', 'Identity', 'Transpose', 'Reshape', 'Unsqueeze', 'Squeeze']);

/** The ORT type name of an input element type, or undefined when kc cannot feed images to it. */
export function fedType(elemType: number | undefined): string | undefined {
  return elemType === undefined ? undefined : FED_TYPES[elemType];
}

/** What the model says about its input's values (metadata "Image.NominalPixelRange", dtype, first scalar ops). */
export function onnxInputSpec(model: onnx.ModelProto, inputName: string, dtype: string): InputSpec {
  const metadata = model.metadataProps.find((p) => p.key === 'Image.NominalPixelRange')?.value ?? undefined;
  return inputSpec(dtype, { metadata, ops: leadingOps(model.graph as onnx.GraphProto, inputName) });
}

/** The elementwise ops with a constant operand that the input goes through first (through casts and transposes). */
function leadingOps(graph: onnx.GraphProto, inputName: string): ScalarOp[] {
  const nodes = graph.node as onnx.NodeProto[];
  const ops: ScalarOp[] = [];
  let value = inputName;
  for (let step = 0; step < 6; step++) {
    const users = nodes.filter((n) => n.input.includes(value) && n.opType !== 'Shape');
    if (users.length !== 1) break;
    const node = users[0];
    if (PASS_THROUGH.has(node.opType!) && node.input[0] === value) {
      value = node.output[0];
      continue;
    }
    const op = SCALAR_OPS[node.opType!];
    // x − c and x / c only: c − x or c / x is not a scaling of the pixels
    if (!op || node.input.length !== 2 || ((op === 'sub' || op === 'div') && node.input[0] !== value)) break;
    const values = constantValues(graph, node.input[0] === value ? node.input[1] : node.input[0]);
    if (!values) break;
    ops.push({ op, values });
    value = node.output[0];
  }
  return ops;
}

/** A small float constant (an initializer or a Constant node's value): a scalar or one value per channel. */
function constantValues(graph: onnx.GraphProto, name: string): number[] | undefined {
  const tensor =
    (graph.initializer as onnx.TensorProto[]).find((t) => t.name === name) ??
    (
      (graph.node as onnx.NodeProto[]).find((n) => n.opType === 'Constant' && n.output[0] === name)?.attribute ?? []
    ).find((a) => a.name === 'value')?.t;
  if (!tensor) return undefined;
  let values: number[];
  if (tensor.floatData?.length) values = [...tensor.floatData];
  else if (tensor.dataType === DataType.FLOAT && tensor.rawData?.length) {
    const raw = tensor.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
  } else return undefined;
  return values.length >= 1 && values.length <= 4 ? values : undefined;
}

/** Probe values (already whole numbers for an integer input) as a tensor of the input's type. */
export function typedTensor(dtype: string, data: Float32Array, dims: number[]): ort.Tensor {
  switch (dtype) {
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(data), dims);
    case 'int64':
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(data, (v) => BigInt(Math.round(v))),
        dims,
      );
    case 'uint8':
      return new ort.Tensor('uint8', Uint8Array.from(data), dims);
    case 'int8':
      return new ort.Tensor('int8', Int8Array.from(data), dims);
    default:
      return new ort.Tensor('float32', data, dims);
  }
}
