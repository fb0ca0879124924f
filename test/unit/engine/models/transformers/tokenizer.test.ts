import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCompare } from '../../../../../src/engine/compare';
import { openModel } from '../../../../../src/engine/models/index';
import { TOKEN_CHANNELS } from '../../../../../src/engine/models/sequence';
import { openProbe } from '../../../../../src/engine/probes/index';
import { isTextProbe, openTextProbe } from '../../../../../src/engine/probes/text';
import { fitTextProbe } from '../../../../../src/engine/probes/text-tokens';
import { PROBE_JSONL, PROBE_TXT, REFERENCE, SEED1, SEED2 } from './helpers';

interface Reference {
  length: number;
  samples: Array<{ text: string; input_ids: number[]; attention_mask: number[]; token_type_ids: number[] }>;
}

const work = mkdtempSync(path.join(tmpdir(), 'kc-tokenizer-'));
after(() => rmSync(work, { recursive: true, force: true }));

test("texts are tokenised as the script's Python BERT tokenizer does: ids, mask, type ids at the model's length", async () => {
  const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as Reference;
  const file = path.join(work, 'reference.txt');
  writeFileSync(file, reference.samples.map((s) => s.text).join('\n'));
  const probe = await openTextProbe(file, 10_000);
  assert.equal(probe.count, reference.samples.length);
  const model = await openModel(SEED1);
  try {
    const fit = await fitTextProbe(probe, model);
    assert.equal(fit.length, reference.length, 'padded to the length the model fixes');
    const rows: number[][][] = [];
    for await (const batch of fit.batches()) {
      const [n, t, c] = batch.shape;
      assert.equal(c, TOKEN_CHANNELS);
      for (let s = 0; s < n; s++) {
        const row = (k: number) => Array.from({ length: t }, (_, p) => batch.data[(s * t + p) * c + k]);
        rows.push([row(0), row(1), row(2)]);
      }
    }
    reference.samples.forEach((r, i) => {
      assert.deepEqual(rows[i], [r.input_ids, r.attention_mask, r.token_type_ids], `sample ${i}: ${r.text}`);
    });
    // the long edge case is truncated inside [CLS] … [SEP], and one text in the set is longer than 16 tokens
    assert.ok(reference.samples.some((r) => r.attention_mask.every((m) => m === 1) && r.input_ids.at(-1) === 3));
    assert.match(fit.preprocessing, /truncated/);
  } finally {
    await model.dispose();
  }
});

test('a .jsonl probe reads the "text" field of each line: the same texts as the .txt file', async () => {
  const txt = await openProbe({ source: PROBE_TXT, count: 50 }, { height: 0, width: 0, channels: 0 });
  const jsonl = await openProbe({ source: PROBE_JSONL, count: 50 }, { height: 0, width: 0, channels: 0 });
  assert.ok(isTextProbe(txt) && isTextProbe(jsonl));
  assert.equal(txt.count, 50);
  assert.deepEqual(jsonl.texts, txt.texts);
  const bad = path.join(work, 'bad.jsonl');
  writeFileSync(bad, '{"text": "a cat"}\n{"sentence": "a dog"}\n');
  await assert.rejects(openTextProbe(bad, 10), /bad\.jsonl line 2 has no "text" string/);
});

test('a sequence model without a tokenizer.json beside it: one line that says what to save there', async () => {
  const folder = path.join(work, 'no-tokenizer');
  mkdirSync(folder);
  copyFileSync(SEED1, path.join(folder, 'model.onnx'));
  const model = await openModel(path.join(folder, 'model.onnx'));
  try {
    const probe = await openTextProbe(PROBE_TXT, 10);
    await assert.rejects(fitTextProbe(probe, model), (e: Error) => {
      assert.match(e.message, /takes token ids but there is no tokenizer\.json beside it/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  } finally {
    await model.dispose();
  }
});

test('--tokens per-token with two tokenizers that split the texts differently: one line, before any fit', async () => {
  const folder = path.join(work, 'no-plurals');
  mkdirSync(folder);
  copyFileSync(SEED2, path.join(folder, 'model.onnx'));
  const json = JSON.parse(readFileSync(path.join(path.dirname(SEED1), 'tokenizer.json'), 'utf8'));
  delete json.model.vocab['##s']; // "cats" becomes one [UNK] instead of cat ##s
  writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify(json));
  const compare = (tokens: 'mean' | 'per-token') =>
    runCompare({
      modelA: SEED1,
      modelB: path.join(folder, 'model.onnx'),
      probe: { source: PROBE_TXT, count: 60, tokens },
      layersA: ['layer1'],
      layersB: ['layer1'],
      direction: 'a2b',
      settings: { epochs: 1 },
    });
  await assert.rejects(
    compare('per-token'),
    /--tokens per-token needs the same tokenisation in both models: tiny-bert-seed1's tokenizer gives \d+ tokens for the probe texts, no-plurals's \d+; compare mean-pooled features \(--tokens mean\)/,
  );
  const mean = await compare('mean');
  assert.equal(mean.pairs.length, 1, 'mean-pooled features compare across tokenizers');
});
