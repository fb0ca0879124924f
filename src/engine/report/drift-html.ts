import type { DriftReport } from '../../protocol/family';
import { esc } from './escape';
import { fmt } from './format';
import { lineChartSvg, seriesColor } from './line-svg';
import { layerLabels, memberLabels } from './members';
import { metaLine } from './html-parts';
import { htmlPage, setupSection, warningsSection } from './members-html';

/** The self-contained HTML report of a drift run: one line per layer over the checkpoints, and the table. */
export function renderDriftHtml(report: DriftReport): string {
  const labels = memberLabels(report.checkpoints.map((c) => c.name));
  const layer = layerLabels(report.layers).name;
  const last = labels[labels.length - 1];
  const what =
    report.against === 'final'
      ? `How much of the final checkpoint's (${last}) features each checkpoint explains, held out; the last point is ${last} against itself, the ceiling the probes and settings allow.`
      : "How much of the previous checkpoint's features each checkpoint explains, held out (the knowledge it kept).";
  const order = report.orderedBy === 'number' ? 'by the number in their names' : 'by modification time';
  const legend = report.layers
    .map(
      (l, i) =>
        `<span class="swatch" style="background:${seriesColor(i, report.layers.length)}"></span>${esc(layer(l))}`,
    )
    .join(' ');
  const chart = lineChartSvg({
    title: `consistency with the ${report.against} checkpoint`,
    xLabels: labels,
    series: report.layers.map((l, i) => ({ name: layer(l), values: report.series[i] })),
  });
  const table = `<table class="drift"><thead><tr><th>Checkpoint</th>${report.layers.map((l) => `<th>${esc(layer(l))}</th>`).join('')}</tr></thead><tbody>${labels
    .map(
      (label, k) =>
        `<tr><td>${esc(label)}</td>${report.layers.map((_, l) => `<td class="num">${fmt(report.series[l][k])}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
  const body = [
    metaLine(report),
    warningsSection(report),
    `<section><h2>Consistency with the ${esc(report.against)} checkpoint</h2><p>${esc(what)} Checkpoints in ${esc(report.folder)}, ordered ${order}.</p><p>${legend}</p><figure>${chart}</figure>${table}</section>`,
    setupSection(report, report.checkpoints, labels),
  ];
  return htmlPage(`Checkpoint drift: ${labels.length} checkpoints`, body.join('\n'));
}
