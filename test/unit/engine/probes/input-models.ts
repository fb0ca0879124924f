/** Small ONNX models built in the test, each with one input convention to detect: an integer input, pixels scaled in
 * the first op, a range in the metadata, and a dynamic size that breaks unless it is a multiple of 8. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';

const T = onnx.TensorProto.DataType;
type Dim = number | string;

function value(name: string, elemType: number, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function node(opType: string, input: string[], output: string, attribute: onnx.IAttributeProto[] = []) {
  return onnx.NodeProto.create({ opType, input, output: [output], name: output, attribute });
}

function floats(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dataType: T.FLOAT, dims, floatData: values };
}

function write(
  dir: string,
  name: string,
  graph: {
    input: onnx.IValueInfoProto;
    nodes: onnx.NodeProto[];
    output: onnx.IValueInfoProto;
    init?: onnx.ITensorProto[];
  },
  metadata?: Record<string, string>,
): string {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'kc-test',
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: Object.entries(metadata ?? {}).map(([key, v]) => ({ key, value: v })),
    graph: onnx.GraphProto.create({
      name,
      node: graph.nodes,
      input: [graph.input],
      output: [graph.output],
      initializer: graph.init ?? [],
    }),
  });
  const file = path.join(dir, `${name}.onnx`);
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
  return file;
}

/** x (int32 or uint8, [N, 1, 28, 28]) → Cast to float "pixels" → Relu "relu": the pixels as the model received them. */
export function integerInputModel(dir: string, elemType: number): string {
  return write(dir, `integer-${elemType}`, {
    input: value('x', elemType, ['N', 1, 28, 28]),
    nodes: [
      node('Cast', ['x'], 'pixels', [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: T.FLOAT }]),
      node('Relu', ['pixels'], 'relu'),
    ],
    output: value('relu', T.FLOAT, ['N', 1, 28, 28]),
  });
}

/** x (float, [N, 1, 28, 28]) → Div by 255 "scaled" → Relu "relu": a model that scales 0..255 pixels itself. */
export function divides255Model(dir: string): string {
  return write(dir, 'divides-255', {
    input: value('x', T.FLOAT, ['N', 1, 28, 28]),
    init: [floats('c255', [], [255])],
    nodes: [node('Div', ['x', 'c255'], 'scaled'), node('Relu', ['scaled'], 'relu')],
    output: value('relu', T.FLOAT, ['N', 1, 28, 28]),
  });
}

/** x (float) → Identity "same" → Relu: the range only in metadata_props Image.NominalPixelRange. */
export function metadataRangeModel(dir: string, range: string): string {
  return write(
    dir,
    `metadata-${range}`,
    {
      input: value('x', T.FLOAT, ['N', 1, 28, 28]),
      nodes: [node('Identity', ['x'], 'same'), node('Relu', ['same'], 'relu')],
      output: value('relu', T.FLOAT, ['N', 1, 28, 28]),
    },
    { 'Image.NominalPixelRange': range },
  );
}

/**
 * x (float, [N, 1, H, W], H and W dynamic) → MaxPool 8×8 stride 8 → Resize ×8 "up" → Add x "sum": the skip connection
 * of a U-Net or FPN, which onnxruntime can only broadcast when H and W are multiples of 8 (28 → 3 → 24 ≠ 28).
 */
export function dynamicSizeModel(dir: string): string {
  const ints = (name: string, v: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v });
  return write(dir, 'dynamic-size', {
    input: value('x', T.FLOAT, ['N', 1, 'H', 'W']),
    init: [floats('scales', [4], [1, 1, 8, 8])],
    nodes: [
      node('MaxPool', ['x'], 'pooled', [ints('kernel_shape', [8, 8]), ints('strides', [8, 8])]),
      node('Resize', ['pooled', '', 'scales'], 'up', [
        { name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: Buffer.from('nearest') },
      ]),
      node('Add', ['x', 'up'], 'sum'),
      node('Relu', ['sum'], 'relu'),
    ],
    output: value('relu', T.FLOAT, ['N', 1, 'H', 'W']),
  });
}

/**
 * x (float, [N, 1, 28, 28]) → 1×1 Conv to 8 channels, weight 0.1…0.8, bias −2 → Relu "relu": every channel is 0 for
 * pixels in [0, 1] and alive for 0..255, and nothing in the graph says which it expects (as when a model's
 * normalisation is folded into its first convolution).
 */
export function foldedScaleModel(dir: string): string {
  return write(dir, 'folded-scale', {
    input: value('x', T.FLOAT, ['N', 1, 28, 28]),
    init: [
      floats(
        'w',
        [8, 1, 1, 1],
        Array.from({ length: 8 }, (_, i) => (i + 1) / 10),
      ),
      floats('b', [8], new Array<number>(8).fill(-2)),
    ],
    nodes: [node('Conv', ['x', 'w', 'b'], 'conv'), node('Relu', ['conv'], 'relu')],
    output: value('relu', T.FLOAT, ['N', 8, 28, 28]),
  });
}
