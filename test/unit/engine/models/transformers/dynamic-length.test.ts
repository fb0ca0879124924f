import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { listLayers } from '../../../../../src/engine/compare';
import { openModel } from '../../../../../src/engine/models/index';
import { openTextProbe } from '../../../../../src/engine/probes/text';
import { fitTextProbe } from '../../../../../src/engine/probes/text-tokens';
import { FIXTURES, PROBE_TXT, SEED1 } from './helpers';

/** Seed 1's weights exported with a dynamic sequence length T, as Hugging Face optimum exports encoders. */
const DYNAMIC = path.join(FIXTURES, 'tiny-bert-seed1-dynamic', 'model.onnx');

async function features(file: string, mode: 'mean' | 'positions'): Promise<{ data: number[]; length: number }> {
  const model = await openModel(file);
  try {
    const fit = await fitTextProbe(await openTextProbe(PROBE_TXT, 60, mode), model);
    const data: number[] = [];
    await model.extract(fit.batches(), ['layer1'], { write: (_l, _s, d) => void data.push(...d) }, { tokens: mode });
    return { data, length: fit.length };
  } finally {
    await model.dispose();
  }
}

test('a dynamic-length encoder: T listed as unknown, texts cut at model_max_length, the same features as the fixed export', async () => {
  const model = await openModel(DYNAMIC);
  assert.equal(model.sequence?.length, 0, 'no fixed length');
  await model.dispose();
  const { layers } = await listLayers(DYNAMIC);
  assert.deepEqual(layers.find((l) => l.name === 'layer1')?.shape, [-1, 1, -1, 32]);
  // mean-pooled: truncated to tokenizer_config.json's model_max_length (16, the model's positions), as the fixed
  // export is: the same tokens, the same features
  const dynamic = await features(DYNAMIC, 'mean');
  const fixed = await features(SEED1, 'mean');
  assert.equal(dynamic.length, 16);
  assert.ok(Math.max(...dynamic.data.map((v, i) => Math.abs(v - fixed.data[i]))) < 1e-4);
  // positions: every text cut to the shortest, so both exports see the same tokens and give the same features
  const a = await features(DYNAMIC, 'positions');
  const b = await features(SEED1, 'positions');
  assert.ok(a.length < 16 && a.data.length === b.data.length, `L ${a.length}, ${a.data.length} vs ${b.data.length}`);
  const diff = Math.max(...a.data.map((v, i) => Math.abs(v - b.data[i])));
  assert.ok(diff < 1e-4, `max difference ${diff}`);
});
