/** Text probes: a .txt file (one sample a line) or a .jsonl file (a "text" field a line), for sequence models. */
import { readFile } from 'node:fs/promises';
import { KcError } from '../errors';
import { DEFAULT_TOKEN_MODE, type TokenMode } from '../models/sequence';
import type { ProbeSource, RawImage } from './types';

/** A probe of texts; `samples()` yields no images (the drill-down has no thumbnails to draw). */
export interface TextProbeSource extends ProbeSource {
  readonly texts: readonly string[];
  /** How token features are compared (--tokens). */
  readonly tokens: TokenMode;
  /** Per-token: the first model's token count, which every other model must match (checkSameTokens). */
  tokenCount?: { model: string; count: number };
}

/**
 * Per-token comparison pairs token i of one model with token i of the other: a model whose tokenizer splits the texts
 * into another number of tokens is refused in one line, before any fit.
 */
export function checkSameTokens(probe: TextProbeSource, model: string, count: number): void {
  if (probe.tokens !== 'per-token') return;
  const first = (probe.tokenCount ??= { model, count });
  if (first.count !== count) {
    throw new KcError(
      `--tokens per-token needs the same tokenisation in both models: ${first.model}'s tokenizer gives ${first.count} tokens for the probe texts, ${model}'s ${count}; compare mean-pooled features (--tokens mean)`,
      'probe',
    );
  }
}

export { TEXT_PROBE } from '../../protocol/probe-input';

export function isTextProbe(probe: ProbeSource): probe is TextProbeSource {
  return Array.isArray((probe as Partial<TextProbeSource>).texts);
}

/** Reads the first `count` non-empty samples of a .txt or .jsonl file. */
export async function openTextProbe(file: string, count: number, tokens?: TokenMode): Promise<TextProbeSource> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch {
    throw new KcError(`probe file ${file} does not exist or cannot be read`, 'probe');
  }
  const jsonl = /\.jsonl$/i.test(file);
  const texts: string[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length && texts.length < count; i++) {
    if (!lines[i].trim()) continue;
    texts.push(jsonl ? jsonText(lines[i], file, i + 1) : lines[i]);
  }
  if (texts.length < 2)
    throw new KcError(`probe ${file} has ${texts.length} non-empty samples; need at least 2`, 'probe');
  const warnings =
    texts.length < count ? [`probe ${file} has ${texts.length} samples; using all of them instead of ${count}`] : [];
  const mode = tokens ?? DEFAULT_TOKEN_MODE;
  return {
    source: file,
    count: texts.length,
    description: `${texts.length} texts from ${file}`,
    pixels: false,
    warnings,
    texts,
    tokens: mode,
    async *samples(): AsyncIterable<RawImage> {},
  };
}

function jsonText(line: string, file: string, number: number): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new KcError(`${file} line ${number} is not JSON: each line of a .jsonl probe is {"text": "…"}`, 'probe');
  }
  const text = (value as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') {
    throw new KcError(
      `${file} line ${number} has no "text" string: each line of a .jsonl probe is {"text": "…"}`,
      'probe',
    );
  }
  return text;
}
