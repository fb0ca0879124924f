import type { FamilyReport } from '../../protocol/family';
import { terminalText as term } from './escape';
import { fmt, textTable } from './format';
import { layerLabels, memberLabels, runLines, timingLine } from './members';

/**
 * The terminal summary of a family: per layer the reliability (mean off-diagonal consistency, its 95 % interval and
 * the worst pair), each model's mean consistency with the rest, then each layer's N × N matrix (row explains column).
 * Model and layer names come from files: printed through `term` (one for one, so tables stay aligned).
 */
export function renderFamilySummary(report: FamilyReport): string {
  const labels = memberLabels(report.models.map((m) => m.name)).map(term);
  const short = layerLabels(report.layers);
  const layerName = (layer: string) => term(short.name(layer));
  const out: string[] = [
    ...report.models.map((m, i) => `${i + 1}. ${labels[i]} (${term(m.path)})`),
    ...runLines(report).map(term),
    '',
  ];
  if (short.prefix) out.push(term(`layer names below omit their common prefix "${short.prefix}"`));
  const n = report.models.length;
  out.push(
    `Family reliability: mean explained over the ${n * (n - 1)} ordered pairs (i explains j, i ≠ j), 95 % interval mean ± t·sd/√n:`,
  );
  out.push(
    textTable(
      ['layer', 'reliability', '95 % interval', 'n', 'worst pair (explains → explained)', 'explained'],
      report.layers.map((layer, l) => {
        const r = report.reliability[l];
        return [
          layerName(layer),
          fmt(r.mean),
          r.low === null || r.high === null ? '–' : `${fmt(r.low)} … ${fmt(r.high)}`,
          String(r.n),
          r.worst ? `${labels[r.worst.source]} → ${labels[r.worst.target]}` : '–',
          fmt(r.worst?.explained),
        ];
      }),
      1,
    ),
  );
  out.push('', "Each model's mean consistency with the rest (explaining them and explained by them):");
  out.push(
    textTable(
      ['model', ...report.layers.map(layerName)],
      labels.map((label, i) => [label, ...report.layers.map((_, l) => fmt(report.modelMeans[l][i]))]),
    ),
  );
  report.layers.forEach((layer, l) => {
    out.push('', `${layerName(layer)}: explained, row model explains column model`);
    out.push(
      textTable(
        ['', ...labels.map((_, j) => String(j + 1))],
        labels.map((label, i) => [`${i + 1}. ${label}`, ...report.matrix[l][i].map((v) => fmt(v))]),
      ),
    );
  });
  out.push('', timingLine(report));
  for (const w of report.warnings) out.push(term(`warning: ${w}`));
  return out.join('\n');
}
