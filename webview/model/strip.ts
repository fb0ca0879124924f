/**
 * The layer strip (the paper's diagnosis view): for the pairs the analysis ran in one direction, explained fraction
 * and the order breakdown by depth of B's layer.
 */
import type { Direction } from '../../src/protocol/report';
import { depthOrder } from './layers';
import { highestOrder, orderFraction, type ReportLike } from './measures';

export interface StripPoint {
  layerA: string;
  layerB: string;
  explained: number;
  orders: number[];
  inconsistent: number;
  explainedSpread?: number;
}

export function layerStrip(report: ReportLike, direction: Direction = 'A->B'): StripPoint[] {
  const K = highestOrder(report);
  const rankA = new Map(depthOrder(report, 'a').map((n, i) => [n, i]));
  const rankB = new Map(depthOrder(report, 'b').map((n, i) => [n, i]));
  return report.pairs
    .filter((p) => p.direction === direction)
    .sort((x, y) => rankB.get(x.layerB)! - rankB.get(y.layerB)! || rankA.get(x.layerA)! - rankA.get(y.layerA)!)
    .map((p) => ({
      layerA: p.layerA,
      layerB: p.layerB,
      explained: p.explained,
      orders: Array.from({ length: K + 1 }, (_, k) => orderFraction(p, k) ?? NaN),
      inconsistent: p.inconsistent.fraction,
      explainedSpread: p.spread?.explained,
    }));
}
