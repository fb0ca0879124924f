/** ONNX sequence models: recognising token inputs ([N, T] integers, named by role) and feeding them by name. */
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { KcError } from '../errors';
import { roleValues, tokenRoles, TOKEN_CHANNELS, type SequenceInputs } from './sequence';

const INTEGER_TYPES: Partial<Record<number, 'int64' | 'int32'>> = {
  [onnx.TensorProto.DataType.INT64]: 'int64',
  [onnx.TensorProto.DataType.INT32]: 'int32',
};

/** A sequence model's inputs with each one's ONNX integer type. */
export interface OnnxSequence extends SequenceInputs {
  types: Record<string, 'int64' | 'int32'>;
}

/**
 * The model's inputs as token inputs when every one is an integer [N, T] tensor (a transformer export), else
 * undefined (an image model). The sequence length is the inputs' fixed T (≤ 0 when dynamic); inputs that fix
 * different lengths are refused.
 */
export function onnxSequenceInputs(inputs: readonly onnx.IValueInfoProto[], file: string): OnnxSequence | undefined {
  const typed = inputs.map((v) => {
    const tensor = v.type?.tensorType;
    const dims = tensor?.shape?.dim ?? [];
    const type = tensor?.elemType != null ? INTEGER_TYPES[tensor.elemType] : undefined;
    const t = dims[1]?.dimValue != null ? Number(dims[1].dimValue) : 0;
    return { name: v.name ?? '', type, rank: dims.length, length: t > 0 ? t : 0 };
  });
  if (typed.length === 0 || !typed.every((i) => i.type && i.rank === 2)) return undefined;
  const roles = tokenRoles(
    typed.map((i) => i.name),
    file,
  );
  const lengths = [...new Set(typed.map((i) => i.length).filter((t) => t > 0))];
  if (lengths.length > 1) {
    throw new KcError(`${file}: token inputs fix different lengths (${lengths.join(', ')})`, 'unsupported');
  }
  return {
    roles,
    length: lengths[0] ?? 0,
    types: Object.fromEntries(typed.map((i) => [i.name, i.type!])),
  };
}

/** The model's named inputs from a token batch [n, T, 3]. */
export function sequenceFeeds(
  sequence: OnnxSequence,
  data: Float32Array,
  shape: readonly number[],
): ort.InferenceSession.FeedsType {
  const [n, t, channels] = shape;
  if (shape.length !== 3 || channels !== TOKEN_CHANNELS) {
    throw new KcError(
      `a sequence model takes tokenised text probes, got a batch of shape [${shape.join(', ')}]: give --probe texts.txt or .jsonl`,
      'shape-mismatch',
    );
  }
  if (sequence.length > 0 && t !== sequence.length) {
    throw new KcError(`token batch has length ${t}, the model takes ${sequence.length}`, 'shape-mismatch');
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const { name, role } of sequence.roles) {
    const values = roleValues(data, n, t, role);
    feeds[name] =
      sequence.types[name] === 'int32'
        ? new ort.Tensor('int32', Int32Array.from(values), [n, t])
        : new ort.Tensor(
            'int64',
            BigInt64Array.from(values, (v) => BigInt(v)),
            [n, t],
          );
  }
  return feeds;
}

/** A zero-token batch (every position real) of n samples of length t, for the trial run that finds shapes. */
export function trialTokens(n: number, t: number): Float32Array {
  const data = new Float32Array(n * t * TOKEN_CHANNELS);
  for (let i = 1; i < data.length; i += TOKEN_CHANNELS) data[i] = 1;
  return data;
}
