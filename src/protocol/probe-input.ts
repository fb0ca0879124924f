/** How the probe was fed to a model's input, in words: one line per model for the CLI, the reports and the panel. */
import type { ProbeInput } from './report';

/** e.g. "A: int32 input, pixels 0..255 as whole numbers (from the model: its input is int32: …), 192×192 (the model fixes it)". */
export function describeInput(input: ProbeInput): string {
  if (input.text) return describeTexts(input.model, input.text, input.size[1]);
  const range = input.range
    ? `pixels ${input.range[0]}..${input.range[1]}${input.dtype === 'float32' ? '' : ' as whole numbers'} (${rangeWhy(input)})`
    : 'values as stored';
  const size = `${input.size[0]}×${input.size[1]} (${sizeWhy(input)})`;
  return `${input.model}: ${input.dtype} input, ${range}, ${size}`;
}

const PADDING_WORDS: Record<NonNullable<ProbeInput['text']>['padding'], string> = {
  model: 'the length the model fixes',
  longest: "the longest text's length (at most the tokenizer's limit)",
  shortest: "the shortest text's length, every text cut to it (--tokens positions)",
};

/** e.g. "A: texts of probe.txt tokenised with bert/tokenizer.json, length 16 (the length the model fixes), padding
 * masked by the attention mask; 678 tokens, 1 text truncated". */
function describeTexts(model: string, text: NonNullable<ProbeInput['text']>, length: number): string {
  const truncated = text.truncated ? `, ${text.truncated} text${text.truncated === 1 ? '' : 's'} truncated` : '';
  return `${model}: texts of ${text.file} tokenised with ${text.tokenizer}, length ${length} (${PADDING_WORDS[text.padding]}), padding masked by the attention mask; ${text.tokens} tokens${truncated}`;
}

/**
 * The probe's size for a header: "1000 samples", or for texts "200 texts, 2230 tokens" (each model's count when
 * their tokenizers differ: "200 texts, A 2230 / B 2301 tokens").
 */
export function probeSize(probe: { count: number; inputs?: ProbeInput[] }): string {
  const texts = (probe.inputs ?? []).filter((i) => i.text);
  if (texts.length === 0) return `${probe.count} samples`;
  const counts = new Set(texts.map((i) => i.text!.tokens));
  const tokens = counts.size === 1 ? `${[...counts][0]}` : texts.map((i) => `${i.model} ${i.text!.tokens}`).join(' / ');
  return `${probe.count} texts, ${tokens} tokens`;
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
  if (input.text)
    return `${input.model} texts, length ${input.size[1]} (${input.text.padding}), ${input.text.tokens} tokens`;
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

/** A probe file of texts, one sample a line (.txt) or a "text" field a line (.jsonl): fed to sequence models. */
export const TEXT_PROBE = /\.(txt|jsonl)$/i;
