import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driftJobs, familyJobs, fitKey } from '../../../../src/engine/family/jobs';

/** BullMQ refuses a custom job id with ':' or one that is an integer. */
const queueSafe = (key: string) => !key.includes(':') && `${parseInt(key, 10)}` !== key;

test('a family is every ordered pair i ≠ j per layer, layer by layer, each with a unique queue-safe key', () => {
  const layers = ['block1/conv:0', 'relu3'];
  const jobs = familyJobs(4, layers);
  assert.equal(jobs.length, layers.length * 4 * 3);
  assert.ok(jobs.every((j) => j.source !== j.target));
  assert.equal(new Set(jobs.map((j) => j.key)).size, jobs.length);
  assert.ok(
    jobs.every((j) => queueSafe(j.key)),
    jobs.map((j) => j.key).join(' '),
  );
  // Layer-major, so that one layer's features are read once.
  assert.deepEqual(
    jobs.map((j) => j.layer),
    layers.flatMap((l) => Array<string>(12).fill(l)),
  );
  // Both directions of every pair, each once.
  const pairs = jobs.filter((j) => j.layer === 'relu3').map((j) => `${j.source}>${j.target}`);
  assert.deepEqual(new Set(pairs).size, 12);
});

test('keys are stable and tell apart layer, direction and models', () => {
  assert.equal(fitKey('relu3', 0, 2), 'fit-0to2-relu3');
  assert.equal(fitKey('relu3', 0, 2), familyJobs(3, ['relu3']).find((j) => j.source === 0 && j.target === 2)!.key);
  assert.notEqual(fitKey('relu3', 0, 2), fitKey('relu3', 2, 0));
  // URI encoding is one-to-one: a name that looks like another's encoding keeps its own key.
  assert.notEqual(fitKey('a/b', 1, 2), fitKey('a%2Fb', 1, 2));
  assert.equal(fitKey('/5/MaxPool_output_0', 1, 2), 'fit-1to2-%2F5%2FMaxPool_output_0');
});

test('drift jobs: each checkpoint explains the final one (itself included), or the previous one', () => {
  const final = driftJobs(3, ['pool1'], 'final');
  assert.deepEqual(
    final.map((j) => [j.source, j.target]),
    [
      [0, 2],
      [1, 2],
      [2, 2],
    ],
  );
  const previous = driftJobs(3, ['pool1', 'pool2'], 'previous');
  assert.deepEqual(
    previous.map((j) => [j.layer, j.source, j.target]),
    [
      ['pool1', 1, 0],
      ['pool1', 2, 1],
      ['pool2', 1, 0],
      ['pool2', 2, 1],
    ],
  );
  assert.ok([...final, ...previous].every((j) => queueSafe(j.key)));
});
