/**
 * The panel app: holds the analysis the host sent (updated as results stream) and the view state the user chose,
 * and hands them to the views that draw them (head, toolbar, heatmap, layer strip, drill-down). No drawing here.
 */
import type { HostMessage, PairFocus, PanelViewState, WebviewMessage } from '../src/protocol/webview.protocol';
import { buildHeatmap, cellOf, type HeatmapModel } from './model/heatmap';
import { measuresFor } from './model/measures';
import { layerStrip } from './model/strip';
import { applyHostMessage, EMPTY, inFlight, type PanelData } from './model/stream';
import { describeCell } from './model/tooltip';
import type { PanelIpc } from './ipc';
import { stripChart } from './views/charts';
import { renderDrilldown } from './views/drilldown';
import { csvExport, pngExport, type ExportSource } from './views/exports';
import { HeaderView } from './views/header-view';
import { drawLegend, HeatmapView } from './views/heatmap-view';
import { html } from './views/svg';
import { readTheme } from './views/theme';
import { Toolbar } from './views/toolbar';

const TABS = ['heatmap', 'strip', 'pair'] as const;
type Tab = (typeof TABS)[number];

interface TabsEl extends HTMLElement {
  selectedIndex: number;
}

export class App {
  private data: PanelData = EMPTY;
  private view: PanelViewState;
  private model?: HeatmapModel;
  private scheduled = false;

  private readonly header = new HeaderView();
  private readonly toolbar: Toolbar;
  private readonly tabs = document.createElement('vscode-tabs') as TabsEl;
  private readonly legend = html('canvas', { id: 'legend', role: 'img' });
  private readonly scroller = html('div', { id: 'heatmap-scroll' });
  private readonly emptyNote = html('p', { id: 'heatmap-empty', class: 'muted' });
  private readonly stripBox = html('div', { id: 'strip' });
  private readonly drillBox = html('div', { id: 'drilldown' });
  private readonly drillActions = {
    refine: () => {
      const id = this.data.record?.id;
      if (id && this.view.focus) this.send({ type: 'kc/refine', analysisId: id, focus: this.view.focus });
    },
  };
  private readonly announcer = html('div', { id: 'announcer', class: 'sr-only', 'aria-live': 'polite' });
  private readonly heatmap: HeatmapView;

  constructor(
    root: HTMLElement,
    private readonly ipc: PanelIpc,
  ) {
    this.view = ipc.getState();
    this.heatmap = new HeatmapView(this.scroller, {
      open: (r, c) => this.openCell(r, c),
      select: (r, c) => this.onSelect(r, c),
      describe: (r, c) =>
        this.model ? describeCell(this.model, this.data.report, this.data.record?.status === 'running', r, c) : [],
    });
    this.toolbar = new Toolbar(this.view, {
      // The drill-down's channel and ε views follow the chosen direction too.
      change: (patch) =>
        this.setView(
          patch.direction && this.view.focus
            ? { ...patch, focus: { ...this.view.focus, direction: patch.direction } }
            : patch,
        ),
      help: () => this.send({ type: 'kc/openHelp' }),
    });
    root.append(this.header.head, this.toolbar.element, this.header.progressRow, this.buildTabs(), this.announcer);
    ipc.onMessage((m) => this.onMessage(m));
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    // A theme switch changes the body class and the CSS variables: the canvas and the SVG colours are drawn, not styled.
    const themeWatch = new MutationObserver(() => this.schedule());
    themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
    ipc.post({ type: 'kc/ready', analysisId: this.view.analysisId });
  }

  private buildTabs(): HTMLElement {
    const heatPanel = html('div', { class: 'heat-panel' });
    heatPanel.append(
      this.emptyNote,
      this.legend,
      this.scroller,
      html(
        'p',
        { class: 'muted hint' },
        "Full cells: the disentangler's value. Small squares marked ≥: the closed-form ridge lower bound where the disentangler has not run (or not yet). A dot: a pair still running. Faded colours: linear CKA similarity where the disentangler has not run. Faint grey: not computed. Linear CKA is similarity, not knowledge consistency.",
      ),
    );
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
    this.tabs.selectedIndex = Math.max(0, TABS.indexOf(this.view.tab ?? 'heatmap'));
    this.tabs.addEventListener('vsc-tabs-select', (e) => {
      const i = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      this.setView({ tab: TABS[i] ?? 'heatmap' });
    });
    return this.tabs;
  }

  private onMessage(m: HostMessage): void {
    // Export… in the editor title bar: the host chose the format, the webview has the picture and the matrix.
    if (m.type === 'kc/requestExport') {
      if (m.format === 'png') void this.exportPng();
      else this.send(csvExport(this.exportSource()));
      return;
    }
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
      this.view = {
        ...this.view,
        focus: this.data.focus,
        tab: 'pair',
        direction: this.data.focus.direction,
        selected: undefined,
      };
      this.tabs.selectedIndex = TABS.indexOf('pair');
      this.toolbar.showDirection(this.data.focus.direction);
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
    this.header.render(this.data, this.modelNames());
    // Before an analysis arrives there are no names to give: A and B.
    this.toolbar.showNames(record ? this.modelNames() : { a: 'A', b: 'B' }, this.view.direction);
    const measures = measuresFor(report);
    this.toolbar.showMeasures(measures, this.view.measure);

    // Measured, not asserted: the browser test reads this entry to print the rebuild + draw time of a big matrix.
    const started = performance.now();
    // The selection is a cell, not a grid position: it follows its layers when the order or the layer set changes.
    const previous = this.model;
    const held = this.view.selected;
    this.model = buildHeatmap(report, {
      measure: this.view.measure,
      direction: this.view.direction,
      sort: this.view.sort,
      inFlight: inFlight(this.data),
    });
    if (previous && held) {
      const row = this.model.rows.indexOf(previous.rows[held.row]);
      const col = this.model.cols.indexOf(previous.cols[held.col]);
      if (row >= 0 && col >= 0 && (row !== held.row || col !== held.col)) {
        this.view = { ...this.view, selected: { row, col } };
        this.ipc.setState(this.view);
      }
    }
    // A focus from the host (a CodeLens, a restore) also moves the heatmap selection onto its cell.
    const focusCell = this.view.focus ? cellOf(this.model, this.view.focus) : undefined;
    this.heatmap.setModel(this.model, this.view.selected ?? focusCell);
    const empty = this.model.rows.length === 0 || this.model.cols.length === 0;
    this.emptyNote.hidden = !empty;
    this.emptyNote.textContent = !record
      ? 'Waiting for an analysis…'
      : record.status === 'running'
        ? 'Comparing: cells appear as the layers are measured.'
        : 'No layer pairs to show: this analysis has no results.';
    this.legend.hidden = empty;
    this.scroller.hidden = empty;
    performance.measure('kc-heatmap-render', { start: started });
    drawLegend(this.legend, this.model.measure.label, !!this.model.measure.higherIsWorse);

    const strip = layerStrip(report, this.view.direction ?? 'A->B');
    this.stripBox.replaceChildren(
      strip.length
        ? stripChart(strip, readTheme())
        : html('p', { class: 'muted' }, 'No disentangler pairs in this direction yet.'),
    );
    if (strip.length)
      this.stripBox.append(
        html(
          'p',
          { class: 'muted' },
          "The paper's diagnosis view: how much of each B layer A explains, by depth. Reliable layers keep a high low-order share across seeds.",
        ),
      );

    if (this.view.focus) renderDrilldown(this.drillBox, report, this.view.focus, this.drillActions);
    else
      this.drillBox.replaceChildren(
        html('p', { class: 'muted' }, 'Click a heatmap cell (or select one and press Enter) to see its pair.'),
      );
  }

  private modelNames(): { a: string; b: string } {
    const base = (p: string | undefined) => (p ?? '').split(/[\\/]/).pop() || '?';
    const { report, names, record } = this.data;
    return {
      a: report.models?.a.name ?? names?.a ?? base(record?.modelA),
      b: report.models?.b.name ?? names?.b ?? base(record?.modelB),
    };
  }

  private onSelect(row: number, col: number): void {
    this.view = { ...this.view, selected: { row, col } };
    this.ipc.setState(this.view);
    if (this.model)
      this.announce(
        describeCell(this.model, this.data.report, this.data.record?.status === 'running', row, col)
          .slice(0, 2)
          .join('. '),
      );
  }

  private openCell(row: number, col: number): void {
    const m = this.model;
    const id = this.data.record?.id;
    if (!m || !id) return;
    const focus: PairFocus = { layerA: m.rows[row], layerB: m.cols[col], direction: m.direction };
    this.view = { ...this.view, focus, tab: 'pair', selected: { row, col } };
    this.tabs.selectedIndex = TABS.indexOf('pair');
    this.ipc.setState(this.view);
    this.send({ type: 'kc/openPair', analysisId: id, focus });
    this.schedule();
  }

  /** The picture without the selection box (a keyboard cursor, not part of the result). */
  private async exportPng(): Promise<void> {
    this.heatmap.draw(false);
    try {
      this.send(await pngExport(this.exportSource()));
    } finally {
      this.heatmap.draw();
    }
  }

  private exportSource(): ExportSource {
    return {
      analysisId: this.data.record?.id,
      view: this.view,
      model: this.model,
      title: this.header.titleText,
      names: this.modelNames(),
      heatmap: [[this.legend], [this.heatmap.canvas]],
      strip: this.stripBox,
      drilldown: this.drillBox,
    };
  }

  private send(message: WebviewMessage | undefined): void {
    if (message) this.ipc.post(message);
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }
}
