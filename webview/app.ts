/**
 * The panel app: holds the analysis the host sent (updated as results stream), the view state the user chose, and
 * draws the toolbar, the heatmap, the layer strip and the pair drill-down from them.
 */
import type { Direction } from '../src/protocol/report';
import type { HostMessage, PairFocus, PanelViewState } from '../src/protocol/webview.protocol';
import { exportStem, heatmapCsv } from './model/export';
import { num, pct, spreadPct } from './model/format';
import { buildHeatmap, CellState, cellOf, type HeatmapModel } from './model/heatmap';
import { ckaKey, ckaName, directedKey, measuresFor, orderFraction } from './model/measures';
import { layerStrip } from './model/strip';
import { applyHostMessage, EMPTY, inFlight, type PanelData } from './model/stream';
import type { PanelIpc } from './ipc';
import { stripChart } from './views/charts';
import { renderDrilldown } from './views/drilldown';
import { drawLegend, HeatmapView } from './views/heatmap-view';
import { rowsOf, viewToPng, type PngRow } from './views/png';
import { html } from './views/svg';
import { readTheme } from './views/theme';

const TABS = ['heatmap', 'strip', 'pair'] as const;
type Tab = (typeof TABS)[number];

interface SelectEl extends HTMLElement { value: string }
interface TabsEl extends HTMLElement { selectedIndex: number }
interface ProgressEl extends HTMLElement { value?: number; indeterminate: boolean }

export class App {
  private data: PanelData = EMPTY;
  private view: PanelViewState;
  private model?: HeatmapModel;
  private scheduled = false;

  private readonly title = html('h1', { id: 'title' }, 'Knowledge consistency');
  private readonly status = html('span', { id: 'status', class: 'status' });
  private readonly banner = html('div', { id: 'banner', role: 'status' });
  private readonly progressRow = html('div', { id: 'progress', class: 'progress-row' });
  private readonly progressBar = document.createElement('vscode-progress-bar') as ProgressEl;
  private readonly progressText = html('span', { class: 'muted' });
  private readonly measureSel = select('measure', 'Measure');
  private readonly directionSel = select('direction', 'Direction');
  private readonly sortSel = select('sort', 'Order');
  private readonly tabs = document.createElement('vscode-tabs') as TabsEl;
  private readonly legend = html('canvas', { id: 'legend', role: 'img' });
  private readonly scroller = html('div', { id: 'heatmap-scroll' });
  private readonly emptyNote = html('p', { id: 'heatmap-empty', class: 'muted' });
  private readonly stripBox = html('div', { id: 'strip' });
  private readonly drillBox = html('div', { id: 'drilldown' });
  private readonly announcer = html('div', { id: 'announcer', class: 'sr-only', 'aria-live': 'polite' });
  private readonly heatmap: HeatmapView;
  /** Time of the last heatmap rebuild + draw, in ms (printed by the browser test; never asserted). */
  lastRenderMs = 0;

  constructor(root: HTMLElement, private readonly ipc: PanelIpc) {
    this.view = ipc.getState();
    this.heatmap = new HeatmapView(this.scroller, {
      open: (r, c) => this.openCell(r, c),
      select: (r, c) => this.onSelect(r, c),
      describe: (r, c) => this.describe(r, c),
    });
    this.buildDom(root);
    ipc.onMessage((m) => this.onMessage(m));
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    // A theme switch changes the body class and the CSS variables: the canvas and the SVG colours are drawn, not styled.
    const themeWatch = new MutationObserver(() => this.schedule());
    themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
    ipc.post({ type: 'kc/ready', analysisId: this.view.analysisId });
  }

  private buildDom(root: HTMLElement): void {
    const head = html('header', { class: 'head' });
    head.append(this.title, this.status);

    setOptions(this.directionSel, [['A->B', 'A explains B (A → B)'], ['B->A', 'B explains A (B → A)']], this.view.direction ?? 'A->B');
    setOptions(this.sortSel, [['depth', 'by depth'], ['value', 'by value']], this.view.sort ?? 'depth');
    const toolbar = html('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Heatmap options and exports' });
    toolbar.append(
      labelled('Measure', this.measureSel), labelled('Direction', this.directionSel), labelled('Order', this.sortSel),
      html('span', { class: 'spacer' }),
      button('export-png', 'Export PNG', () => void this.exportPng()),
      button('export-csv', 'Export CSV', () => this.exportCsv()),
      button('export-json', 'Export JSON', () => this.exportJson()),
      button('reveal-a', 'Reveal A', () => this.reveal('a')),
      button('reveal-b', 'Reveal B', () => this.reveal('b')),
    );
    this.measureSel.addEventListener('change', () => this.setView({ measure: this.measureSel.value }));
    this.directionSel.addEventListener('change', () => {
      const direction = this.directionSel.value as Direction;
      // The drill-down's channel and ε views follow the chosen direction too.
      this.setView({ direction, focus: this.view.focus && { ...this.view.focus, direction } });
    });
    this.sortSel.addEventListener('change', () => this.setView({ sort: this.sortSel.value as 'depth' | 'value' }));

    this.progressBar.indeterminate = true;
    this.progressRow.append(this.progressBar, this.progressText);
    this.progressRow.hidden = true;

    const heatPanel = html('div', { class: 'heat-panel' });
    heatPanel.append(this.emptyNote, this.legend, this.scroller, html('p', { class: 'muted hint' },
      'Full cells: the disentangler\'s value. Small squares marked ≥: the closed-form ridge lower bound where the disentangler has not run (or not yet). A dot: a pair still running. Faint grey: not computed. Linear CKA is similarity, not knowledge consistency.'));
    const tabIndex = Math.max(0, TABS.indexOf(this.view.tab ?? 'heatmap'));
    const labels: Record<Tab, string> = { heatmap: 'Heatmap', strip: 'Layer strip', pair: 'Pair drill-down' };
    const bodies: Record<Tab, HTMLElement> = { heatmap: heatPanel, strip: this.stripBox, pair: this.drillBox };
    for (const t of TABS) {
      const header = document.createElement('vscode-tab-header');
      header.slot = 'header';
      // vscode-tabs assigns the ids of headers and panels itself (aria wiring): name them by data attribute.
      header.dataset.tab = t;
      header.textContent = labels[t];
      const panel = document.createElement('vscode-tab-panel');
      panel.dataset.tab = t;
      panel.append(bodies[t]);
      this.tabs.append(header, panel);
    }
    this.tabs.selectedIndex = tabIndex;
    this.tabs.addEventListener('vsc-tabs-select', (e) => {
      const i = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      this.setView({ tab: TABS[i] ?? 'heatmap' });
    });
    root.append(head, this.banner, toolbar, this.progressRow, this.tabs, this.announcer);
  }

  private onMessage(m: HostMessage): void {
    if (m.type === 'kc/exportDone') {
      this.announce(m.error ? `Export failed: ${m.error}` : m.path ? `Saved ${m.path}` : 'Export cancelled');
      return;
    }
    this.data = applyHostMessage(this.data, m);
    if (m.type === 'kc/record' && this.view.analysisId !== m.record.id) {
      // A different analysis: keep the user's measure and direction, forget the old selection.
      this.view = { ...this.view, analysisId: m.record.id, selected: undefined, focus: undefined };
    }
    if (this.data.focus && (m.type === 'kc/focus' || (m.type === 'kc/record' && m.focus))) {
      this.view = { ...this.view, focus: this.data.focus, tab: 'pair', direction: this.data.focus.direction, selected: undefined };
      this.tabs.selectedIndex = TABS.indexOf('pair');
      this.directionSel.value = this.data.focus.direction;
    }
    this.ipc.setState(this.view);
    this.schedule();
  }

  private setView(patch: Partial<PanelViewState>): void {
    this.view = { ...this.view, ...patch };
    this.ipc.setState(this.view);
    this.schedule();
  }

  /** Coalesces bursts of streamed results into one draw per frame. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  private render(): void {
    const { record, report } = this.data;
    const names = this.modelNames();
    this.title.textContent = record && (record.modelA || report.models) ? `${names.a} vs ${names.b}` : 'Knowledge consistency';
    this.status.textContent = record ? statusText(record.status, report.pairs.length) : 'waiting for an analysis…';
    this.status.dataset.status = record?.status ?? 'none';
    this.renderBanner();
    this.renderProgress();

    const measures = measuresFor(report);
    setOptions(this.measureSel, measures.map((m) => [m.id, m.label]), this.view.measure ?? measures[0].id);

    const t0 = performance.now();
    this.model = buildHeatmap(report, { measure: this.view.measure, direction: this.view.direction, sort: this.view.sort, inFlight: inFlight(this.data) });
    // A focus from the host (a CodeLens, a restore) also moves the heatmap selection onto its cell.
    const focusCell = this.view.focus ? cellOf(this.model, this.view.focus) : undefined;
    this.heatmap.setModel(this.model, this.view.selected ?? focusCell);
    const empty = this.model.rows.length === 0 || this.model.cols.length === 0;
    this.emptyNote.hidden = !empty;
    this.emptyNote.textContent = !record ? 'Waiting for an analysis…'
      : record.status === 'running' ? 'Comparing: cells appear as the layers are measured.'
        : 'No layer pairs to show: this analysis has no results.';
    this.legend.hidden = empty;
    this.scroller.hidden = empty;
    this.lastRenderMs = performance.now() - t0;
    this.scroller.dataset.renderMs = this.lastRenderMs.toFixed(2);
    drawLegend(this.legend, this.model.measure.label, !!this.model.measure.higherIsWorse);

    const strip = layerStrip(report, this.view.direction ?? 'A->B');
    this.stripBox.replaceChildren(strip.length
      ? stripChart(strip, readTheme())
      : html('p', { class: 'muted' }, 'No disentangler pairs in this direction yet.'));
    if (strip.length) this.stripBox.append(html('p', { class: 'muted' }, 'The paper\'s diagnosis view: how much of each B layer A explains, by depth. Reliable layers keep a high low-order share across seeds.'));

    if (this.view.focus) renderDrilldown(this.drillBox, report, this.view.focus);
    else this.drillBox.replaceChildren(html('p', { class: 'muted' }, 'Click a heatmap cell (or select one and press Enter) to see its pair.'));
    document.body.dataset.ready = record ? 'true' : 'false';
  }

  private renderBanner(): void {
    const { record, report } = this.data;
    const lines: string[] = [];
    if (record?.stale) lines.push('Stale: a model file changed after this analysis ran. Run the comparison again for current numbers.');
    if (record?.status === 'failed') lines.push(`Failed: ${record.error ?? 'the analysis stopped with an error'}`);
    if (record?.status === 'cancelled') lines.push('Cancelled: showing the pairs that finished.');
    if (report.probe?.warning) lines.push(`Probe: ${report.probe.warning}`);
    for (const w of report.warnings ?? []) lines.push(w);
    this.banner.replaceChildren(...lines.map((l) => html('div', {}, l)));
    this.banner.hidden = lines.length === 0;
    this.banner.classList.toggle('error', record?.status === 'failed' || !!record?.stale);
  }

  private renderProgress(): void {
    const running = this.data.record?.status === 'running';
    this.progressRow.hidden = !running;
    const p = this.data.progress;
    this.progressText.textContent = running ? (p?.message ?? 'Comparing…') : '';
    if (p?.fraction !== undefined) { this.progressBar.indeterminate = false; this.progressBar.value = p.fraction * 100; }
    else this.progressBar.indeterminate = true;
  }

  private modelNames(): { a: string; b: string } {
    const base = (p: string | undefined) => (p ?? '').split(/[\\/]/).pop() || '?';
    const { report, names, record } = this.data;
    return { a: report.models?.a.name ?? names?.a ?? base(record?.modelA), b: report.models?.b.name ?? names?.b ?? base(record?.modelB) };
  }

  private onSelect(row: number, col: number): void {
    this.view = { ...this.view, selected: { row, col } };
    this.ipc.setState(this.view);
    this.announce(this.describe(row, col).slice(0, 2).join('. '));
  }

  private openCell(row: number, col: number): void {
    const m = this.model;
    const id = this.data.record?.id;
    if (!m || !id) return;
    const focus: PairFocus = { layerA: m.rows[row], layerB: m.cols[col], direction: m.direction };
    this.view = { ...this.view, focus, tab: 'pair', selected: { row, col } };
    this.tabs.selectedIndex = TABS.indexOf('pair');
    this.ipc.setState(this.view);
    this.ipc.post({ type: 'kc/openPair', analysisId: id, focus });
    this.schedule();
  }

  /** Every number we have for a cell, for the tooltip (first line: the pair; second: the measure shown). */
  private describe(row: number, col: number): string[] {
    const m = this.model;
    if (!m) return [];
    const at = row * m.cols.length + col;
    const a = m.rows[row];
    const b = m.cols[col];
    const dir = m.direction === 'A->B' ? 'A → B' : 'B → A';
    const lines = [`${a} (A) × ${b} (B), ${dir}`];
    const state = m.states[at];
    lines.push(`${m.measure.label}: ${state === CellState.Empty ? 'not computed' : m.measure.id.startsWith('linear') || m.measure.id === 'ridgeExplained' ? num(m.values[at]) : pct(m.values[at])}${state === CellState.Provisional ? boundNote(this.data.record?.status === 'running') : ''}`);
    const pi = m.pairIndex[at];
    const report = this.data.report;
    if (pi >= 0) {
      const p = report.pairs[pi];
      lines.push(`explained: ${pct(p.explained)}${spreadPct(p.spread?.explained)}`);
      lines.push(`orders: ${p.orders.map((o) => `${o.order}: ${pct(orderFraction(p, o.order))}${spreadPct(p.spread?.orders[o.order])}`).join(' · ')}`);
      lines.push(`inconsistent ε: ${pct(p.inconsistent.fraction)}${spreadPct(p.spread?.inconsistent)}`);
      const s = p.similarity;
      lines.push(`similarity: linear CKA ${num(s.linearCKA)}${s.ridgeExplained !== undefined ? ` · ridge ${pct(s.ridgeExplained)}` : ''}${s.svcca !== undefined ? ` · SVCCA ${num(s.svcca)}` : ''}${s.pwcca !== undefined ? ` · PWCCA ${num(s.pwcca)}` : ''}${s.procrustes !== undefined ? ` · Procrustes ${num(s.procrustes)}` : ''}`);
      lines.push(`gates: ${p.training.gates.map((g) => g.toFixed(2)).join(', ') || '—'} · ${p.training.epochs} epochs`);
      if (p.shapeA && p.shapeB) lines.push(`shapes: A ${p.shapeA.join('×')} · B ${p.shapeB.join('×')}${p.resampled ? ` (${p.resampled})` : ''}`);
    } else {
      const mat = report.matrix;
      const i = mat?.layersA.indexOf(a) ?? -1;
      const j = mat?.layersB.indexOf(b) ?? -1;
      if (mat && i >= 0 && j >= 0) {
        const v = (k: string) => mat.measures[k]?.[i * mat.layersB.length + j] ?? undefined;
        const cka = v(ckaKey(report));
        const ridge = v(directedKey('ridgeExplained', m.direction));
        lines.push(`similarity: ${ckaName(report)} ${num(cka ?? undefined)}${ridge !== undefined && ridge !== null ? ` · ridge ${pct(ridge)}` : ''}`);
      }
      lines.push(m.running[at] ? 'disentangler: running…' : 'disentangler: not run on this pair');
    }
    lines.push('Click or Enter: open the pair');
    return lines;
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }

  private stem(): string {
    const n = this.modelNames();
    return exportStem(n.a.split('/').pop(), n.b.split('/').pop());
  }

  private async exportPng(): Promise<void> {
    const id = this.data.record?.id;
    if (!id) return;
    const tab = this.view.tab ?? 'heatmap';
    const rows: PngRow[] = tab === 'heatmap' ? [[this.legend], [this.heatmap.canvas]] : rowsOf(tab === 'strip' ? this.stripBox : this.drillBox);
    const title = `${this.title.textContent} · ${tab === 'heatmap' ? `${this.model?.measure.label} (${this.model?.direction})` : tab === 'strip' ? 'layer strip' : `${this.view.focus?.layerA} ↔ ${this.view.focus?.layerB}`}`;
    const dataUrl = await viewToPng(title, rows);
    this.ipc.post({ type: 'kc/export', analysisId: id, format: 'png', dataUrl, suggestedName: `${this.stem()}-${tab}.png` });
  }

  private exportCsv(): void {
    const id = this.data.record?.id;
    if (!id || !this.model) return;
    this.ipc.post({ type: 'kc/export', analysisId: id, format: 'csv', content: heatmapCsv(this.model), suggestedName: `${this.stem()}-${this.model.measure.id}.csv` });
  }

  private exportJson(): void {
    const id = this.data.record?.id;
    if (id) this.ipc.post({ type: 'kc/export', analysisId: id, format: 'json', suggestedName: `${this.stem()}.json` });
  }

  private reveal(which: 'a' | 'b'): void {
    const id = this.data.record?.id;
    if (id) this.ipc.post({ type: 'kc/revealModel', analysisId: id, which });
  }
}

/** A ridge bound stands in for the explained fraction: until the pair lands, or for good on layers the disentangler skips. */
function boundNote(running: boolean): string {
  return running ? ' (ridge lower bound; disentangler pending)' : ' (ridge lower bound; the disentangler did not run on this pair)';
}

function statusText(status: string, pairs: number): string {
  switch (status) {
    case 'running': return `running · ${pairs} pair${pairs === 1 ? '' : 's'} done`;
    case 'done': return `done · ${pairs} pair${pairs === 1 ? '' : 's'}`;
    case 'failed': return 'failed';
    default: return status;
  }
}

function select(id: string, label: string): SelectEl {
  const el = document.createElement('vscode-single-select') as unknown as SelectEl;
  el.id = id;
  el.setAttribute('aria-label', label);
  return el;
}

/** Replaces a select's options only when the list changed (streamed results must not reset an open menu). */
function setOptions(el: SelectEl, options: Array<[string, string]>, value: string): void {
  const key = options.map((o) => o[0]).join('|');
  const chosen = options.some((o) => o[0] === value) ? value : options[0]?.[0] ?? '';
  if (el.dataset.options !== key) {
    el.dataset.options = key;
    el.replaceChildren(...options.map(([v, l]) => {
      const opt = document.createElement('vscode-option');
      opt.setAttribute('value', v);
      if (v === chosen) opt.setAttribute('selected', '');
      opt.textContent = l;
      return opt;
    }));
  }
  if (el.value !== chosen) el.value = chosen;
}

function labelled(text: string, control: HTMLElement): HTMLElement {
  const l = html('label', { class: 'field' });
  l.append(html('span', {}, text), control);
  return l;
}

function button(id: string, label: string, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.setAttribute('secondary', '');
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
