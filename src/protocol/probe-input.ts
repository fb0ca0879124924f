/** How the probe was fed to a model's input, in words: one line per model for the CLI, the reports and the panel. */
import type { ProbeInput } from './report';

/** e.g. "A: int32 input, pixels 0..255 as whole numbers (from the model: its input is int32: …), 192×192 (the model fixes it)". */
export function describeInput(input: ProbeInput): string {
  const range = input.range
    ? `pixels ${input.range[0]}..${input.range[1]}${input.dtype === 'float32' ? '' : ' as whole numbers'} (${rangeWhy(input)})`
    : 'values as stored';
  const size = `${input.size[0]}×${input.size[1]} (${sizeWhy(input)})`;
  return `${input.model}: ${input.dtype} input, ${range}, ${size}`;
}

function rangeWhy(input: ProbeInput): string {
  if (input.rangeSource === 'option') return 'set by --input-range / knowledgeConsistency.inputRange';
  if (input.rangeSource === 'model') return `from the model: ${input.rangeReason ?? 'its input'}`;
  return 'default: nothing in the model says otherwise; set --input-range if it expects another';
}

function sizeWhy(input: ProbeInput): string {
  if (input.sizeSource === 'model') return 'the model fixes it';
  if (input.sizeSource === 'option') return 'set by --input-size';
  return `${input.sizeReason ?? 'default'}; set --input-size to change it`;
}

/** The short form for a header line: "A int32 0..255 (model), 192×192 (model)". */
export function inputSummary(input: ProbeInput): string {
  const range = input.range
    ? ` ${input.range[0]}..${input.range[1]} (${input.rangeSource ?? 'default'})`
    : ' as stored';
  return `${input.model} ${input.dtype}${range}, ${input.size[0]}×${input.size[1]} (${input.sizeSource})`;
}

/** The MNIST probe's side: 28×28 gray digits. */
export const MNIST_SIDE = 28;

/**
 * Why the default MNIST probe does not fit a model's input (NHWC without the batch; ≤ 0 = any size), or undefined when
 * it does: a colour input, or one at least twice MNIST's side. Shared by the engine's warning and the extension,
 * which asks for an image folder instead.
 */
export function mnistMisfit(input: { height: number; width: number; channels: number }): string | undefined {
  const colour = input.channels === 3;
  const larger = Math.max(input.height, input.width) >= 2 * MNIST_SIDE;
  if (!colour && !larger) return undefined;
  const size = (v: number) => (v > 0 ? String(v) : '?');
  return `${size(input.height)}×${size(input.width)}×${size(input.channels)}${colour ? ' colour' : ''}`;
}
