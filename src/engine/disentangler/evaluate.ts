import type { OrderComponent, PairMaps } from '../../protocol/report';
import type { DisentanglerModel } from '../compute/types';
import { setComponents } from './chunks';
import type { SampleSet } from './samples';

/** Held-out samples whose ε energy maps go into the report (for overlays on the probe images). */
const MAP_SAMPLES = 4;

export interface Evaluation {
  explained: number;
  orders: OrderComponent[];
  inconsistent: { variance: number; fraction: number };
  varianceB: number;
  maps: PairMaps;
}

/**
 * The method page's metrics (§3) on the held-out set: Var(z) = per-channel variance (mean over samples and
 * positions removed) summed over channels, in B's original units (the fit's scaled units × scale²); each order's and
 * ε's fraction of Var(x_B); explained = 1 − Var(ε)/Var(x_B); and the drill-down maps.
 */
export async function evaluate(
  model: DisentanglerModel,
  test: SampleSet,
  dims: { channels: number; height: number; width: number },
  scale: number,
  sampleIds: Int32Array,
): Promise<Evaluation> {
  const { channels: c, height, width } = dims;
  const hw = height * width;
  const components = await setComponents(model, test);
  const residual = Float32Array.from(test.y);
  for (const comp of components) for (let i = 0; i < residual.length; i++) residual[i] -= comp[i];

  const varY = perChannelPosition(test.y, test.n, c, hw);
  const varE = perChannelPosition(residual, test.n, c, hw);
  const units = scale * scale;
  const varianceB = varY.total * units;
  const fraction = (v: number) => (varianceB > 0 ? v / varianceB : 0);
  const orders = components.map((comp, order) => {
    const variance = perChannelPosition(comp, test.n, c, hw).total * units;
    return { order, variance, fraction: fraction(variance) };
  });
  const inconsistentVariance = varE.total * units;
  const ratio = (e: number, y: number) => (y > 0 ? 1 - e / y : 0);
  return {
    explained: ratio(varE.total, varY.total),
    orders,
    inconsistent: { variance: inconsistentVariance, fraction: fraction(inconsistentVariance) },
    varianceB,
    maps: {
      perChannel: Array.from(varY.channel, (y, ch) => ratio(varE.channel[ch], y)),
      perPosition: { height, width, values: Array.from(varY.position, (y, p) => ratio(varE.position[p], y)) },
      samples: Array.from({ length: Math.min(MAP_SAMPLES, test.n) }, (_, j) => ({
        index: sampleIds[j],
        inconsistentEnergy: Array.from({ length: hw }, (_, p) => {
          let e = 0;
          for (let ch = 0; ch < c; ch++) e += residual[(j * c + ch) * hw + p] ** 2;
          return (e / c) * units;
        }),
      })),
    },
  };
}

/**
 * Squared deviations from each channel's mean (over samples and positions) of an NCHW array, as totals per channel,
 * per position and overall, divided by the number of samples × positions (so `total` is Σ_c Var_c).
 */
function perChannelPosition(
  z: Float32Array,
  n: number,
  c: number,
  hw: number,
): { total: number; channel: Float64Array; position: Float64Array } {
  const mean = new Float64Array(c);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) mean[ch] += z[(b * c + ch) * hw + p];
  const count = n * hw;
  for (let ch = 0; ch < c; ch++) mean[ch] /= count;
  const channel = new Float64Array(c),
    position = new Float64Array(hw);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < hw; p++) {
        const d = (z[(b * c + ch) * hw + p] - mean[ch]) ** 2 / count;
        channel[ch] += d;
        position[p] += d;
      }
  return { total: channel.reduce((a, v) => a + v, 0), channel, position };
}
