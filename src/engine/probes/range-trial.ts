/**
 * When nothing in a model says which pixel range it expects (its normalisation folded into the first convolution),
 * a short trial decides between [0, 1] and 0..255: the first TRIAL_SAMPLES probes are run at [0, 1], and when most
 * channels of the model's deepest probe point are then constant (dead), again at 0..255; the range that brings the
 * layer back to life is taken. Measured on faceres (@vladmandic/human, trained on 0..255): at [0, 1] 1019 of 1024
 * channels of conv_pw_13_relu are dead on 16 photos, at 0..255 95. A model that works at [0, 1] costs one small run;
 * one that expects −1..1 (blazeface) cannot be told from one that expects [0, 1] this way and keeps the default.
 */
import type { ProbeNormalization } from '../../protocol/compare';
import type { LayerInfo } from '../../protocol/report';
import type { CancelSignal } from '../cancel';
import { inputTarget } from '../compare/model-ref';
import type { ModelAdapter } from '../models/types';
import { featureTensor } from '../tensor';
import { DEAD_FRACTION, deadChannels, lateLayer } from './dead';
import { fitProbe } from './index';
import type { ProbeSource } from './types';

/** Probes run per trial range: enough to tell a dead layer from a live one, cheap on a 224×224 model. */
export const TRIAL_SAMPLES = 16;

/**
 * Trials already run in this process, by model content and probe: a self-comparison opens the same file twice, and
 * the worker compares the same models again and again (about 35 s a trial for faceres on 2 loaded cores).
 */
const done = new Map<string, { input?: ModelAdapter['input']; message?: string }>();
const REMEMBERED = 64;

/**
 * Sets `model.input.range` (with its reason) to 0..255 when the trial shows the model expects it; leaves the model
 * alone when the user gave a range, the model says its own, the probe is not pixels, or [0, 1] keeps the layer alive.
 * Returns what it found, for the log.
 */
export async function trialInputRange(
  model: ModelAdapter,
  probe: ProbeSource,
  layers: readonly LayerInfo[],
  normalization: Partial<ProbeNormalization> | undefined,
  signal?: CancelSignal,
): Promise<string | undefined> {
  // a sequence model takes token ids: extraction says which probe it needs
  if (!probe.pixels || normalization?.range || model.input?.range || model.sequence) return undefined;
  const layer = lateLayer(
    layers,
    layers.filter((l) => l.probePoint).map((l) => l.name),
  );
  if (layer === undefined) return undefined;
  const key = model.ref.sha256 && [model.ref.sha256, probe.source, probe.description, layer].join('\u0000');
  const known = key ? done.get(key) : undefined;
  if (known) {
    if (known.input) (model as { input?: ModelAdapter['input'] }).input = known.input;
    return known.message;
  }
  const remember = (message: string, input?: ModelAdapter['input']) => {
    if (key) {
      if (done.size >= REMEMBERED) done.delete(done.keys().next().value!);
      done.set(key, { input, message });
    }
    return message;
  };
  const few = firstSamples(probe, Math.min(TRIAL_SAMPLES, probe.count));
  const dead = async (range: [number, number]) => {
    const fitted = fitProbe(few, inputTarget(model), { ...normalization, range });
    const chunks: Float32Array[] = [];
    let shape: number[] = [];
    await model.extract(fitted.batches(signal), [layer], {
      write: (_, s, data) => {
        shape = shape.length ? [shape[0] + s[0], ...s.slice(1)] : [...s];
        chunks.push(data.slice());
      },
    });
    const data = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((offset, c) => (data.set(c, offset), offset + c.length), 0);
    return deadChannels(featureTensor(shape.length === 2 ? [shape[0], 1, 1, shape[1]] : shape, data));
  };
  const unit = await dead([0, 1]);
  if (unit.dead <= DEAD_FRACTION * unit.channels) {
    if (key) done.set(key, {});
    return undefined;
  }
  const bytes = await dead([0, 255]);
  const what = `${layer} on ${few.count} probes: ${unit.dead} of ${unit.channels} channels constant at 0..1, ${bytes.dead} at 0..255`;
  if (bytes.dead > unit.dead / 2) return remember(`input range trial of ${model.ref.name}: ${what}; kept 0..1`);
  const input = {
    dtype: model.input?.dtype ?? 'float32',
    range: [0, 255] as [number, number],
    rangeReason: `a trial run found ${what}`,
  };
  (model as { input?: ModelAdapter['input'] }).input = input;
  return remember(`input range trial of ${model.ref.name}: ${what}; feeding 0..255`, input);
}

function firstSamples(probe: ProbeSource, count: number): ProbeSource {
  return {
    ...probe,
    count,
    async *samples(signal) {
      let n = 0;
      for await (const sample of probe.samples(signal)) {
        if (n++ >= count) return;
        yield sample;
      }
    },
  };
}
