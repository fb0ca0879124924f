/**
 * Child of bench/run.mjs: the `fast` vs `thorough` preset on sample pairs (real MNIST probes through two sample
 * CNNs, layer A → layer B): held-out explained fraction and wall time per pair of each.
 * Prints {"rows": [{pair, fast: {explained, seconds, epochs}, thorough: {…}}], "maxRssMB"}.
 */
import { disentangle, resolveSettings } from '../src/engine/disentangler';
import { openModel } from '../src/engine/models';
import type { InputBatch } from '../src/engine/models/types';
import { openMnist } from '../src/engine/probes/mnist';
import { featureTensor, type FeatureTensor } from '../src/engine/tensor';
import type { PresetName } from '../src/protocol/report';

const PROBES = 1000;
const PAIRS: Array<[string, string, string]> = [
  ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'relu1'],
  ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'relu2'],
  ['mnist-cnn-seed1', 'mnist-cnn-seed2', 'relu3'],
];

async function probeBatches(): Promise<InputBatch[]> {
  const source = await openMnist(PROBES);
  const batches: InputBatch[] = [];
  let pixels: number[] = [];
  const flush = (): void => {
    batches.push({ shape: [pixels.length / 784, 28, 28, 1], data: Float32Array.from(pixels) });
    pixels = [];
  };
  for await (const image of source.samples()) {
    for (const v of image.data) pixels.push(v);
    if (pixels.length === 250 * 784) flush();
  }
  if (pixels.length) flush();
  return batches;
}

async function features(model: string, layers: string[], batches: InputBatch[]): Promise<Map<string, FeatureTensor>> {
  const adapter = await openModel(`samples/${model}/model.onnx`);
  const parts = new Map<string, { shape: number[]; chunks: Float32Array[] }>();
  await adapter.extract(batches, layers, {
    write(layer, shape, data) {
      const entry = parts.get(layer) ?? { shape, chunks: [] };
      entry.chunks.push(data.slice());
      parts.set(layer, entry);
    },
  });
  await adapter.dispose();
  const out = new Map<string, FeatureTensor>();
  for (const [layer, { shape, chunks }] of parts) {
    const data = new Float32Array(chunks.reduce((s, c) => s + c.length, 0));
    chunks.reduce((offset, c) => (data.set(c, offset), offset + c.length), 0);
    out.set(layer, featureTensor([PROBES, ...shape.slice(1)], data));
  }
  return out;
}

async function main(): Promise<void> {
  const batches = await probeBatches();
  const models = [...new Set(PAIRS.flatMap(([a, b]) => [a, b]))];
  const layers = [...new Set(PAIRS.map(([, , l]) => l))];
  const feats = new Map<string, Map<string, FeatureTensor>>();
  for (const m of models) feats.set(m, await features(m, layers, batches));
  const rows = [];
  for (const [a, b, layer] of PAIRS) {
    const row: Record<string, unknown> = {
      pair: `${a.replace('mnist-cnn-', '')} → ${b.replace('mnist-cnn-', '')} ${layer}`,
    };
    for (const preset of ['fast', 'thorough'] as PresetName[]) {
      const t0 = performance.now();
      const r = await disentangle(feats.get(a)!.get(layer)!, feats.get(b)!.get(layer)!, resolveSettings({ preset }), {
        layerA: layer,
        layerB: layer,
        direction: 'A->B',
      });
      row[preset] = { explained: r.explained, seconds: (performance.now() - t0) / 1000, epochs: r.training.epochs };
    }
    rows.push(row);
  }
  console.log(JSON.stringify({ rows, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

void main();
