import type { PairResult } from './report';

/** Why a pair's orders ≥ 1 are not knowledge: no epoch beat the ridge start, so the fit kept it. Every view that shows
 * orders says it beside them (marked ‡ in tables) instead of presenting the start's numbers as a split. */
export const LINEAR_START_NOTE =
  'training did not improve on its ridge start: explained is the linear (order-0) map alone, and orders ≥ 1 hold nothing learned';

/** The note for a pair, when it needs one. */
export function linearStartNote(p: PairResult): string | undefined {
  return p.training.improvedOnStart === false ? LINEAR_START_NOTE : undefined;
}
