/** How the reports of many models (kc family, kc drift) name the models and summarise their run. */
import type { ManyModelReport } from '../../protocol/family';
import { probeSize } from '../../protocol/probe-input';
import { seconds, shortNames, splitSummary } from './format';

/** Display names made unique: a name listed twice gets its position ("seed1 #1", "seed1 #3"). */
export function memberLabels(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return names.map((n, i) => ((counts.get(n) ?? 0) > 1 ? `${n} #${i + 1}` : n));
}

/** Layer labels without the prefix all share; a single layer keeps its full name (no other name to share one with). */
export function layerLabels(layers: readonly string[]): { prefix: string; name: (layer: string) => string } {
  return layers.length > 1 ? shortNames([...layers]) : { prefix: '', name: (layer) => layer };
}

/** The probe, settings and backend lines that head every summary (plain text: escape before printing). */
export function runLines(report: ManyModelReport): string[] {
  const s = report.settings;
  return [
    `probe: ${report.probe.source}, ${probeSize(report.probe)} (${splitSummary(report.probe)})`,
    `disentangler: K=${s.orders}, α=${s.alpha}, ${s.normalize} normalisation, ${s.kernel}×${s.kernel} kernel, preset ${s.preset}; backend ${report.backend.name} ${report.backend.version}`,
  ];
}

export function timingLine(report: ManyModelReport): string {
  const t = report.timings;
  return `time: load ${seconds(t.loadSeconds)}, extract ${seconds(t.extractSeconds)} (each model once), fit ${seconds(t.fitSeconds)} (${report.fits.length} fits), total ${seconds(t.totalSeconds)}`;
}

/** "▁▃▆█": a row of values on its own range (flat rows sit in the middle); missing values are blank. */
export function sparkline(values: ReadonlyArray<number | null>): string {
  const ticks = '▁▂▃▄▅▆▇█';
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' ';
      if (hi - lo < 1e-12) return ticks[3];
      return ticks[Math.round(((v - lo) / (hi - lo)) * (ticks.length - 1))];
    })
    .join('');
}
