/** Number formatting shared by the tooltip and the charts. */

export function pct(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)} %`;
}

export function num(v: number | undefined, digits = 3): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(digits);
}

/** "± 2.1 %" when a spread across seeds exists. */
export function spreadPct(sd: number | undefined): string {
  return sd === undefined || !Number.isFinite(sd) ? '' : ` ± ${(sd * 100).toFixed(1)} %`;
}
