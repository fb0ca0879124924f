/**
 * Padding never enters a statistic: the pad positions' token ids are changed (a different pad id in tokenizer.json),
 * which changes the models' features at those positions but at no real token; every number of the report is then
 * identical, pooled, per token or by position.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCompare } from '../../../../../src/engine/compare';
import { openModel } from '../../../../../src/engine/models/index';
import { sequenceFeatures, TOKEN_CHANNELS, TOKEN_MASK } from '../../../../../src/engine/models/sequence';
import { openTextProbe } from '../../../../../src/engine/probes/text';
import { fitTextProbe } from '../../../../../src/engine/probes/text-tokens';
import type { Report } from '../../../../../src/protocol/report';
import { FIXTURES, PROBE_TXT, QUICK, SEED1, SEED2 } from './helpers';

const work = mkdtempSync(path.join(tmpdir(), 'kc-padding-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of a fixture model whose tokenizer pads with `padId` instead of [PAD]. */
function withPadId(name: string, padId: number): string {
  const folder = path.join(work, name);
  cpSync(path.join(FIXTURES, name), folder, { recursive: true });
  const file = path.join(folder, 'tokenizer.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  json.padding = { strategy: 'BatchLongest', pad_id: padId, pad_token: '[MASK]', pad_type_id: 0 };
  writeFileSync(file, JSON.stringify(json));
  return path.join(folder, 'model.onnx');
}

const A = withPadId('tiny-bert-seed1', 4);
const B = withPadId('tiny-bert-seed2', 4);

/** Raw [N, 1, T, C] features of a layer (no token mode) and the token batch they came from. */
async function raw(file: string, layer: string): Promise<{ data: Float32Array; tokens: Float32Array; t: number }> {
  const model = await openModel(file);
  try {
    const fit = await fitTextProbe(await openTextProbe(PROBE_TXT, 64), model);
    const chunks: Float32Array[] = [];
    const tokens: Float32Array[] = [];
    const batches = async function* () {
      for await (const b of fit.batches()) {
        tokens.push(b.data);
        yield b;
      }
    };
    await model.extract(batches(), [layer], { write: (_l, _s, d) => void chunks.push(d.slice()) });
    const concat = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => [...p]));
    return { data: concat(chunks), tokens: concat(tokens), t: fit.length };
  } finally {
    await model.dispose();
  }
}

test('a different pad id changes the features at pad positions only', async () => {
  const before = await raw(SEED1, 'layer1');
  const after = await raw(A, 'layer1');
  const c = before.data.length / (before.tokens.length / TOKEN_CHANNELS);
  let padDiff = 0;
  let realDiff = 0;
  for (let i = 0; i < before.tokens.length / TOKEN_CHANNELS; i++) {
    const real = before.tokens[i * TOKEN_CHANNELS + TOKEN_MASK] > 0;
    for (let k = 0; k < c; k++) {
      const d = Math.abs(before.data[i * c + k] - after.data[i * c + k]);
      if (real) realDiff = Math.max(realDiff, d);
      else padDiff = Math.max(padDiff, d);
    }
  }
  assert.ok(padDiff > 0.1, `pad positions changed by ${padDiff}`);
  assert.equal(realDiff, 0, 'the attention mask keeps real tokens from seeing the pads');
  // and the token modes read none of the pad values
  const n = before.tokens.length / TOKEN_CHANNELS / before.t;
  for (const mode of ['mean', 'per-token'] as const) {
    const x = sequenceFeatures(mode, 'layer1', 3, [n, 1, before.t, c], before.data, before.tokens);
    const y = sequenceFeatures(mode, 'layer1', 3, [n, 1, after.t, c], after.data, after.tokens);
    assert.deepEqual(y, x, mode);
  }
});

/** Every number of a report that depends on the features (not on the clock). */
function numbers(report: Report): unknown {
  return {
    matrix: report.matrix,
    pairs: report.pairs.map((p) => ({
      explained: p.explained,
      orders: p.orders.map((o) => o.fraction),
      inconsistent: p.inconsistent,
      varianceB: p.varianceB,
      similarity: p.similarity,
      samples: p.training.samples,
    })),
  };
}

for (const tokens of ['mean', 'per-token', 'positions'] as const) {
  test(`--tokens ${tokens}: changed pad features give the identical report`, async () => {
    const compare = (a: string, b: string) =>
      runCompare({
        modelA: a,
        modelB: b,
        probe: { source: PROBE_TXT, count: 160, tokens },
        layersA: ['embeddings', 'layer1'],
        layersB: ['embeddings', 'layer1'],
        direction: 'a2b',
        settings: QUICK,
      });
    const original = await compare(SEED1, SEED2);
    const padded = await compare(A, B);
    assert.deepEqual(numbers(padded), numbers(original));
    const explained = original.pairs.map((p) => p.explained);
    assert.ok(
      explained.every((e) => e > 0.2),
      `a real fit, not a degenerate one: ${explained}`,
    );
  });
}
