/** Data for the pair drill-down: both directions' order stacks, B's channels sorted, the ε maps. */
import type { PairResult } from '../../src/protocol/report';
import type { PairFocus } from '../../src/protocol/webview.protocol';
import { explainsText } from '../../src/protocol/format';
import { indexPairs, pairKey } from './heatmap';
import { highestOrder, orderFraction, type ReportLike } from './measures';

export interface StackSegment {
  /** 'order0'…'orderK' or 'inconsistent'. */
  id: string;
  label: string;
  fraction: number;
  /** Standard deviation across seeds, when more than one seed ran. */
  spread?: number;
}

export interface DirectionStack {
  direction: PairResult['direction'];
  pair?: PairResult;
  explained?: number;
  explainedSpread?: number;
  segments: StackSegment[];
}

/**
 * Stacked bars of orders 0..K then ε, for A→B and B→A. Orders are not orthogonal, so the stack need not sum to 1:
 * the view shows the explained fraction as the headline beside it.
 */
export function directionStacks(report: ReportLike, focus: PairFocus): DirectionStack[] {
  const idx = indexPairs(report.pairs);
  const K = highestOrder(report);
  return (['A->B', 'B->A'] as const).map((direction) => {
    const i = idx.get(pairKey(focus.layerA, focus.layerB, direction));
    const pair = i === undefined ? undefined : report.pairs[i];
    if (!pair) return { direction, segments: [] };
    const segments: StackSegment[] = [];
    for (let k = 0; k <= K; k++) {
      const f = orderFraction(pair, k);
      if (f !== undefined)
        segments.push({ id: `order${k}`, label: `order ${k}`, fraction: f, spread: pair.spread?.orders[k] });
    }
    segments.push({
      id: 'inconsistent',
      label: 'ε (inconsistent)',
      fraction: pair.inconsistent.fraction,
      spread: pair.spread?.inconsistent,
    });
    return { direction, pair, explained: pair.explained, explainedSpread: pair.spread?.explained, segments };
  });
}

/** "seed1's pool1 explains seed2's pool1": a pair in its direction, with the models named, as every view says it. */
export function pairPhrase(focus: PairFocus, names: { a: string; b: string }): string {
  return explainsText(focus.direction, { a: `${names.a}'s ${focus.layerA}`, b: `${names.b}'s ${focus.layerB}` });
}

/** B's channels by explained fraction, highest first (the channel index is kept for the label). */
export function sortedChannels(pair: PairResult): Array<{ channel: number; explained: number }> {
  return (pair.maps?.perChannel ?? [])
    .map((explained, channel) => ({ channel, explained }))
    .sort((a, b) => b.explained - a.explained || a.channel - b.channel);
}

/** Min and max of a finite list (for normalising an ε map); [0, 1] when empty or flat. */
export function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values)
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return lo < hi ? [lo, hi] : [0, Math.max(1, hi)];
}
