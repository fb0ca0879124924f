import type { OrderComponent, PairMaps } from '../../protocol/report';
import type { DisentanglerModel } from '../compute/types';
import { groupOf } from '../split';
import { chunked } from './chunks';
import { SampleSums, type HeldOutSums } from './interval';
import { batchOf, type PairData } from './samples';
import type { Window } from './windows';

/** Held-out samples whose ε energy maps go into the report (for overlays on the probe images). */
export const MAP_SAMPLES = 4;

export interface Evaluation {
  explained: number;
  orders: OrderComponent[];
  inconsistent: { variance: number; fraction: number };
  varianceB: number;
  maps: PairMaps;
  /** Per held-out sample sums in the fit's scaled units, for the bootstrap interval (interval.ts); not reported. */
  heldOut: HeldOutSums;
}

/**
 * The method page's metrics (§3) on held-out windows: Var(z) = per-channel variance (mean over the counted samples
 * and positions removed) summed over channels, in B's original units (the fit's scaled units × scale²); each order's
 * and ε's fraction of Var(x_B); explained = 1 − Var(ε)/Var(x_B); and the drill-down maps. Windows run in chunks of
 * `chunkSize` and are reduced to sums on the way, so memory does not grow with the held-out set. `mapSamples` (test
 * sample ids, every tile of each among the windows) get their ε energy maps.
 */
export async function evaluate(
  model: DisentanglerModel,
  pair: PairData,
  windows: readonly Window[],
  chunkSize: number,
  scale: number,
  mapSamples: Int32Array,
): Promise<Evaluation> {
  const { rows, cols } = pair.geometry;
  const [, height, width, c] = pair.target.shape;
  const hw = height * width;
  const y = new Sums(c, hw),
    eps = new Sums(c, hw);
  let components: Sums[] = [];
  // the bootstrap's unit: a sample, or its group (a text of per-token features), whose samples move together
  const group = pair.target.groups ? groupOf(pair.target.groups) : undefined;
  const unit = (sample: number) => (group ? group[sample] : sample);
  const perSample = new SampleSums(
    c,
    Array.from(windows, (w) => unit(w.sample)),
  );
  const energy = new Map(Array.from(mapSamples, (s) => [s, new Float64Array(hw)]));
  const area = rows.span * cols.span;
  for (const chunk of chunked(windows, chunkSize)) {
    const batch = batchOf(pair, chunk);
    const comps = await model.components(batch);
    if (components.length === 0) components = comps.map(() => new Sums(c, 0));
    const target = batch.y as Float32Array;
    chunk.forEach((w, j) => {
      const map = energy.get(w.sample);
      const slot = perSample.slot(unit(w.sample));
      for (let r = rows.halo; r < rows.halo + rows.side; r++) {
        const my = w.top + r - rows.halo;
        if (my < 0 || my >= height) continue;
        for (let q = cols.halo; q < cols.halo + cols.side; q++) {
          const mx = w.left + q - cols.halo;
          if (mx < 0 || mx >= width) continue;
          const p = my * width + mx;
          let e2 = 0;
          for (let ch = 0; ch < c; ch++) {
            const i = (j * c + ch) * area + r * cols.span + q;
            let e = target[i];
            for (let k = 0; k < comps.length; k++) {
              components[k].add(ch, -1, comps[k][i]);
              e -= comps[k][i];
            }
            y.add(ch, p, target[i]);
            eps.add(ch, p, e);
            perSample.add(slot, ch, target[i], e);
            e2 += e * e;
          }
          y.count(p);
          eps.count(p);
          perSample.count(slot);
          components.forEach((s) => s.count(-1));
          if (map) map[p] = e2;
        }
      }
    });
  }

  const varY = y.variances(),
    varE = eps.variances();
  const units = scale * scale;
  const varianceB = varY.total * units;
  const fraction = (v: number) => (varianceB > 0 ? v / varianceB : 0);
  const orders = components.map((s, order) => {
    const variance = s.variances().total * units;
    return { order, variance, fraction: fraction(variance) };
  });
  const inconsistentVariance = varE.total * units;
  const ratio = (e: number, v: number) => (v > 0 ? 1 - e / v : 0);
  return {
    explained: ratio(varE.total, varY.total),
    orders,
    inconsistent: { variance: inconsistentVariance, fraction: fraction(inconsistentVariance) },
    varianceB,
    maps: {
      perChannel: Array.from(varY.channel, (v, ch) => ratio(varE.channel[ch], v)),
      perPosition: { height, width, values: Array.from(varY.position, (v, p) => ratio(varE.position[p], v)) },
      samples: Array.from(mapSamples, (index) => ({
        index,
        inconsistentEnergy: Array.from(energy.get(index) as Float64Array, (e) => (e / c) * units),
      })),
    },
    heldOut: perSample.result(),
  };
}

/**
 * Running sums of one quantity over counted (sample, position) pairs, per channel and, when `positions` > 0, per
 * position: enough for each channel's variance about its mean and for each position's share of it, in one pass.
 */
class Sums {
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private n = 0;
  /** Per position: Σ over channels of z², Σ z per channel, and how many samples were counted there. */
  private readonly p2: Float64Array;
  private readonly p1: Float64Array;
  private readonly pn: Float64Array;

  constructor(
    private readonly channels: number,
    positions: number,
  ) {
    this.s1 = new Float64Array(channels);
    this.s2 = new Float64Array(channels);
    this.p2 = new Float64Array(positions);
    this.p1 = new Float64Array(positions * channels);
    this.pn = new Float64Array(positions);
  }

  /** Adds value z of channel ch at position p (p < 0: no per-position sums). */
  add(ch: number, p: number, z: number): void {
    this.s1[ch] += z;
    this.s2[ch] += z * z;
    if (p < 0) return;
    this.p2[p] += z * z;
    this.p1[p * this.channels + ch] += z;
  }

  /** Closes one counted (sample, position) pair. */
  count(p: number): void {
    this.n++;
    if (p >= 0) this.pn[p]++;
  }

  /** Squared deviations from each channel's mean, per channel and per position, divided by the count (total = Σ_c Var_c). */
  variances(): { total: number; channel: Float64Array; position: Float64Array } {
    const c = this.channels;
    const mean = this.s1.map((v) => v / this.n);
    const channel = this.s2.map((v, ch) => Math.max(0, v / this.n - mean[ch] * mean[ch]));
    const meanSquares = mean.reduce((a, m) => a + m * m, 0);
    const position = this.p2.map((v, p) => {
      let cross = 0;
      for (let ch = 0; ch < c; ch++) cross += mean[ch] * this.p1[p * c + ch];
      return Math.max(0, v - 2 * cross + this.pn[p] * meanSquares) / this.n;
    });
    return { total: channel.reduce((a, v) => a + v, 0), channel, position };
  }
}
