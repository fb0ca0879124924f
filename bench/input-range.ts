/**
 * Input-range detection on published models (a measurement, not a test): for each TF.js graph model of
 * @vladmandic/human, the range kc feeds (probes/input.ts, range-trial.ts) and the channels of its deepest probe point
 * that are constant on natural photos at [0, 1], 0..255 and −1..1.
 *
 *   /usr/bin/python3 scripts/photo_probes.py /tmp/kc-photos --count 16 --size 224
 *   node --import tsx bench/input-range.ts /tmp/kc-photos [faceres blazeface movenet-lightning …]
 *
 * Measured (16 crops of scikit-image's photos, 2 shared cores): faceres conv_pw_13_relu 1019/1024 dead at [0, 1],
 * 95 at 0..255, 1019 at −1..1 → kc feeds 0..255 (trial); blazeface re_lu_31 42/96, 27, 33 → kc keeps [0, 1] (its
 * −1..1 cannot be told from dead channels); movenet-lightning: int32 input → 0..255 from its dtype.
 */
import path from 'node:path';
import { inputTarget } from '../src/engine/compare/model-ref';
import { openModel } from '../src/engine/models/index';
import { deadChannels, lateLayer } from '../src/engine/probes/dead';
import { fitProbe, openProbe, probeInputs } from '../src/engine/probes/index';
import { trialInputRange } from '../src/engine/probes/range-trial';
import { featureTensor } from '../src/engine/tensor';

const MODELS = path.join(__dirname, '../node_modules/@vladmandic/human/models');
const RANGES: Array<[number, number]> = [
  [0, 1],
  [0, 255],
  [-1, 1],
];

async function main(): Promise<void> {
  const [photos, ...names] = process.argv.slice(2);
  if (!photos) throw new Error('usage: bench/input-range.ts <photo folder> [model names]');
  for (const name of names.length ? names : ['faceres', 'blazeface', 'movenet-lightning']) {
    const model = await openModel(path.join(MODELS, `${name}.json`));
    try {
      const probe = await openProbe({ source: photos, count: 16 }, inputTarget(model));
      const trial = await trialInputRange(model, probe, model.layers(), undefined);
      const [fed] = probeInputs(probe, [{ model: name, target: inputTarget(model) }]);
      const layer = lateLayer(
        model.layers(),
        model
          .layers()
          .filter((l) => l.probePoint)
          .map((l) => l.name),
      );
      const dead: string[] = [];
      for (const range of layer ? RANGES : []) {
        const chunks: Float32Array[] = [];
        let shape: number[] = [];
        const fitted = fitProbe(probe, inputTarget(model), { range });
        await model.extract(fitted.batches(), [layer!], {
          write: (_, s, d) => {
            shape = shape.length ? [shape[0] + s[0], ...s.slice(1)] : [...s];
            chunks.push(d.slice());
          },
        });
        const data = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
        chunks.reduce((o, c) => (data.set(c, o), o + c.length), 0);
        const d = deadChannels(featureTensor(shape.length === 2 ? [shape[0], 1, 1, shape[1]] : shape, data));
        dead.push(`${range.join('..')}: ${d.dead}/${d.channels}`);
      }
      console.log(
        `${name}: fed ${fed.dtype} ${fed.range?.join('..')} (${fed.rangeSource}: ${fed.rangeReason ?? ''})` +
          `\n  dead channels of ${layer}: ${dead.join(', ')}${trial ? `\n  ${trial}` : ''}`,
      );
    } finally {
      await model.dispose();
    }
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
