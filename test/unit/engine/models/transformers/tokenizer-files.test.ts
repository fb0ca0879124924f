import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { hashModelFiles } from '../../../../../src/engine/models/model-hash';
import { openModel } from '../../../../../src/engine/models/index';
import { loadTokenizer } from '../../../../../src/engine/probes/text-tokens';
import { FIXTURES } from './helpers';

const work = mkdtempSync(path.join(tmpdir(), 'kc-tokenizer-files-'));
after(() => rmSync(work, { recursive: true, force: true }));

function copy(name: string): string {
  const folder = path.join(work, name);
  cpSync(path.join(FIXTURES, 'tiny-bert-seed1'), folder, { recursive: true });
  return path.join(folder, 'model.onnx');
}

async function engineHash(file: string): Promise<string> {
  const model = await openModel(file);
  await model.dispose();
  return model.ref.sha256!;
}

test("the tokenizer is part of a sequence model's identity: the result cache's hash and the report's change with it", async () => {
  const file = copy('hashed');
  const before = await hashModelFiles(file);
  assert.equal(await engineHash(file), before, 'the engine and the extension hash the same files');
  const tokenizer = path.join(path.dirname(file), 'tokenizer.json');
  const json = JSON.parse(readFileSync(tokenizer, 'utf8'));
  json.normalizer.lowercase = false;
  writeFileSync(tokenizer, JSON.stringify(json));
  const after = await hashModelFiles(file);
  assert.notEqual(after, before);
  assert.equal(await engineHash(file), after);
});

test('tokenizer.json is read under the policy of the weights: a symlink out of the model folder is refused', async () => {
  const file = copy('linked');
  const tokenizer = path.join(path.dirname(file), 'tokenizer.json');
  const outside = path.join(work, 'outside-tokenizer.json');
  cpSync(tokenizer, outside);
  unlinkSync(tokenizer);
  symlinkSync(outside, tokenizer);
  await assert.rejects(loadTokenizer(file), (e: Error) => {
    assert.match(e.message, /tokenizer\.json is a symlink to outside the model's folder and repository/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  await assert.rejects(hashModelFiles(file), /symlink to outside the model's folder/);
});
