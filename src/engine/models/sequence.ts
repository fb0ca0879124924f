/**
 * Sequence (transformer) models: token inputs fed by name, and how their [N, T, C] features are compared.
 *
 * A tokenised probe travels through the engine's ordinary batches as float32 [n, T, 3]: per position the token id,
 * the attention mask and the token type id (ids are whole numbers below 2²⁴, exact in float32), so re-batching and
 * streaming stay the same as for images. The adapter turns the three channels into the model's named integer inputs.
 */
import type { LayerInfo } from '../../protocol/report';
import { KcError } from '../errors';

/**
 * How [N, T, C] features are compared: every real token as one sample, the mean over each text's real tokens, or
 * the token positions as a 1 × L map per text (texts truncated to the shortest one's L tokens, so every position
 * is real).
 */
export type TokenMode = 'per-token' | 'mean' | 'positions';
export const TOKEN_MODES: readonly TokenMode[] = ['per-token', 'mean', 'positions'];
export const DEFAULT_TOKEN_MODE: TokenMode = 'mean';

/** Channels of a token batch [n, T, TOKEN_CHANNELS]. */
export const TOKEN_CHANNELS = 3;
export const TOKEN_ID = 0;
export const TOKEN_MASK = 1;
export const TOKEN_TYPE = 2;

/**
 * Tokens of the trial run that finds a dynamic-length model's layer shapes: short (a model's position embeddings may
 * hold few) and odd, so that no channel count is taken for the sequence length.
 */
export const TRIAL_TOKENS = 7;

/** Which role each of a model's integer inputs plays. */
export type TokenRole = 'ids' | 'mask' | 'types' | 'positions';

/** A sequence model's inputs: names by role and the sequence length (≤ 0 when the model takes any). */
export interface SequenceInputs {
  /** Input name → role, in the model's input order. */
  roles: Array<{ name: string; role: TokenRole }>;
  length: number;
}

/** Hugging Face's input names (BERT, RoBERTa, DistilBERT, GPT-2 exports) and their usual variants. */
const ROLE_NAMES: Array<[RegExp, TokenRole]> = [
  [/^(input_ids|input|ids|tokens?|token_ids|src|text)$/i, 'ids'],
  [/^(attention_mask|mask|input_mask|src_key_padding_mask)$/i, 'mask'],
  [/^(token_type_ids|segment_ids|type_ids|segments?)$/i, 'types'],
  [/^position_ids$/i, 'positions'],
];

/**
 * Roles of integer inputs from their names; a KcError naming the input that has no role, or when there is no ids
 * input. `what` names the model in messages.
 */
export function tokenRoles(names: readonly string[], what: string): Array<{ name: string; role: TokenRole }> {
  const roles = names.map((name) => {
    const role = ROLE_NAMES.find(([re]) => re.test(name))?.[1];
    if (!role) {
      throw new KcError(
        `${what}: input "${name}" is not one kc can feed from a text probe (known: input_ids, attention_mask, token_type_ids, position_ids)`,
        'unsupported',
      );
    }
    return { name, role };
  });
  if (!roles.some((r) => r.role === 'ids')) {
    throw new KcError(`${what}: no token-ids input among ${names.join(', ')}`, 'unsupported');
  }
  return roles;
}

/** The values of one role in a token batch [n, T, 3], as whole numbers (positions: 0…T−1 per sample). */
export function roleValues(batch: Float32Array, n: number, t: number, role: TokenRole): number[] {
  const out = new Array<number>(n * t);
  const channel = role === 'ids' ? TOKEN_ID : role === 'mask' ? TOKEN_MASK : TOKEN_TYPE;
  for (let i = 0; i < n * t; i++) out[i] = role === 'positions' ? i % t : batch[i * TOKEN_CHANNELS + channel];
  return out;
}

/**
 * A layer's [n, T, C] features as compared: `mean` → [n, C], the mean over each sample's real (mask = 1) tokens;
 * `per-token` → [tokens, C], one sample per real token in order; `positions` → [n, 1, L, C], the L real positions
 * of texts that all have L (text-tokens.ts truncates them so). Padding never enters any, so no statistic
 * downstream sees it. `tokens` is the batch's token data [n, T, 3].
 */
export function tokenFeatures(
  mode: TokenMode,
  data: Float32Array,
  n: number,
  t: number,
  c: number,
  tokens: Float32Array,
): { shape: number[]; data: Float32Array } {
  const real = (s: number, p: number) => tokens[(s * t + p) * TOKEN_CHANNELS + TOKEN_MASK] > 0;
  if (mode === 'mean') {
    const out = new Float32Array(n * c);
    const sum = new Float64Array(c);
    for (let s = 0; s < n; s++) {
      sum.fill(0);
      let count = 0;
      for (let p = 0; p < t; p++) {
        if (!real(s, p)) continue;
        count++;
        const base = (s * t + p) * c;
        for (let k = 0; k < c; k++) sum[k] += data[base + k];
      }
      if (count === 0) throw new KcError(`probe text ${s + 1} of a batch has no tokens`, 'probe');
      for (let k = 0; k < c; k++) out[s * c + k] = sum[k] / count;
    }
    return { shape: [n, c], data: out };
  }
  if (mode === 'positions') {
    let l = 0;
    while (l < t && real(0, l)) l++;
    for (let s = 0; s < n; s++) {
      for (let p = 0; p < t; p++) {
        if (real(s, p) !== p < l) {
          throw new KcError(
            `--tokens positions: probe texts of a batch have different lengths (${l} and more or fewer)`,
            'internal',
          );
        }
      }
    }
    const out = new Float32Array(n * l * c);
    for (let s = 0; s < n; s++) out.set(data.subarray(s * t * c, (s * t + l) * c), s * l * c);
    return { shape: [n, 1, l, c], data: out };
  }
  let count = 0;
  for (let s = 0; s < n; s++) for (let p = 0; p < t; p++) if (real(s, p)) count++;
  const out = new Float32Array(count * c);
  let at = 0;
  for (let s = 0; s < n; s++) {
    for (let p = 0; p < t; p++) {
      if (!real(s, p)) continue;
      out.set(data.subarray((s * t + p) * c, (s * t + p + 1) * c), at);
      at += c;
    }
  }
  return { shape: [count, c], data: out };
}

/**
 * A sequence model's layer table: values of rank ≥ 4 (attention scores and probabilities, head-split reshapes) are
 * kind 'attention' and no probe point, so the heatmap and the default pairs keep to token ([N, T, C]) and pooled
 * ([N, C]) features. `ranks` gives each value's ONNX rank.
 */
export function sequenceLayers(layers: LayerInfo[], ranks: ReadonlyMap<string, number>): LayerInfo[] {
  return layers.map((l) => ((ranks.get(l.name) ?? 0) >= 4 ? { ...l, kind: 'attention', probePoint: false } : l));
}

/**
 * A layer's features as compared (`rank` its ONNX rank, `data` [n, …]): [N, T, C] as tokenFeatures gives them;
 * in per-token mode a pooled [N, C] layer is repeated at each of its text's real tokens, so that every layer has
 * one sample per token; other ranks have no token axis to compare per token.
 */
export function sequenceFeatures(
  mode: TokenMode,
  layer: string,
  rank: number,
  shape: number[],
  data: Float32Array,
  tokens: Float32Array,
): { shape: number[]; data: Float32Array } {
  const t = tokens.length / TOKEN_CHANNELS / shape[0];
  if (rank === 3 && shape[2] === t) return tokenFeatures(mode, data, shape[0], t, shape[3], tokens);
  if (mode !== 'per-token') return { shape, data };
  if (rank === 2) {
    const c = shape[1];
    const out = new Float32Array(realTokens(tokens) * c);
    let at = 0;
    for (let s = 0; s < shape[0]; s++) {
      for (let p = 0; p < t; p++) {
        if (tokens[(s * t + p) * TOKEN_CHANNELS + TOKEN_MASK] > 0) {
          out.set(data.subarray(s * c, (s + 1) * c), at);
          at += c;
        }
      }
    }
    return { shape: [out.length / c, c], data: out };
  }
  throw new KcError(
    `layer ${layer} has no [N, T, C] token axis to compare per token: use --tokens mean`,
    'unsupported',
  );
}

/** Real tokens (mask = 1) in a token batch's data. */
export function realTokens(tokens: Float32Array): number {
  let count = 0;
  for (let i = TOKEN_MASK; i < tokens.length; i += TOKEN_CHANNELS) if (tokens[i] > 0) count++;
  return count;
}
