/**
 * The extension's cache of finished family and drift fits (src/extension/family/fitCache.ts): what a rerun may reuse
 * is keyed by the settings and both models' content, survives a restart through its file, and a file that came with
 * a cloned workspace cannot put anything but numbers into a report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FitCache, settingsKey } from '../../../src/extension/family/fitCache';
import type { FamilyReport, ManyModelOptions } from '../../../src/protocol/family';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const options: ManyModelOptions = { probe: { source: 'mnist', count: 100 }, settings: { preset: 'fast', epochs: 3 } };
const fit = (layer: string, source: number, target: number, explained: number) => ({
  key: `fit-${source}to${target}-${layer}`,
  layer,
  source,
  target,
  explained,
  orders: [explained, 0, 0],
  linearCKA: 0.5,
  epochs: 3,
  seconds: 1,
});
const report = {
  fits: [fit('pool1', 0, 1, 0.9), fit('pool1', 1, 0, 0.8), fit('relu 3', 0, 1, 0.7)],
} as unknown as FamilyReport;
const models = [{ sha256: A }, { sha256: B }] as FamilyReport['models'];

test('fits are reused by settings and content, across a restart, and only among the given models', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-fit-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'family-fits.json');
  const cache = new FitCache(file, (line) => assert.fail(line));
  await cache.record(options, report, models);
  await cache.save();

  const restarted = new FitCache(file, (line) => assert.fail(line));
  const all = await restarted.reusable(options);
  assert.deepEqual(
    all.map((r) => [r.source, r.target, r.layer, r.result.explained]).sort(),
    [
      [A, B, 'pool1', 0.9],
      [A, B, 'relu 3', 0.7],
      [B, A, 'pool1', 0.8],
    ].sort(),
  );
  // The fit's position in its run is not part of what is reused.
  assert.equal('key' in all[0].result || 'source' in all[0].result, false);
  assert.equal((await restarted.reusable(options, [A, C])).length, 0, 'B is not among the models');
  assert.equal((await restarted.reusable({ ...options, probe: { source: 'mnist', count: 200 } })).length, 0);
  assert.equal((await restarted.reusable({ ...options, settings: { epochs: 3, preset: 'fast' } })).length, 3);
  assert.notEqual(settingsKey(options), settingsKey({ ...options, pytorch: { inputShape: [3, 32, 32] } }));
});

test('a crafted or corrupt cache file gives no fits, and a crafted entry only its numbers', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kc-fit-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'family-fits.json');
  const warnings: string[] = [];
  await writeFile(file, '{"formatVersion": 1, "fits": {');
  assert.deepEqual(await new FitCache(file, (l) => warnings.push(l)).reusable(options), []);
  assert.match(warnings[0], /ignored .*family-fits\.json/);

  const key = (layer: string) => `${settingsKey(options)} ${A} ${B} ${layer}`;
  await writeFile(
    file,
    JSON.stringify({
      formatVersion: 1,
      fits: {
        [key('ok')]: { ...fit('ok', 0, 1, 0.6), source: 99, extra: '<script>' },
        [key('nan')]: { ...fit('nan', 0, 1, 0.6), explained: 'NaN' },
        [key('orders')]: { ...fit('orders', 0, 1, 0.6), orders: ['x'] },
        [`../../etc ${A} ${B} pool1`]: fit('pool1', 0, 1, 0.6),
      },
    }),
  );
  const found = await new FitCache(file, () => undefined).reusable(options);
  assert.deepEqual(found, [
    {
      source: A,
      target: B,
      layer: 'ok',
      result: { explained: 0.6, orders: [0.6, 0, 0], linearCKA: 0.5, epochs: 3, seconds: 1 },
    },
  ]);
  // Saving writes back only what was kept.
  const cache = new FitCache(file, () => undefined);
  await cache.reusable(options);
  await cache.save();
  assert.deepEqual(Object.keys(JSON.parse(await readFile(file, 'utf8')).fits), [key('ok')]);
});
