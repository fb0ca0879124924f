/**
 * A tiny ONNX graph builder: nodes, float32 graph inputs/outputs with symbolic dims, and int64/float constants.
 * It serialises a ModelProto with onnx-proto; onnxruntime-node loads the bytes directly.
 */
import { onnx } from 'onnx-proto';

export const OPSET = 13;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

type Dim = number | string;
/** Integers, integer lists or strings; float values go in as constants. */
type AttrValue = number | number[] | string;

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private counter = 0;

  /** `opset`: the default ONNX domain's version (a graph that copies nodes of a model keeps at least its opset). */
  constructor(
    private readonly name: string,
    private readonly opset = OPSET,
  ) {}

  /** Adds a node built elsewhere (e.g. copied from a model), unchanged. */
  node(node: onnx.INodeProto): void {
    this.nodes.push(node);
  }

  /** Adds a constant tensor built elsewhere (e.g. a model's weight). */
  initializer(tensor: onnx.ITensorProto): void {
    this.initializers.push(tensor);
  }

  /** A graph input; `elemType` is an ONNX TensorProto.DataType (default FLOAT). */
  input(name: string, dims: Dim[], elemType = FLOAT): string {
    this.inputs.push(valueInfo(name, dims, elemType));
    return name;
  }

  /** Marks an existing value as a graph output under `name` (an Identity when the names differ). */
  output(value: string, name: string = value, dims?: Dim[], elemType = FLOAT): void {
    if (value !== name) this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: name });
    this.outputs.push(valueInfo(name, dims, elemType));
  }

  /** Adds one node and returns its (first) output name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, nOutputs = 1): string {
    const id = this.counter++;
    const output = Array.from({ length: nOutputs }, (_, i) => `${opType.toLowerCase()}_${id}${i ? `_${i}` : ''}`);
    this.nodes.push({
      opType,
      input: inputs,
      output,
      name: `${opType}_${id}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output[0];
  }

  /** An int64 constant (shapes, axes, slice bounds). */
  ints(values: number[]): string {
    const name = `i64_${this.counter++}`;
    this.initializers.push({
      name,
      dataType: onnx.TensorProto.DataType.INT64,
      dims: [values.length],
      int64Data: values,
    });
    return name;
  }

  /** A float32 constant; a scalar when `dims` is []. */
  floats(values: number[], dims: number[] = [values.length]): string {
    const name = `f32_${this.counter++}`;
    this.initializers.push({ name, dataType: onnx.TensorProto.DataType.FLOAT, dims, floatData: values });
    return name;
  }

  scalar(value: number): string {
    return this.floats([value], []);
  }

  toBytes(): Uint8Array {
    const graph: onnx.IGraphProto = {
      name: this.name,
      node: this.nodes,
      input: this.inputs,
      output: this.outputs,
      initializer: this.initializers,
    };
    return modelBytes(graph, this.opset);
  }
}

/** A ModelProto of kc's making around `graph`, serialised. */
export function modelBytes(graph: onnx.IGraphProto, opset: number): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'knowledge-consistency',
    opsetImport: [{ domain: '', version: opset }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

function valueInfo(name: string, dims: Dim[] | undefined, elemType: number): onnx.IValueInfoProto {
  const tensorType: onnx.TypeProto.ITensor = { elemType };
  if (dims) tensorType.shape = { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType } };
}

function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (!Number.isInteger(value))
    throw new RangeError(`attribute ${name}: only integer attributes (pass floats as constants)`);
  return { name, type: T.INT, i: value };
}
