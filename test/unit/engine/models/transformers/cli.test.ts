import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { kc } from '../../../kc';
import { FIXTURES, PROBE_TXT, SEED1, SEED2 } from './helpers';

const work = mkdtempSync(path.join(tmpdir(), 'kc-transformers-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('kc compare --probe texts.txt --md texts.txt is refused: a report never replaces the probe', async () => {
  const probe = path.join(work, 'texts.txt');
  cpSync(PROBE_TXT, probe);
  const before = readFileSync(probe, 'utf8');
  const run = await kc('compare', SEED1, SEED2, '--probe', probe, '--md', probe);
  assert.equal(
    run.stderr,
    `kc: cannot write the Markdown report to ${probe}: it is the probe file; choose another path\n`,
  );
  assert.equal(readFileSync(probe, 'utf8'), before);
});

test('kc compare --tokens other: one line naming the modes', async () => {
  const run = await kc('compare', SEED1, SEED2, '--probe', PROBE_TXT, '--tokens', 'pooled');
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^kc: --tokens must be per-token, mean or positions, got "pooled"\n$/);
});

test('a dynamic-length model fed texts longer than its positions: one line pointing at model_max_length', async () => {
  const folder = path.join(work, 'no-config');
  cpSync(path.join(FIXTURES, 'tiny-bert-seed1-dynamic'), folder, { recursive: true });
  unlinkSync(path.join(folder, 'tokenizer_config.json'));
  const model = path.join(folder, 'model.onnx');
  const run = await kc('compare', model, model, '--probe', PROBE_TXT, '--count', '60', '--layers-a', 'layer1');
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /kc: no-config failed on tokens \[\d+, \d+\]: .*; if the texts are longer than the model's positions, set model_max_length in the tokenizer_config\.json beside it\n$/,
  );
});
