import type { DriftReport } from '../../protocol/family';
import { terminalText as term } from './escape';
import { fmt, textTable } from './format';
import { layerLabels, memberLabels, runLines, sparkline, timingLine } from './members';

/**
 * The terminal summary of a drift run: one row per checkpoint in training order, one column per layer (checkpoint k
 * explaining its reference), then each layer's trend as a sparkline. Names come from files: printed
 * through `term` (one for one, so tables stay aligned).
 */
export function renderDriftSummary(report: DriftReport): string {
  const labels = memberLabels(report.checkpoints.map((c) => c.name)).map(term);
  const short = layerLabels(report.layers);
  const layerName = (layer: string) => term(short.name(layer));
  const last = labels[labels.length - 1];
  const order = report.orderedBy === 'number' ? 'by the number in their names' : 'by modification time';
  const out: string[] = [
    `checkpoints in ${term(report.folder)}, ${order}: ${labels.join(', ')}`,
    ...runLines(report).map(term),
    '',
  ];
  if (short.prefix) out.push(term(`layer names below omit their common prefix "${short.prefix}"`));
  out.push(
    report.against === 'final'
      ? `Consistency with the final checkpoint: how much of ${last}'s features each checkpoint explains (held-out; the last row is ${last} against itself, the ceiling):`
      : "Consistency with the previous checkpoint: how much of the previous checkpoint's features each one explains (held-out):",
  );
  out.push(
    textTable(
      ['checkpoint', ...report.layers.map(layerName)],
      labels.map((label, k) => [label, ...report.layers.map((_, l) => fmt(report.series[l][k]))]),
    ),
  );
  out.push('', 'trend (each layer on its own range):');
  const width = Math.max(...report.layers.map((l) => layerName(l).length));
  report.layers.forEach((layer, l) => out.push(`${layerName(layer).padEnd(width)}  ${sparkline(report.series[l])}`));
  out.push('', timingLine(report));
  for (const w of report.warnings) out.push(term(`warning: ${w}`));
  return out.join('\n');
}
