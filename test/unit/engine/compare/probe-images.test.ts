import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROBE_IMAGE_SIDE, ProbeImages } from '../../../../src/engine/compare/probe-images';
import { openProbe, type ProbeSource, type RawImage } from '../../../../src/engine/probes/index';

async function rawSamples(probe: ProbeSource): Promise<RawImage[]> {
  const out: RawImage[] = [];
  for await (const s of probe.samples()) out.push(s);
  return out;
}

test("the image of probe sample i is probe sample i, at the model's input size, in [0, 1]", async () => {
  const probe = await openProbe({ source: 'mnist', count: 40 }, { height: 28, width: 28, channels: 1 });
  const raw = await rawSamples(probe);
  const images = await new ProbeImages(probe, { height: 28, width: 28, channels: 1 }).get([17, 3, 39]);
  assert.deepEqual([...images.keys()], [17, 3, 39]);
  for (const [i, image] of images) {
    assert.deepEqual([image.height, image.width, image.channels], [28, 28, 1]);
    assert.equal(image.values.length, 28 * 28);
    image.values.forEach((v, p) =>
      assert.ok(Math.abs(v - raw[i].data[p]) <= 5e-4, `sample ${i} pixel ${p}: ${v} vs ${raw[i].data[p]}`),
    );
  }
  // Distinct samples really differ (the index is not ignored).
  assert.notDeepEqual(images.get(17)!.values, images.get(3)!.values);
});

test('indices outside the probe set are left out; larger inputs are downsized to at most 64 px a side', async () => {
  const target = { height: 200, width: 100, channels: 3 };
  const probe = await openProbe({ source: 'synthetic', count: 5, seed: 2 }, target);
  const images = await new ProbeImages(probe, target).get([1, 5, -1]);
  assert.deepEqual([...images.keys()], [1]);
  const image = images.get(1)!;
  assert.deepEqual([image.height, image.width, image.channels], [PROBE_IMAGE_SIDE, 32, 3]);
  assert.ok(image.values.every((v) => v >= 0 && v <= 1));
});
