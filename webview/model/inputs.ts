/**
 * The panel head's line on how the probe was fed to each model (ProbeInfo.inputs): dtype, pixel range and size with
 * where each came from, e.g. "input: A float32 0..255 (model), 224×224 (model) · B …"; the full reasons as its
 * tooltip. Models fed alike share one entry ("A, B …").
 */
import { describeInput, inputSummary } from '../../src/protocol/probe-input';
import type { ProbeInput } from '../../src/protocol/report';

export function inputsLine(probe: { inputs?: ProbeInput[] } | undefined): { text: string; title: string } | undefined {
  const inputs = probe?.inputs ?? [];
  if (inputs.length === 0) return undefined;
  const groups = new Map<string, string[]>();
  for (const input of inputs) {
    const key = inputSummary({ ...input, model: '' }).trim();
    groups.set(key, [...(groups.get(key) ?? []), input.model]);
  }
  const text = [...groups].map(([summary, models]) => `${models.join(', ')} ${summary}`).join(' · ');
  return { text: `input: ${text}`, title: inputs.map(describeInput).join('\n') };
}
