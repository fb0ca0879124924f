/**
 * What a model's input says about the values it expects: its element type and, where its graph or metadata tells,
 * the pixel range. Image models scale pixels in their first ops (x / 255, x / 127.5 − 1, x − 123.68) or in the code
 * around them; only the first is visible here. A model whose normalisation is folded into its first convolution
 * tells nothing: kc then feeds [0, 1] and warns when a late layer looks dead (probes/dead.ts).
 */

/** The adapters' report of their input: element type and, when known, the pixel range with the reason. */
export interface InputSpec {
  /** 'float32', 'int32', 'uint8' … */
  dtype: string;
  range?: [number, number];
  rangeReason?: string;
}

/** One elementwise op on the input with a constant operand (a scalar or one value per channel). */
export interface ScalarOp {
  op: 'mul' | 'div' | 'add' | 'sub';
  values: number[];
}

const INTEGER_TYPES = new Set(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

export function isIntegerType(dtype: string | undefined): boolean {
  return dtype !== undefined && INTEGER_TYPES.has(dtype);
}

/** ONNX's image metadata (metadata_props "Image.NominalPixelRange"), as its spec names the ranges. */
const NOMINAL_RANGES: Record<string, [number, number]> = {
  NominalRange_0_255: [0, 255],
  Normalized_0_1: [0, 1],
  Normalized_1_1: [-1, 1],
  NominalRange_16_235: [16, 235],
};

export function nominalRange(value: string | undefined): [number, number] | undefined {
  return value === undefined ? undefined : NOMINAL_RANGES[value.trim()];
}

/**
 * The input range implied by the first elementwise ops on the input, composed into x·a + b:
 * - a ≤ 1/64 (x / 255, x / 127.5 − 1, x · 0.0039): pixels 0..255;
 * - a = 1 and |b| ≥ 10 (x − 123.68, Caffe's mean subtraction): pixels 0..255;
 * - otherwise a shift or moderate scale (x · 2 − 1, (x − 0.485) / 0.229): pixels 0..1.
 * Undefined when there are no such ops or they say nothing (x · 1).
 */
export function rangeFromOps(ops: readonly ScalarOp[]): { range: [number, number]; reason: string } | undefined {
  if (ops.length === 0) return undefined;
  let a = 1;
  let b = 0;
  for (const { op, values } of ops) {
    const v = values.reduce((s, x) => s + x, 0) / values.length;
    if (!Number.isFinite(v) || (op === 'div' && v === 0)) return undefined;
    if (op === 'mul') [a, b] = [a * v, b * v];
    else if (op === 'div') [a, b] = [a / v, b / v];
    else if (op === 'add') b += v;
    else b -= v;
  }
  const formula = `x·${round(a)}${b === 0 ? '' : ` ${b < 0 ? '−' : '+'} ${round(Math.abs(b))}`}`;
  const scale = Math.abs(a);
  if (scale <= 1 / 64) return { range: [0, 255], reason: `its first ops compute ${formula}: pixels 0..255` };
  if (Math.abs(a - 1) < 1e-6 && Math.abs(b) >= 10) {
    return { range: [0, 255], reason: `its first op subtracts a pixel mean (${formula}): pixels 0..255` };
  }
  if (Math.abs(a - 1) < 1e-6 && b === 0) return undefined;
  if (scale <= 8 && Math.abs(b) <= 4) return { range: [0, 1], reason: `its first ops compute ${formula}: pixels 0..1` };
  return undefined;
}

function round(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/** The input's spec from its dtype, metadata and first ops: metadata first, then the dtype, then the ops. */
export function inputSpec(dtype: string, evidence: { metadata?: string; ops?: readonly ScalarOp[] } = {}): InputSpec {
  const declared = nominalRange(evidence.metadata);
  if (declared) {
    return { dtype, range: declared, rangeReason: `its metadata says Image.NominalPixelRange ${evidence.metadata}` };
  }
  if (isIntegerType(dtype)) return { dtype, range: [0, 255], rangeReason: `its input is ${dtype}: pixels 0..255` };
  const fromOps = rangeFromOps(evidence.ops ?? []);
  return fromOps ? { dtype, range: fromOps.range, rangeReason: fromOps.reason } : { dtype };
}
