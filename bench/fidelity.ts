/**
 * The disentangler's fit on published models with natural photos, next to its own ridge start: per pair the held-out
 * explained fraction, the ridge baseline, the epoch kept, the order fractions. Features are extracted once into
 * `--cache` (raw float32 per layer), so reruns only fit.
 *   node --import tsx bench/fidelity.ts --photos <dir> [--count 64] [--models faceres:0,255] [--pairs self|next|both]
 *     [--seeds 1] [--preset fast] [--only <layer substring>] [--extra feats/Relu,age_pred/Softmax]
 * A model is `name[:lo,hi]` with its input's pixel range (faceres 0,255; blazeface -1,1; movenet 0,255).
 * Prints one JSON line per fit and a summary line.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { disentangle, resolveSettings } from '../src/engine/disentangler/index';
import { extractFeatures } from '../src/engine/compare/extract';
import { inputTarget } from '../src/engine/compare/model-ref';
import { openModel } from '../src/engine/models/index';
import { openProbe } from '../src/engine/probes/index';
import type { FeatureTensor } from '../src/engine/tensor';

const { values } = parseArgs({
  options: {
    photos: { type: 'string' },
    count: { type: 'string', default: '64' },
    models: { type: 'string', default: 'faceres:0,255' },
    pairs: { type: 'string', default: 'both' },
    seeds: { type: 'string', default: '1' },
    seed: { type: 'string', default: '0' },
    preset: { type: 'string', default: 'fast' },
    only: { type: 'string' },
    extra: { type: 'string', default: '' },
    cache: { type: 'string', default: '/tmp/kc-fid/cache' },
    directions: { type: 'string', default: 'A->B,B->A' },
    orders: { type: 'string', default: '2' },
  },
});
const count = Number(values.count);

interface Cached {
  layers: string[];
  shapes: Record<string, FeatureTensor['shape']>;
}

async function features(spec: string): Promise<{ layers: string[]; read(layer: string): FeatureTensor }> {
  const [name, range] = spec.split(':');
  const extra = values.extra ? values.extra.split(',') : [];
  const dir = path.join(values.cache!, `${name}-${count}-${range ?? '0,1'}${extra.length ? '-extra' : ''}`);
  const meta = path.join(dir, 'meta.json');
  if (!existsSync(meta)) {
    mkdirSync(dir, { recursive: true });
    const model = await openModel(`node_modules/@vladmandic/human/models/${name}.json`, {});
    const layers = model
      .layers()
      .filter((l) => (extra.length ? extra.includes(l.name) : l.probePoint))
      .map((l) => l.name);
    const probe = await openProbe({ source: values.photos!, count, seed: 0 }, inputTarget(model));
    const normalization = range ? { range: range.split(',').map(Number) as [number, number] } : undefined;
    const fx = await extractFeatures(model, 'A', probe, normalization, layers, path.join(dir, 'store'), {});
    const shapes: Cached['shapes'] = {};
    for (const [i, layer] of layers.entries()) {
      const t = await fx.read(layer);
      shapes[layer] = t.shape;
      writeFileSync(path.join(dir, `${i}.f32`), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    await model.dispose();
    writeFileSync(meta, JSON.stringify({ layers, shapes } satisfies Cached));
  }
  const cached = JSON.parse(readFileSync(meta, 'utf8')) as Cached;
  return {
    layers: cached.layers,
    read: (layer) => {
      const buf = readFileSync(path.join(dir, `${cached.layers.indexOf(layer)}.f32`));
      return { shape: cached.shapes[layer], data: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) };
    },
  };
}

async function main(): Promise<void> {
  const settings = resolveSettings({
    preset: values.preset as 'fast' | 'thorough',
    seeds: Number(values.seeds),
    seed: Number(values.seed),
    orders: Number(values.orders),
  });
  const rows: Array<Record<string, unknown>> = [];
  for (const spec of values.models!.split(' ')) {
    const fx = await features(spec);
    const pairs: Array<[string, string]> = [];
    const layers = fx.layers.filter((l) => !values.only || l.includes(values.only));
    if (values.pairs !== 'next') for (const l of layers) pairs.push([l, l]);
    if (values.pairs !== 'self') for (let i = 0; i + 1 < layers.length; i++) pairs.push([layers[i], layers[i + 1]]);
    for (const [la, lb] of pairs) {
      // A layer with itself reads the same both ways.
      const directions = (la === lb ? ['A->B'] : values.directions!.split(',')) as Array<'A->B' | 'B->A'>;
      for (const direction of directions) {
        const p = await disentangle(fx.read(la), fx.read(lb), settings, { layerA: la, layerB: lb, direction });
        const row = {
          model: spec.split(':')[0],
          pair: la === lb ? `${la} (itself)` : `${la} → ${lb}`,
          direction,
          shape: p.shapeB?.join('×'),
          explained: +p.explained.toFixed(4),
          interval: p.explainedInterval?.map((v) => +v.toFixed(4)),
          improvedOnStart: p.training.improvedOnStart,
          backtracks: p.training.backtracks,
          ridge: p.similarity.ridgeExplained === undefined ? null : +p.similarity.ridgeExplained.toFixed(4),
          orders: p.orders.map((o) => +o.fraction.toFixed(4)),
          spread: p.spread ? { explained: p.spread.explained, orders: p.spread.orders } : undefined,
          bestEpoch: p.training.bestEpoch,
          epochs: p.training.epochs,
          validation: p.training.samples?.validation,
          training: p.training,
          seconds: +p.training.seconds.toFixed(1),
        };
        rows.push(row);
        const { training, ...shown } = row;
        console.log(JSON.stringify({ ...shown, curve: training.curve.slice(0, 3) }));
      }
    }
  }
  const below = rows.filter((r) => r.ridge !== null && (r.explained as number) < (r.ridge as number) - 0.01);
  console.log(
    JSON.stringify({
      fits: rows.length,
      bestEpoch0: rows.filter((r) => r.bestEpoch === 0).length,
      below: below.length,
    }),
  );
}

void main();
