/** Runs a whole ONNX model (bytes) on many samples in chunks and gathers the outputs it is asked for. */
import { onnx } from 'onnx-proto';
import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { modelBytes } from '../compute/onnx-builder';
import { createSession } from '../compute/ort-session';
import { KcError } from '../errors';
import type { OnnxModel } from './onnx-parts';

const CHUNK = 256;

/** Values of one output over all samples: dims[0] is the sample count. */
export interface Gathered {
  dims: number[];
  data: Float32Array;
}

/** `model` re-encoded with `outputs` as its graph outputs (any node output may be one). */
export function withOutputs(model: OnnxModel, outputs: string[]): Uint8Array {
  const graph = onnx.GraphProto.create({
    ...model.graph,
    output: outputs.map((name) => onnx.ValueInfoProto.create({ name })),
  });
  return modelBytes(graph, model.opset);
}

/** Feeds `inputs` ([n, ...sampleDims], float32) through the model in chunks; returns each output over all samples. */
export async function runModel(
  bytes: Uint8Array,
  inputName: string,
  inputs: { n: number; sampleDims: number[]; data: Float32Array },
  outputs: string[],
  session?: ort.InferenceSession,
): Promise<Map<string, Gathered>> {
  const own = session ?? (await createSession(bytes));
  try {
    const per = inputs.sampleDims.reduce((a, b) => a * b, 1);
    const parts = new Map<string, Float32Array[]>(outputs.map((o) => [o, []]));
    const dims = new Map<string, number[]>();
    for (let start = 0; start < inputs.n; start += CHUNK) {
      const m = Math.min(CHUNK, inputs.n - start);
      const x = new Tensor('float32', inputs.data.subarray(start * per, (start + m) * per), [m, ...inputs.sampleDims]);
      const result = await own.run({ [inputName]: x }, outputs);
      for (const name of outputs) {
        const value = result[name];
        if (!value || value.type !== 'float32') throw new KcError(`onnxruntime returned no float32 value "${name}"`);
        parts.get(name)!.push((value.data as Float32Array).slice());
        dims.set(name, [...value.dims].slice(1));
      }
    }
    return new Map(
      outputs.map((name) => {
        const chunks = parts.get(name)!;
        const data = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
        let offset = 0;
        for (const c of chunks) {
          data.set(c, offset);
          offset += c.length;
        }
        return [name, { dims: [inputs.n, ...dims.get(name)!], data }];
      }),
    );
  } finally {
    if (!session) await own.release();
  }
}
