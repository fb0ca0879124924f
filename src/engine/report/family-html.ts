import type { FamilyReport } from '../../protocol/family';
import { esc } from './escape';
import { fmt } from './format';
import { lineChartSvg } from './line-svg';
import { layerLabels, memberLabels } from './members';
import { metaLine } from './html-parts';
import { htmlPage, setupSection, warningsSection } from './members-html';
import { heatmapSvg } from './svg';

/**
 * The self-contained HTML report of a family: per layer the reliability with its interval and worst pair, a
 * reliability-by-depth line, each model's mean consistency, and the N × N matrices as small multiples by layer.
 */
export function renderFamilyHtml(report: FamilyReport): string {
  const labels = memberLabels(report.models.map((m) => m.name));
  const layer = layerLabels(report.layers).name;
  const n = report.models.length;
  const rows = report.layers.map((name, l) => {
    const r = report.reliability[l];
    const worst = r.worst ? `${labels[r.worst.source]} → ${labels[r.worst.target]}` : '–';
    return (
      `<tr data-layer="${esc(name)}"><td>${esc(layer(name))}</td><td class="num headline">${fmt(r.mean)}</td>` +
      `<td class="num">${r.low === null || r.high === null ? '–' : `${fmt(r.low)} … ${fmt(r.high)}`}</td><td class="num">${r.n}</td>` +
      `<td>${esc(worst)}</td><td class="num">${fmt(r.worst?.explained)}</td></tr>`
    );
  });
  const reliability = `<section><h2>Reliability per layer</h2>
<p>Mean explained fraction (held-out 1 − Var(ε)/Var(x<sub>target</sub>)) over the ${n * (n - 1)} ordered pairs of different models, with a 95 % interval mean ± t(0.975, n − 1)·sd/√n over those entries. The entries share models, so they are not independent: read the interval as the spread of the family's pairs. High values across differently trained models mark a reliable layer (Liang et al.).</p>
<table class="reliability"><thead><tr><th>Layer</th><th>Reliability</th><th>95 % interval</th><th>n</th><th>Worst pair (explains → explained)</th><th>Explained</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<figure><figcaption>Reliability by depth</figcaption>${lineChartSvg({
    title: 'reliability by depth',
    xLabels: report.layers.map(layer),
    series: [
      {
        name: 'reliability',
        values: report.reliability.map((r) => r.mean),
        low: report.reliability.map((r) => r.low),
        high: report.reliability.map((r) => r.high),
      },
    ],
  })}</figure></section>`;
  const means = `<section><h2>Each model's mean consistency with the rest</h2><p>Mean of the model's row and column: explaining the others and explained by them.</p>
<table class="model-means"><thead><tr><th>Model</th>${report.layers.map((l) => `<th>${esc(layer(l))}</th>`).join('')}</tr></thead><tbody>${labels
    .map(
      (label, i) =>
        `<tr><td>${esc(label)}</td>${report.layers.map((_, l) => `<td class="num">${fmt(report.modelMeans[l][i])}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table></section>`;
  const matrices = report.layers.map((name, l) => {
    const title = `${layer(name)}: explained, row model explains column model`;
    return `<figure data-layer="${esc(name)}"><figcaption>${esc(title)}</figcaption>${heatmapSvg({
      title,
      rows: labels,
      cols: labels,
      value: (i, j) => report.matrix[l][i][j],
      kind: 'consistency',
    })}</figure>`;
  });
  const body = [
    metaLine(report),
    warningsSection(report),
    reliability,
    means,
    `<section><h2>Consistency matrices by layer</h2><p>Entry (row i, column j): the held-out explained fraction of model j's layer from model i's (knowledge consistency, viridis 0 → 1). The diagonal is not fitted (list a model twice to see the ceiling the probes and settings allow).</p><div class="figures">${matrices.join('')}</div></section>`,
    setupSection(report, report.models, labels),
  ];
  return htmlPage(`Knowledge consistency of a family of ${n} models`, body.join('\n'));
}
