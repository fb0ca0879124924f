/** The page and the setup section shared by the HTML reports of many models (kc family, kc drift). */
import type { ManyModelReport } from '../../protocol/family';
import type { ModelRef } from '../../protocol/report';
import { esc } from './escape';
import { seconds } from './format';
import { backendFacts, probeFacts, selfContainedPage, settingsFacts, type Facts } from './html-parts';

/** A family or drift report's page, with their stylesheet. */
export function htmlPage(title: string, body: string): string {
  return selfContainedPage(title, CSS, body);
}

export function warningsSection(report: ManyModelReport): string {
  if (report.warnings.length === 0) return '';
  return `<section class="warnings"><h2>Warnings</h2><ul>${report.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>`;
}

/** Models, probe, settings, backend and time, as cards. */
export function setupSection(report: ManyModelReport, models: readonly ModelRef[], labels: readonly string[]): string {
  const t = report.timings;
  const cards: Array<[string, Facts]> = [
    [
      'Models',
      models.map((m, i) => [
        labels[i],
        `${m.format} · ${m.path}${m.sha256 ? ` · sha256 ${m.sha256.slice(0, 12)}…` : ''}`,
      ]),
    ],
    ['Probe', probeFacts(report.probe)],
    ['Settings', settingsFacts(report.settings)],
    ['Backend', backendFacts(report.backend)],
    [
      'Time',
      [
        ['load', seconds(t.loadSeconds)],
        ['extract (each model once)', seconds(t.extractSeconds)],
        [`fit (${report.fits.length} fits)`, seconds(t.fitSeconds)],
        ['total', seconds(t.totalSeconds)],
      ],
    ],
  ];
  const html = cards.map(
    ([title, rows]) =>
      `<div class="card"><h3>${esc(title)}</h3><dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></div>`,
  );
  return `<section class="setup"><h2>Setup</h2><div class="cards">${html.join('')}</div></section>`;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #656d76; --line: #d0d7de; --warn-bg: #fff8c5; --warn-line: #d4a72c; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0; --line: #30363d; --warn-bg: #3b2e00; --warn-line: #9e6a03; } }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 24px auto; max-width: 1200px; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 28px; } h3 { font-size: 14px; margin: 8px 0 4px; }
.meta, .note { color: var(--muted); }
.warnings { background: var(--warn-bg); border: 1px solid var(--warn-line); border-radius: 6px; padding: 4px 16px; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.headline { font-weight: 600; }
.figures { display: flex; flex-wrap: wrap; gap: 24px; } figure { margin: 16px 0 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { fill: var(--fg); font-size: 11px; } svg text.cell-value { font-size: 10px; } svg rect.empty { fill: none; stroke: var(--line); stroke-dasharray: 2 2; }
.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -1px; border-radius: 2px; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 4px 0; } dt { color: var(--muted); } dd { margin: 0; word-break: break-all; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; } .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; flex: 1 1 300px; }
`;
