import type { PairInterval, PairMaps, PairSpread, TrainingInfo } from '../../protocol/report';
import type { FitOnce } from './fit';
import { explainedInterval, INTERVAL_LEVEL, replicatesFor } from './interval';

export interface Aggregate {
  explained: number;
  orders: Array<{ order: number; variance: number; fraction: number }>;
  inconsistent: { variance: number; fraction: number };
  varianceB: number;
  training: TrainingInfo;
  maps: PairMaps;
  spread?: PairSpread;
  explainedInterval: [number, number];
  interval: PairInterval;
}

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
/** Sample standard deviation (n − 1): the spread a user should expect from one more seed. */
const std = (xs: number[]) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};
const meanArrays = (arrays: number[][]) => arrays[0].map((_, i) => mean(arrays.map((a) => a[i])));

/**
 * Several seeds' fits → mean of every number and the std of the headline ones (the order split is the fragile part
 * of the method, method page §6). Training info is the first seed's run (its curve), with the gates averaged and
 * the seconds summed over all seeds. The explained fraction's bootstrap interval (interval.ts) is seeded by `seed`.
 */
export function aggregate(fits: FitOnce[], seed = 0): Aggregate {
  const ev = fits.map((f) => f.evaluation);
  const first = fits[0];
  const held = ev.map((e) => e.heldOut);
  const replicates = replicatesFor(held);
  const result: Aggregate = {
    explained: mean(ev.map((e) => e.explained)),
    explainedInterval: explainedInterval(held, seed, replicates),
    interval: {
      level: INTERVAL_LEVEL,
      replicates,
      resampled: fits.length > 1 ? 'held-out probes and seeds' : 'held-out probes',
    },
    orders: first.evaluation.orders.map((o, k) => ({
      order: o.order,
      variance: mean(ev.map((e) => e.orders[k].variance)),
      fraction: mean(ev.map((e) => e.orders[k].fraction)),
    })),
    inconsistent: {
      variance: mean(ev.map((e) => e.inconsistent.variance)),
      fraction: mean(ev.map((e) => e.inconsistent.fraction)),
    },
    varianceB: mean(ev.map((e) => e.varianceB)),
    training: {
      ...first.training,
      seconds: fits.reduce((a, f) => a + f.training.seconds, 0),
      gates: meanArrays(fits.map((f) => f.training.gates)),
      ...improvedOnStart(fits),
    },
    maps: {
      perChannel: meanArrays(ev.map((e) => e.maps.perChannel)),
      perPosition: {
        ...first.evaluation.maps.perPosition,
        values: meanArrays(ev.map((e) => e.maps.perPosition.values)),
      },
      samples: first.evaluation.maps.samples,
    },
  };
  if (fits.length > 1) {
    result.spread = {
      seeds: fits.length,
      explained: std(ev.map((e) => e.explained)),
      orders: first.evaluation.orders.map((_, k) => std(ev.map((e) => e.orders[k].fraction))),
      inconsistent: std(ev.map((e) => e.inconsistent.fraction)),
      gates: first.training.gates.map((_, i) => std(fits.map((f) => f.training.gates[i]))),
    };
  }
  return result;
}

/** Whether any seed's training beat its start (the mean then holds learned orders); absent without validation sets. */
function improvedOnStart(fits: FitOnce[]): { improvedOnStart?: boolean } {
  const flags = fits.map((f) => f.training.improvedOnStart).filter((b) => b !== undefined);
  return flags.length ? { improvedOnStart: flags.some(Boolean) } : {};
}
