import type { Direction, PairResult, Report } from '../../protocol/report';
import { arrowText, explainsText, fmt, seconds, shortNames } from './format';
import { MATRIX_LABELS, maxOrder } from './pairs';
import { BELOW_ZERO_NOTE, explainedNote, ORDERS_NOTE } from '../../protocol/format';
import { DEBIASED_NOTE, intervalText, shownCka, uncertaintyNote } from '../../protocol/uncertainty';
import { LINEAR_START_NOTE, linearStartNote } from '../../protocol/training-note';
import { esc } from './escape';
import { backendFacts, metaLine, probeFacts, selfContainedPage, settingsFacts, type Facts } from './html-parts';
import { describeInput } from '../../protocol/probe-input';
import {
  breakdownSvg,
  EPSILON_COLOR,
  EXPLAINED_COLOR,
  heatmapSvg,
  lossCurveSvg,
  orderColor,
  pairMapsSvg,
  pairOrders,
} from './svg';

/**
 * The self-contained HTML report: one file with inline CSS and SVG, no scripts and no remote resources, so it
 * opens the same in a browser, in a VS Code webview and as a CI artifact.
 */
export function renderHtml(report: Report): string {
  const title = report.models ? `${report.models.a.name} vs ${report.models.b.name}` : 'feature comparison';
  const body = [
    metaLine(report),
    warningsSection(report),
    pairsSection(report),
    consistencyHeatmaps(report),
    similarityHeatmaps(report),
    pairDetails(report),
    setupSection(report),
  ].join('\n');
  return selfContainedPage(`Knowledge consistency: ${title}`, CSS, body);
}

function warningsSection(report: Report): string {
  const all = [...new Set([...(report.probe.warning ? [report.probe.warning] : []), ...report.warnings])];
  if (all.length === 0) return '';
  return `<section class="warnings"><h2>Warnings</h2><ul>${all.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>`;
}

function pairsSection(report: Report): string {
  if (report.pairs.length === 0) return '<section><h2>Layer pairs</h2><p>No pairs were disentangled.</p></section>';
  const k = maxOrder(report);
  const swatch = (color: string, label: string) => `<span class="swatch" style="background:${color}"></span>${label}`;
  const legend = [
    swatch(EXPLAINED_COLOR, 'explained'),
    swatch(EPSILON_COLOR, 'ε inconsistent'),
    ...Array.from({ length: k + 1 }, (_, i) => swatch(orderColor(i, k), `order ${i} alone`)),
  ].join(' ');
  const rows = report.pairs.map((p) => {
    const orders = pairOrders(p);
    const cells = Array.from({ length: k + 1 }, (_, i) =>
      i > 0 && linearStartNote(p)
        ? `<td class="num" title="${esc(LINEAR_START_NOTE)}">${fmt(orders.find((o) => o.order === i)?.fraction)}‡</td>`
        : `<td class="num">${fmt(orders.find((o) => o.order === i)?.fraction)}</td>`,
    ).join('');
    return (
      `<tr data-layer-a="${esc(p.layerA)}" data-layer-b="${esc(p.layerB)}" data-direction="${esc(p.direction)}">` +
      `<td>${esc(p.layerA)} ↔ ${esc(p.layerB)}</td><td>${esc(arrowText(p.direction, names(report)))}</td>` +
      `<td class="num headline"${explainedNote(p.explained) ? ` title="${esc(BELOW_ZERO_NOTE)}"` : ''}>${fmt(p.explained)}${explainedNote(p.explained) ? '†' : ''}${spread(p.spread?.explained, p)}${interval(p.explainedInterval)}</td>${cells}` +
      `<td class="num">${fmt(p.inconsistent.fraction)}</td><td>${breakdownSvg(p, k)}</td>` +
      `<td class="num similarity">${ckaCell(p)}</td><td class="num similarity">${fmt(p.similarity.ridgeExplained)}</td></tr>`
    );
  });
  const head = [
    'Pair (A ↔ B)',
    'Explains → explained',
    'Explained',
    ...Array.from({ length: k + 1 }, (_, i) => `Order ${i}`),
    'ε',
    'Explained + ε = 1; each order alone',
    'CKA (similarity)',
    'Ridge (similarity)',
  ];
  return `<section><h2>Knowledge consistency per layer pair</h2>
<p>Held-out fractions of Var(x<sub>B</sub>) for ${esc(arrowText('A->B', names(report)))} (A's layer explains B's; ${esc(arrowText('B->A', names(report)))} the reverse). <b>Explained</b> = 1 − Var(ε)/Var(x<sub>B</sub>) is the headline, and the bar that adds up: explained + ε = 1.
Under it, orders 0…${k} (order 0 = linearly shared): ${esc(ORDERS_NOTE)}. Order fractions are the fragile part of the method: compare them across seeds.</p>
<p class="legend-row">${legend}</p>
<table class="pairs"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">CKA and ridge are <b>similarity, not knowledge consistency</b>: closed-form baselines shown for reference.${report.pairs.some((p) => explainedNote(p.explained)) ? ` † ${esc(BELOW_ZERO_NOTE)}.` : ''}${report.pairs.some((p) => linearStartNote(p)) ? ` ‡ ${esc(LINEAR_START_NOTE)}.` : ''}${uncertaintyNote(report.pairs) ? ` ${esc(uncertaintyNote(report.pairs)!)}.` : ''}</p></section>`;
}

/** The models' names, so that directions read "seed1 → seed2" (A and B when the report has none). */
function names(report: Report): { a: string; b: string } {
  return { a: report.models?.a.name ?? 'A', b: report.models?.b.name ?? 'B' };
}

/** A bootstrap interval under its number. */
function interval(iv: number[] | undefined): string {
  const text = intervalText(iv);
  return text ? ` <span class="interval">${esc(text.trim())}</span>` : '';
}

/** The shown CKA, labelled when debiased, with its interval. */
function ckaCell(p: PairResult): string {
  const c = shownCka(p.similarity);
  const debiased = p.similarity.cka?.estimator === 'unbiased';
  return `${fmt(c.value)}${debiased ? ` <span class="spread" title="${esc(DEBIASED_NOTE)}">(debiased)</span>` : ''}${interval(c.interval)}`;
}

function spread(sd: number | undefined, p: PairResult): string {
  return sd !== undefined && p.spread && p.spread.seeds > 1 ? ` <span class="spread">± ${fmt(sd, 3)}</span>` : '';
}

/** The explained fraction on the layer grid, per direction: only the disentangled pairs are filled. */
function consistencyHeatmaps(report: Report): string {
  if (report.pairs.length === 0) return '';
  const rows = report.matrix?.layersA ?? [...new Set(report.pairs.map((p) => p.layerA))];
  const cols = report.matrix?.layersB ?? [...new Set(report.pairs.map((p) => p.layerB))];
  const directions = [...new Set(report.pairs.map((p) => p.direction))] as Direction[];
  const explained = new Map(report.pairs.map((p) => [cellKey(p.direction, p.layerA, p.layerB), p.explained]));
  const charts = directions.map((d) => {
    const value = (i: number, j: number) => explained.get(cellKey(d, rows[i], cols[j]));
    const title = `Explained fraction, ${explainsText(d, names(report))} (knowledge consistency)`;
    return `<figure><figcaption>${esc(title)}</figcaption>${heatmapSvg({ title, rows, cols, value, kind: 'consistency', label: shortNames([...rows, ...cols]).name })}</figure>`;
  });
  return `<section><h2>Consistency heatmap</h2><p>Disentangled pairs only; empty cells were not disentangled (run with --layers-a/--layers-b to choose pairs).</p><div class="figures">${charts.join('')}</div></section>`;
}

const cellKey = (direction: Direction, layerA: string, layerB: string): string =>
  JSON.stringify([direction, layerA, layerB]);

function similarityHeatmaps(report: Report): string {
  const m = report.matrix;
  if (!m) return '';
  const charts = Object.entries(m.measures).map(([key, values]) => {
    const title = `${MATRIX_LABELS[key] ?? key} (similarity, not consistency)`;
    const label = shortNames([...m.layersA, ...m.layersB]).name;
    return `<figure><figcaption>${esc(title)}</figcaption>${heatmapSvg({ title, rows: m.layersA, cols: m.layersB, value: (i, j) => values[i * m.layersB.length + j], kind: 'similarity', label })}</figure>`;
  });
  return `<section><h2>All-pairs similarity matrix</h2><p>Rows: layers of A; columns: layers of B; viridis scale 0 → 1. These closed-form measures are <b>similarity, not knowledge consistency</b>.</p><div class="figures">${charts.join('')}</div></section>`;
}

function pairDetails(report: Report): string {
  if (report.pairs.length === 0) return '';
  const items = report.pairs.map((p) => {
    const t = p.training;
    const facts = [
      ['epochs', `${t.epochs}${t.earlyStopped ? ' (stopped early)' : ''}`],
      ...(linearStartNote(p) ? [['kept', LINEAR_START_NOTE]] : []),
      ...(t.backtracks
        ? [['step control', `${t.backtracks} epoch(s) undone, learning rate ÷ ${10 ** t.backtracks}`]]
        : []),
      ['time', seconds(t.seconds)],
      ['final loss', fmt(t.finalLoss, 4)],
      ['held-out loss', fmt(t.heldOutLoss, 4)],
      ['gates p', t.gates.map((g) => fmt(g, 3)).join(', ') || '–'],
      ['warm start', t.warmStart === undefined ? '–' : t.warmStart ? 'ridge' : 'no'],
      ['shapes', `A [${(p.shapeA ?? []).join('×')}] · B [${(p.shapeB ?? []).join('×')}]`],
      ['Var(x_B)', fmt(p.varianceB, 4)],
      ...(p.resampled ? [['resampled', p.resampled]] : []),
    ];
    return (
      `<div class="pair-detail"><h3>${esc(p.layerA)} ↔ ${esc(p.layerB)} · ${esc(arrowText(p.direction, names(report)))} · explained ${fmt(p.explained)}</h3>` +
      `<dl>${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>${lossCurveSvg(t)}${p.maps ? pairMapsSvg(p.maps) : ''}` +
      `${(p.warnings ?? []).map((w) => `<p class="pair-warning">⚠ ${esc(w)}</p>`).join('')}</div>`
    );
  });
  return `<section><h2>Per pair: training and where knowledge is shared</h2><p>Loss per epoch: <span style="color:#4c78a8">training</span>, <span style="color:${EPSILON_COLOR}">held-out</span>. Maps: held-out explained fraction per position and per channel of the explained layer (viridis 0 → 1; a constant channel shows 0).</p>${items.join('')}</section>`;
}

function setupSection(report: Report): string {
  const s = report.settings;
  const settings: Facts = [
    ...settingsFacts(s),
    ['held-out fraction', String(s.testFraction)],
    ['batch size', String(s.batchSize)],
    ['learning rate', `${s.learningRate.start} → ${s.learningRate.end}`],
    ['weight decay', String(s.weightDecay)],
    ['warm start', s.warmStart ? 'ridge' : 'no'],
    ['patience', String(s.patience)],
  ];
  const p = report.probe;
  const probe: Facts = [
    ...probeFacts(p),
    ...(p.inputs ?? []).map((input): [string, string] => [`input ${input.model}`, describeInput(input)]),
  ];
  const b = report.backend;
  const backend: Facts = [
    ...backendFacts(b),
    ['threads', String(b.threads)],
    ...(b.detail ? [['detail', b.detail] as [string, string]] : []),
  ];
  const t = report.timings ?? {};
  const timings: Array<[string, string]> = [
    ['load', seconds(t.loadSeconds)],
    ['extract', seconds(t.extractSeconds)],
    ['similarity', seconds(t.similaritySeconds)],
    ['disentangle', seconds(t.disentangleSeconds)],
    ['total', seconds(t.totalSeconds)],
  ];
  const models = report.models
    ? [report.models.a, report.models.b].map(
        (m, i) =>
          [
            `model ${i === 0 ? 'A' : 'B'}`,
            `${m.name} · ${m.format} · ${m.path}${m.sha256 ? ` · sha256 ${m.sha256.slice(0, 12)}…` : ''}`,
          ] as [string, string],
      )
    : [];
  return `<section class="setup"><h2>Setup</h2><div class="cards">${card('Models', models)}${card('Probe', probe)}${card('Settings', settings)}${card('Backend', backend)}${card('Time', timings)}</div></section>`;
}

function card(title: string, rows: Array<[string, string]>): string {
  if (rows.length === 0) return '';
  return `<div class="card" data-card="${esc(title.toLowerCase())}"><h3>${esc(title)}</h3><dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></div>`;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #656d76; --line: #d0d7de; --warn-bg: #fff8c5; --warn-line: #d4a72c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0; --line: #30363d; --warn-bg: #3b2e00; --warn-line: #9e6a03; } }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 24px auto; max-width: 1200px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 28px; } h3 { font-size: 14px; margin: 8px 0 4px; }
.meta, .note { color: var(--muted); } .pair-warning { color: #b35900; max-width: 420px; }
.warnings { background: var(--warn-bg); border: 1px solid var(--warn-line); border-radius: 6px; padding: 4px 16px; }
table.pairs { border-collapse: collapse; width: 100%; } table.pairs th, table.pairs td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: middle; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.headline { font-weight: 600; } td.similarity { color: var(--muted); }
.spread { color: var(--muted); font-weight: normal; }
.interval { display: block; color: var(--muted); font-weight: normal; font-size: 0.85em; }
.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -1px; border-radius: 2px; }
.figures { display: flex; flex-wrap: wrap; gap: 24px; } figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { fill: var(--fg); font-size: 11px; } svg text.cell-value { font-size: 10px; } svg rect.empty { fill: none; stroke: var(--line); stroke-dasharray: 2 2; }
.pair-detail { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 8px 0; display: inline-block; vertical-align: top; min-width: 340px; margin-right: 8px; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 4px 0; } dt { color: var(--muted); } dd { margin: 0; word-break: break-all; }
.maps { display: flex; gap: 16px; align-items: flex-end; margin-top: 6px; } figure.map figcaption { font-weight: normal; color: var(--muted); font-size: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; } .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; flex: 1 1 300px; }
`;
