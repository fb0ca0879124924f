/**
 * Tokenising a text probe for one sequence model with the model's own tokenizer.json (Hugging Face format, found
 * beside the model file) through @huggingface/tokenizers: Hugging Face's own pure-JS port of its tokenizers
 * (the one transformers.js uses), no dependencies, no install script, ≈ 0.6 MB unpacked.
 */
import path from 'node:path';
import type { CancelSignal } from '../cancel';
import { throwIfCancelled } from '../cancel';
import { KcError } from '../errors';
import { ModelFolder, readChecked } from '../models/model-files';
import { tokenizerFile } from '../models/tokenizer-file';
import type { InputBatch, ModelAdapter } from '../models/types';
import { realTokens, TOKEN_CHANNELS, TOKEN_ID, TOKEN_MASK, TOKEN_TYPE, type TokenMode } from '../models/sequence';
import type { TextProbeSource } from './text';
import type { ProbeInput } from '../../protocol/report';

/** The library is ESM only: loaded by import() from this CommonJS build (esbuild bundles it either way). */
type Tokenizer = InstanceType<
  typeof import('@huggingface/tokenizers', { with: { 'resolution-mode': 'import' } }).Tokenizer
>;

/** Length used for models that take any length, when neither the tokenizer nor its config limits it. */
const DEFAULT_MAX_LENGTH = 512;

/** One text as the model takes it, before padding. */
export interface Encoded {
  ids: number[];
  types: number[];
}

/** A model's tokenizer: encodes one text with its special tokens, truncated to `length` as Hugging Face does. */
export interface TextTokenizer {
  file: string;
  /** The config's model_max_length or the tokenizer's truncation length, when it gives one. */
  maxLength?: number;
  padId: number;
  encode(text: string, length: number): Encoded;
  /** The token string of an id, as the tokenizer's vocabulary spells it. */
  token(id: number): string;
}

/**
 * Reads tokenizer.json (and tokenizer_config.json when present) from the model's folder, under the policy that
 * guards its weights (model-files.ts: regular files, inside the folder, symlinks only into the repository).
 */
export async function loadTokenizer(modelFile: string): Promise<TextTokenizer> {
  const folder = await ModelFolder.of(modelFile);
  const file = path.join(folder.dir, 'tokenizer.json');
  const checked = await tokenizerFile(folder, 'tokenizer.json');
  if (!checked) {
    throw new KcError(
      `${path.basename(modelFile)} takes token ids but there is no tokenizer.json beside it (${folder.dir}): save the model's tokenizer there (tokenizer.save_pretrained)`,
      'probe',
    );
  }
  const json = parse(await readChecked(checked), file);
  const configFile = await tokenizerFile(folder, 'tokenizer_config.json');
  const config = configFile ? parse(await readChecked(configFile), path.join(folder.dir, 'tokenizer_config.json')) : {};
  let tokenizer: Tokenizer;
  try {
    const { Tokenizer } = await import('@huggingface/tokenizers');
    tokenizer = new Tokenizer(json, config);
  } catch (e) {
    throw new KcError(`${file} cannot be read as a tokenizer: ${(e as Error).message}`, 'probe');
  }
  const truncation = json.truncation as { max_length?: number } | null;
  const limit = [config.model_max_length, truncation?.max_length].find(
    (v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 1e6,
  );
  const padding = json.padding as { pad_id?: number } | null;
  const padToken = ['[PAD]', '<pad>', '<|pad|>'].map((t) => tokenizer.token_to_id(t)).find((id) => id !== undefined);
  return {
    file,
    maxLength: limit,
    padId: padding?.pad_id ?? padToken ?? 0,
    encode: (text, length) => encodeTruncated(tokenizer, text, length),
    token: (id) => tokenizer.id_to_token(id) ?? `#${id}`,
  };
}

function parse(bytes: Buffer, file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (e) {
    throw new KcError(`${file} is not valid JSON: ${(e as Error).message}`, 'probe');
  }
  throw new KcError(`${file} is not a JSON object`, 'probe');
}

/**
 * The text with the tokenizer's special tokens, its content truncated so the whole fits `length` (Hugging Face's
 * truncation of a single sequence: the content is cut, the special tokens stay).
 */
function encodeTruncated(tokenizer: Tokenizer, text: string, length: number): Encoded {
  const full = tokenizer.encode(text, { return_token_type_ids: true });
  const types = full.token_type_ids ?? full.ids.map(() => 0);
  if (full.ids.length <= length) return { ids: full.ids, types };
  const content = tokenizer.encode(text, { add_special_tokens: false }).ids;
  const before = startOf(full.ids, content);
  const specials = full.ids.length - content.length;
  const keep = length - specials;
  if (before < 0 || keep < 1) {
    throw new KcError(`the model's length ${length} leaves no room for text beside the special tokens`, 'probe');
  }
  const cut = (values: number[]) => [...values.slice(0, before + keep), ...values.slice(before + content.length)];
  return { ids: cut(full.ids), types: cut(types) };
}

/** Where `content` starts inside `full` (the post-processor only adds tokens around it). */
function startOf(full: number[], content: number[]): number {
  for (let p = 0; p + content.length <= full.length; p++) {
    if (content.every((id, i) => full[p + i] === id)) return p;
  }
  return -1;
}

/** A text probe fitted to one sequence model: token batches [n, T, 3] and how many real tokens they hold. */
export interface TextFit {
  batches(signal?: CancelSignal): AsyncIterable<InputBatch>;
  preprocessing: string;
  /** Samples each layer's features will have: texts (mean, pooled layers) or real tokens (per-token). */
  tokens: number;
  /** Sequence length every text is truncated / padded to. */
  length: number;
  /** Per-token: each text's real tokens, the samples that are held out together (FeatureTensor.groups). */
  groups?: number[];
  /** --tokens positions: text i's tokens at the compared positions, shown under the drill-down's maps. */
  tokensOf?: (index: number) => string[];
  /** How the texts were fed, for the report (ProbeInput.text). */
  input: Omit<ProbeInput, 'model'>;
}

/** Tokenises every text of the probe for the model (at its fixed length, else the longest text's up to its limit). */
export async function fitTextProbe(probe: TextProbeSource, model: ModelAdapter, batchSize = 64): Promise<TextFit> {
  if (!model.sequence) {
    throw new KcError(
      `${model.ref.name} takes images, not token ids: a text probe (${probe.source}) needs a sequence model with an input_ids input`,
      'probe',
    );
  }
  const tokenizer = await loadTokenizer(model.ref.path);
  const fixed = model.sequence.length > 0 ? model.sequence.length : undefined;
  const limit = fixed ?? tokenizer.maxLength ?? DEFAULT_MAX_LENGTH;
  let encoded = probe.texts.map((t) => tokenizer.encode(t, limit));
  // positions: every text cut to the shortest one's tokens, so each of the L positions is a real token in every text
  const shortest = Math.min(...encoded.map((e) => e.ids.length));
  if (probe.tokens === 'positions') encoded = probe.texts.map((t) => tokenizer.encode(t, shortest));
  const length = fixed ?? Math.max(...encoded.map((e) => e.ids.length));
  const truncated = encoded.filter((e, i) => tokenizer.encode(probe.texts[i], Infinity).ids.length > e.ids.length);
  const data = new Float32Array(encoded.length * length * TOKEN_CHANNELS);
  encoded.forEach((e, s) => {
    for (let p = 0; p < length; p++) {
      const at = (s * length + p) * TOKEN_CHANNELS;
      const real = p < e.ids.length;
      data[at + TOKEN_ID] = real ? e.ids[p] : tokenizer.padId;
      data[at + TOKEN_MASK] = real ? 1 : 0;
      data[at + TOKEN_TYPE] = real ? e.types[p] : 0;
    }
  });
  const tokens = realTokens(data);
  const padding = fixed ? 'model' : probe.tokens === 'positions' ? 'shortest' : 'longest';
  const input: Omit<ProbeInput, 'model'> = {
    dtype: 'token ids',
    size: [1, length],
    sizeSource: fixed ? 'model' : 'default',
    text: { file: probe.source, tokenizer: tokenizer.file, tokens, truncated: truncated.length, padding },
  };
  const note = truncated.length ? `, ${truncated.length} truncated` : '';
  return {
    preprocessing: `${probe.description}, tokenised with ${tokenizer.file} to length ${length} (${tokens} tokens${note}, padding masked), ${MODE_WORDS[probe.tokens].replace('L', String(shortest))}`,
    tokens,
    length,
    input,
    ...(probe.tokens === 'positions'
      ? { tokensOf: (i: number) => (encoded[i]?.ids ?? []).map((id) => tokenizer.token(id)) }
      : {}),
    ...(probe.tokens === 'per-token' ? { groups: encoded.map((e) => e.ids.length) } : {}),
    batches: (signal) => tokenBatches(data, encoded.length, length, batchSize, signal),
  };
}

/**
 * How the texts are fed to each model (ProbeInput), for the report's header before extraction: tokenising is cheap
 * next to running the models, so the texts are tokenised here and again by the extraction.
 */
export async function textInputs(probe: TextProbeSource, models: Record<string, ModelAdapter>): Promise<ProbeInput[]> {
  const inputs: ProbeInput[] = [];
  for (const [model, adapter] of Object.entries(models)) {
    inputs.push({ model, ...(await fitTextProbe(probe, adapter)).input });
  }
  return inputs;
}

const MODE_WORDS: Record<TokenMode, string> = {
  mean: 'token features mean-pooled over each text',
  'per-token': 'each token one sample',
  positions: "every text cut to the shortest one's L tokens, compared as 1 × L maps",
};

async function* tokenBatches(
  data: Float32Array,
  n: number,
  length: number,
  batchSize: number,
  signal?: CancelSignal,
): AsyncIterable<InputBatch> {
  const per = length * TOKEN_CHANNELS;
  for (let s = 0; s < n; s += batchSize) {
    throwIfCancelled(signal);
    const m = Math.min(batchSize, n - s);
    yield { shape: [m, length, TOKEN_CHANNELS], data: data.slice(s * per, (s + m) * per) };
  }
}
