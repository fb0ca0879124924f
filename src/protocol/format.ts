/**
 * Numbers and directions as people read them, the same in the CLI, the reports, the host's views and the panel.
 *
 * One unit: every share of variance (explained, orders, ε, ridge) and every similarity (CKA, CCA) is a **fraction**
 * between 0 and 1, as the JSON report stores it ("0.937"), never a percentage. One arrow: "→", and a direction is
 * always said with the models' names ("seed1 explains seed2", "seed1 → seed2"). media/help/numbers.md says why.
 */
import type { Direction } from './report';

/** What a missing or non-finite number shows as, everywhere. */
export const MISSING = '–';

/** The one arrow of every view ("seed1 → seed2"); the JSON keeps its 'A->B' direction values. */
export const ARROW = '→';

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** A fraction (or any number) with fixed decimals: "0.937". */
export const fmt = (v: number | null | undefined, digits = 3): string => (finite(v) ? v.toFixed(digits) : MISSING);

/** Fixed decimals, or scientific for tiny and huge magnitudes (losses, variances): "0.012", "3.40e-5". */
export function num(v: number | null | undefined, digits = 3): string {
  if (!finite(v)) return MISSING;
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(digits);
}

/** " ± 0.021" when a spread across seeds exists, else nothing. */
export const spread = (sd: number | null | undefined, digits = 3): string =>
  finite(sd) ? ` ± ${fmt(sd, digits)}` : '';

/** "4.21 s", "37.5 s". */
export const seconds = (v: number | undefined): string =>
  finite(v) ? (v < 10 ? `${v.toFixed(2)} s` : `${v.toFixed(1)} s`) : MISSING;

/** The model whose layer explains and the one explained, for a direction: A → B means A's layer explains B's. */
export function directionEnds<T>(direction: Direction, a: T, b: T): { from: T; to: T } {
  return direction === 'A->B' ? { from: a, to: b } : { from: b, to: a };
}

/** "seed1 → seed2" (A → B without names). */
export function arrowText(direction: Direction, names: { a: string; b: string } = { a: 'A', b: 'B' }): string {
  const { from, to } = directionEnds(direction, names.a, names.b);
  return `${from} ${ARROW} ${to}`;
}

/** "seed1 explains seed2": a direction in words. */
export function explainsText(direction: Direction, names: { a: string; b: string } = { a: 'A', b: 'B' }): string {
  const { from, to } = directionEnds(direction, names.a, names.b);
  return `${from} explains ${to}`;
}

/** Why a held-out explained fraction can be below zero, in words: every view says it next to such a number. */
export const BELOW_ZERO_NOTE =
  'below 0: worse than predicting the mean — over-fitted, or too few probes for this layer';

/** The note for an explained fraction, when it needs one. */
export function explainedNote(v: number | null | undefined): string | undefined {
  return finite(v) && v < 0 ? BELOW_ZERO_NOTE : undefined;
}

/**
 * How the orders are shown: each order's own share of the explained layer's variance, side by side, never stacked.
 * The orders' components overlap (they are not orthogonal), so their shares need not add up to explained; what adds
 * up is explained + ε = 1.
 */
export const ORDERS_NOTE = "each order's own share; orders overlap, so they need not add up to explained";
