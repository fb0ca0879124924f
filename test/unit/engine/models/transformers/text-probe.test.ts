/**
 * Text probes as the report and the drill-down state them: per-token fits hold out whole texts, the header counts
 * texts and tokens, each model's input line names the text file, tokenizer, length and padding, and compared token
 * positions carry the tokens of the shown texts.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCompare } from '../../../../../src/engine/compare';
import { extractFeatures } from '../../../../../src/engine/compare/extract';
import { openModel } from '../../../../../src/engine/models/index';
import { openTextProbe } from '../../../../../src/engine/probes/text';
import { fitTextProbe } from '../../../../../src/engine/probes/text-tokens';
import { renderSummary } from '../../../../../src/engine/report/text';
import { groupOf, splitIndices } from '../../../../../src/engine/split';
import { describeInput } from '../../../../../src/protocol/probe-input';
import { PROBE_TXT, QUICK, SEED1, SEED2 } from './helpers';

test('per-token features are grouped by text, and every split holds out whole texts', async () => {
  const model = await openModel(SEED1);
  const probe = await openTextProbe(PROBE_TXT, 60, 'per-token');
  const dir = path.join(tmpdir(), `kc-groups-${process.pid}`);
  const features = await extractFeatures(model, 'A', probe, undefined, ['layer1'], dir, {});
  try {
    const tensor = await features.read('layer1');
    assert.equal(tensor.groups?.length, 60, 'one group per text');
    assert.equal(
      tensor.groups!.reduce((a, b) => a + b, 0),
      tensor.shape[0],
      'the groups cover every token',
    );
    const group = groupOf(tensor.groups!);
    for (const seed of [0, 1, 2]) {
      const { train, test: held } = splitIndices(tensor.shape[0], 0.2, seed, tensor.groups);
      const heldTexts = new Set(Array.from(held, (i) => group[i]));
      assert.equal(heldTexts.size, 12, 'a fifth of the texts held out');
      assert.ok(
        Array.from(train).every((i) => !heldTexts.has(group[i])),
        `seed ${seed}: a held-out text has tokens in the training split`,
      );
    }
  } finally {
    await model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The two seeds' layer1, A → B, on 60 texts of probe.txt read as `tokens`. */
function compareOnTexts(tokens: 'per-token' | 'positions') {
  return runCompare({
    modelA: SEED1,
    modelB: SEED2,
    probe: { source: PROBE_TXT, count: 60, tokens },
    layersA: ['layer1'],
    layersB: ['layer1'],
    direction: 'a2b',
    settings: QUICK,
  });
}

test('the header counts texts and tokens; each input line names the text file, tokenizer, length and padding', async () => {
  const report = await compareOnTexts('per-token');
  const text = renderSummary(report);
  assert.match(text, /probe: .*probe\.txt, 60 texts, \d+ tokens \(/);
  const [a] = report.probe.inputs ?? [];
  assert.equal(a.text?.file, PROBE_TXT);
  const line = describeInput(a);
  assert.match(
    line,
    /^A: texts of .*probe\.txt tokenised with .*tiny-bert-seed1\/tokenizer\.json, length 16 \(the length the model fixes\), padding masked/,
  );
  assert.doesNotMatch(line, /float32|values as stored/);
  // the held-out split is of texts: 12 of 60, whatever their tokens
  assert.equal(report.probe.test, 12);
  assert.ok(report.pairs[0].training.samples!.test > 12, 'the fit holds out every token of those texts');
});

test('--tokens positions: each shown text carries its tokens at the map positions, [CLS] first', async () => {
  const model = await openModel(SEED1);
  try {
    const fit = await fitTextProbe(await openTextProbe(PROBE_TXT, 40, 'positions'), model);
    const tokens = fit.tokensOf?.(0) ?? [];
    assert.equal(tokens[0], '[CLS]');
    assert.equal(tokens.at(-1), '[SEP]');
  } finally {
    await model.dispose();
  }
  const report = await compareOnTexts('positions');
  const { maps } = report.pairs[0];
  const samples = maps?.samples ?? [];
  assert.ok(samples.length > 0);
  for (const s of samples) {
    assert.equal(s.tokens?.length, maps!.perPosition.width, `probe #${s.index}: a token per position`);
    assert.equal(s.tokens?.[0], '[CLS]');
  }
});
