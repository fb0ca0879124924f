/**
 * Cutting an ONNX model at a value: the lower part (the nodes that compute it from the input) and the upper part
 * (the nodes that compute the output from it). Refinement joins A's lower part, g and B's upper part into one model.
 */
import { readFile } from 'node:fs/promises';
import { onnx } from 'onnx-proto';
import { KcError, ModelParseError } from '../errors';

export interface OnnxModel {
  file: string;
  graph: onnx.GraphProto;
  opset: number;
  /** The one image input (not an initializer) and its dims (symbolic ones as strings). */
  input: { name: string; dims: Array<number | string> };
  /** The first graph output: the logits (or class probabilities) refinement trains and scores. */
  output: string;
  /** Its dims as the model declares them (symbolic ones as strings), so B′ declares the same. */
  outputDims: Array<number | string>;
}

/** A graph cut at a value: its nodes in graph order and the initializers they read. */
export interface GraphPart {
  nodes: onnx.NodeProto[];
  initializers: onnx.TensorProto[];
}

/** Reads an .onnx file; TF.js models are refused in one line (refinement writes ONNX and cuts ONNX graphs). */
export async function readOnnxModel(file: string): Promise<OnnxModel> {
  if (!file.toLowerCase().endsWith('.onnx'))
    throw new KcError(`${file}: kc refine takes ONNX models (.onnx); TF.js and PyTorch models are not supported yet`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new KcError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ModelParseError(`${file} is not a valid ONNX model (${(e as Error).message})`, file);
  }
  const graph = model.graph as onnx.GraphProto | null;
  if (!graph || graph.node.length === 0)
    throw new ModelParseError(`${file} is not an ONNX model: no graph nodes`, file);
  if (graph.initializer.some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL))
    throw new KcError(`${file}: models with external data are not supported by kc refine`);
  const weights = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((i) => !weights.has(i.name));
  if (inputs.length !== 1) throw new KcError(`${file} has ${inputs.length} inputs; kc refine takes one image input`);
  const dims = (inputs[0].type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue !== null && d.dimValue !== undefined && Number(d.dimValue) > 0
      ? Number(d.dimValue)
      : (d.dimParam ?? '?'),
  );
  const opset = Number(model.opsetImport.find((o) => !o.domain)?.version ?? 13);
  if (graph.output.length === 0) throw new ModelParseError(`${file} has no graph output`, file);
  return {
    file,
    graph,
    opset,
    input: { name: inputs[0].name!, dims },
    output: graph.output[0].name!,
    outputDims: declaredDims(graph.output[0]),
  };
}

/** A value's declared dims; symbolic or unknown ones as names (an unnamed one as "?"). */
function declaredDims(v: onnx.IValueInfoProto): Array<number | string> {
  return (v.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue !== null && d.dimValue !== undefined && Number(d.dimValue) > 0 ? Number(d.dimValue) : d.dimParam || '?',
  );
}

/** The nodes that compute `value` from the input (A's part below the explaining layer). */
export function lowerPart(model: OnnxModel, value: string): GraphPart {
  requireValue(model, value);
  return part(model, closure(model.graph, [value], new Set([model.input.name])));
}

/** The nodes that compute the output from `value` (B's part above the explained layer). Refused when the output also
 * depends on the input other than through `value` (a skip connection around it). */
export function upperPart(model: OnnxModel, value: string): GraphPart {
  requireValue(model, value);
  const nodes = closure(model.graph, [model.output], new Set([value]));
  const produced = new Set(nodes.flatMap((n) => n.output));
  const weights = new Set(model.graph.initializer.map((t) => t.name));
  const reaches = nodes.some((n) => n.input.some((i) => i === model.input.name && !produced.has(i) && !weights.has(i)));
  if (reaches)
    throw new KcError(
      `${model.file}: the output depends on the input other than through "${value}" (a connection skips it); pick a layer every path to the output goes through`,
    );
  if (!nodes.some((n) => n.input.includes(value)))
    throw new KcError(`${model.file}: the output does not depend on "${value}"; pick a layer below the output`);
  return part(model, nodes);
}

/** Refuses a value no node computes, listing the layers there are. */
function requireValue(model: OnnxModel, value: string): void {
  const nodes = model.graph.node as onnx.NodeProto[];
  if (!nodes.some((n) => n.output.includes(value))) {
    const names = nodes.map((n) => n.output[0]).filter(Boolean);
    throw new KcError(`${model.file} has no layer "${value}"; its layers: ${names.join(', ')}`);
  }
}

/** The nodes needed for `targets`, stopping at `stops`, in graph order. */
function closure(graph: onnx.GraphProto, targets: string[], stops: Set<string>): onnx.NodeProto[] {
  const nodes = graph.node as onnx.NodeProto[];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => producer.set(o, i)));
  const needed = new Set<number>();
  const stack = [...targets];
  while (stack.length) {
    const value = stack.pop()!;
    if (stops.has(value)) continue;
    const i = producer.get(value);
    if (i === undefined || needed.has(i)) continue;
    needed.add(i);
    stack.push(...nodes[i].input.filter(Boolean));
  }
  return nodes.filter((_, i) => needed.has(i));
}

function part(model: OnnxModel, nodes: onnx.NodeProto[]): GraphPart {
  const used = new Set(nodes.flatMap((n) => n.input));
  const initializers = (model.graph.initializer as onnx.TensorProto[]).filter((t) => used.has(t.name));
  if (nodes.some((n) => n.attribute.some((a) => a.g || a.graphs?.length)))
    throw new KcError(`${model.file}: control-flow ops (If, Loop, Scan) are not supported by kc refine`);
  return { nodes, initializers };
}

/** A copy of `part` with every value name (not the graph input's) passed through `rename`. */
export function renamed(p: GraphPart, rename: (name: string) => string): GraphPart {
  const name = (v: string) => (v ? rename(v) : v);
  return {
    nodes: p.nodes.map((n) =>
      onnx.NodeProto.create({
        ...n,
        name: name(n.name || n.output[0]),
        input: n.input.map(name),
        output: n.output.map(name),
      }),
    ),
    initializers: p.initializers.map((t) => onnx.TensorProto.create({ ...t, name: rename(t.name) })),
  };
}

/** An initializer's values as float32 (raw little-endian bytes or float_data). */
export function floatValues(t: onnx.ITensorProto): Float32Array {
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) throw new KcError(`weight ${t.name} is not float32`);
  if (t.rawData && t.rawData.length) {
    const raw = t.rawData;
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    return new Float32Array(copy.buffer);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** A float32 initializer. */
export function floatTensor(name: string, dims: number[], values: Float32Array): onnx.TensorProto {
  return onnx.TensorProto.create({
    name,
    dataType: onnx.TensorProto.DataType.FLOAT,
    dims,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice(),
  });
}

/** A value's dims from the model's value_info / outputs, when recorded (batch and unknown sizes as −1). */
export function valueDims(model: OnnxModel, value: string): number[] | undefined {
  const info = [...model.graph.valueInfo, ...model.graph.output].find((v) => v.name === value);
  const dims = info?.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d) =>
    d.dimValue !== null && d.dimValue !== undefined && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1,
  );
}
