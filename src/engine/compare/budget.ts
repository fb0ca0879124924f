/**
 * Fitting a compare inside a time budget: fewer probe samples first (down to a floor that keeps the numbers
 * trustworthy), then fewer layer pairs (kept evenly spread over depth, else the cheapest; each in every asked
 * direction), with as many probes as the kept pairs leave room for. Large maps are always seen through windows (windows.ts), so spatial
 * sampling needs no knob here: the choice says which fits use it.
 */
import type { BudgetChoice, CostEstimate, PairKey } from '../../protocol/report';
import { formatDuration } from '../../protocol/progress';
import { estimateCost, type CompareShape, type CostRates } from './cost';

/**
 * Fewest probes a budget may choose (or the asked count when lower): with fewer, the fits of wide layers have fewer
 * fit samples than channels (160 probes brought every published-model self-comparison to ≥ 0.997, 64 did not;
 * disentangler README, "Saturating units").
 */
export const BUDGET_MIN_PROBES = 160;
/** Probe counts tried, as fractions of the asked count. */
const PROBE_STEPS = [1, 0.8, 0.64, 0.5, 0.4, 0.32, 0.25, 0.2, 0.16, 0.1];

export interface BudgetPlan<K extends PairKey = PairKey> {
  probes: number;
  plan: K[];
  estimate: CostEstimate;
  choice: BudgetChoice;
}

/** The largest compare estimated inside `seconds`, of which `spent` already went (loading, the warm-up): its probe
 * count, its fits and the words for what was chosen. */
export function fitBudget(
  shape: CompareShape,
  probes: number,
  rates: CostRates,
  seconds: number,
  spent = 0,
): BudgetPlan {
  const cost = (plan: PairKey[], n: number) => estimateCost({ ...shape, plan }, n, rates);
  return chooseWithin(shape.plan, probes, seconds, cost, 'layer pair', spent);
}

/**
 * The budget's search over any planned fits (a compare's, or a family's and a drift's: kc family, kc drift): `cost`
 * estimates a subset of them at a probe count; what is kept or dropped are their layer pairs (`unit` names one).
 */
export function chooseWithin<K extends PairKey>(
  planned: K[],
  probes: number,
  seconds: number,
  cost: (plan: K[], probes: number) => CostEstimate,
  unit = 'layer pair',
  spent = 0,
): BudgetPlan<K> {
  const room = seconds - spent;
  const pairs = layerPairs(planned);
  const floor = Math.min(probes, BUDGET_MIN_PROBES);
  const counts = [...new Set(PROBE_STEPS.map((f) => Math.round(probes * f)).filter((n) => n >= floor)), floor];
  const at = (kept: Array<[string, string]>, n: number) => {
    const plan = planned.filter((k) => kept.some(([a, b]) => k.layerA === a && k.layerB === b));
    return { plan, estimate: cost(plan, n) };
  };
  const asked = at(pairs, probes);
  let chosen = { ...asked, probes, kept: pairs };
  let fits = asked.estimate.totalSeconds <= room;
  if (!fits) {
    // Each pair's cost alone, for the fallback to the cheapest pairs when no spread of k fits.
    const alone = new Map(pairs.map((p) => [p, at([p], floor).estimate.disentangleSeconds]));
    const cheapest = (k: number) => {
      const kept = new Set([...pairs].sort((x, y) => alone.get(x)! - alone.get(y)!).slice(0, k));
      return pairs.filter((p) => kept.has(p));
    };
    search: for (let k = pairs.length; k >= 1; k--) {
      for (const kept of [spread(pairs, k), cheapest(k)]) {
        for (const n of counts) {
          const tried = at(kept, n);
          if (tried.estimate.totalSeconds <= room) {
            chosen = { ...tried, probes: n, kept };
            fits = true;
            break search;
          }
        }
      }
    }
    if (!fits) {
      const kept = cheapest(Math.min(1, pairs.length));
      chosen = { ...at(kept, floor), probes: floor, kept };
    }
  }
  const dropped = pairs
    .filter(([a, b]) => !chosen.kept.some(([ka, kb]) => ka === a && kb === b))
    .map(([layerA, layerB]) => ({ layerA, layerB }));
  const total = chosen.estimate.totalSeconds;
  const windowed = chosen.estimate.fits.filter((f) => f.windowed).length;
  const sampling =
    windowed === 0
      ? 'every fit on whole maps'
      : `${windowed} of ${chosen.estimate.fits.length} fits on 24×24 windows of their maps, ${
          windowed === chosen.estimate.fits.length ? 'none' : 'the rest'
        } on whole maps`;
  const what =
    chosen.probes === probes && !dropped.length
      ? `the whole run (${probes} probes, ${pairs.length} ${plural(unit, pairs.length)})`
      : `${chosen.probes} of ${probes} probes, ${chosen.kept.length} of ${pairs.length} ${plural(unit, pairs.length)}`;
  const summary =
    `budget ${formatDuration(seconds)}: ${what}, ≈ ${formatDuration(total)}` +
    (spent >= 1 ? ` after ${formatDuration(spent)} of loading and warm-up` : '') +
    (fits ? '' : ' — over the budget even at its smallest, so it runs anyway');
  return {
    probes: chosen.probes,
    plan: chosen.plan,
    estimate: chosen.estimate,
    choice: {
      seconds,
      asked: { probes, pairs: pairs.length, totalSeconds: asked.estimate.totalSeconds },
      chosen: { probes: chosen.probes, pairs: chosen.kept.length, totalSeconds: total },
      dropped,
      sampling,
      fits,
      summary,
    },
  };
}

/** The plan's layer pairs in plan order, each once whatever its directions (or its models, in a family). */
function layerPairs(plan: PairKey[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const k of plan) if (!out.some(([a, b]) => a === k.layerA && b === k.layerB)) out.push([k.layerA, k.layerB]);
  return out;
}

/** `k` of the items, evenly spaced (the first and the last from k = 2): pairs kept across the whole depth. */
function spread<T>(items: T[], k: number): T[] {
  if (k >= items.length) return items;
  if (k <= 0) return [];
  if (k === 1) return [items[Math.floor((items.length - 1) / 2)]];
  return Array.from({ length: k }, (_, j) => items[Math.round((j * (items.length - 1)) / (k - 1))]);
}

const plural = (unit: string, n: number) => (n === 1 ? unit : `${unit}s`);
