/**
 * The layer × layer heatmap on one <canvas> (thousands of cells, no DOM node per cell): A's layers as rows, B's as
 * columns, hover tooltip, keyboard selection (arrows, Home/End, Enter opens the pair), running markers.
 */
import { shortLayerNames } from '../../src/protocol/layer-names';
import { colorHex } from '../../src/protocol/colors';
import { legendStops, textOn } from '../model/color';
import { CellState, type HeatmapModel } from '../model/heatmap';
import { readTheme, type Theme } from './theme';

export interface HeatmapCallbacks {
  /** The user chose a cell (click or Enter). */
  open(row: number, col: number): void;
  /** Selection moved (keyboard or click): the app persists it and describes it. */
  select(row: number, col: number): void;
  /** Tooltip lines for a cell. */
  describe(row: number, col: number): string[];
}

/** A cell's side in pixels, within min…max; from `labelled` up, a cell carries its value as text. */
const CELL = { min: 4, max: 56, labelled: 38 };
const MAX_LABEL = 160;
const PAD = 8;
/** Opacity of a similarity background in a cell the disentangler did not fill. */
const BACKGROUND_ALPHA = 0.3;
/** Side of a provisional cell's inset square, as a fraction of the cell. */
const PROVISIONAL_SIZE = 0.72;

export class HeatmapView {
  readonly canvas: HTMLCanvasElement;
  readonly tooltip: HTMLDivElement;
  private model?: HeatmapModel;
  /** Row and column labels: each model's short unique layer names (the tooltip has the full ones). */
  private labels = { rows: [] as string[], cols: [] as string[] };
  private selected = { row: 0, col: 0 };
  private geom = { x0: 0, y0: 0, cell: 0, width: 0, height: 0 };
  private hovering = false;
  /** Where the visible tooltip points (cell and window position). */
  private tip?: { row: number; col: number; x: number; y: number };
  /** Milliseconds the last full draw took (shown in the test log, never asserted). */
  lastDrawMs = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly cb: HeatmapCallbacks,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'heatmap';
    this.canvas.tabIndex = 0;
    // A canvas has no cells for a grid role: it is one interactive widget; the app's live region reads the cell.
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-roledescription', 'heatmap');
    this.tooltip = document.createElement('div');
    this.tooltip.id = 'tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    host.append(this.canvas);
    // Fixed, outside the scrolling box, so a cell near an edge never gets a clipped tooltip.
    document.body.append(this.tooltip);

    this.canvas.addEventListener('mousemove', (e) => this.onHover(e));
    this.canvas.addEventListener('mouseleave', () => {
      this.hovering = false;
      this.tooltip.hidden = true;
    });
    this.canvas.addEventListener('click', (e) => {
      const hit = this.hit(e);
      if (!hit) return;
      this.setSelected(hit.row, hit.col);
      this.tooltip.hidden = true;
      this.cb.open(hit.row, hit.col);
    });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('focus', () => this.showTooltipAtSelection());
    this.canvas.addEventListener('blur', () => {
      if (!this.hovering) this.tooltip.hidden = true;
    });
  }

  get selection(): { row: number; col: number } {
    return { ...this.selected };
  }

  setSelected(row: number, col: number): void {
    if (!this.model) return;
    const r = Math.max(0, Math.min(this.model.rows.length - 1, row));
    const c = Math.max(0, Math.min(this.model.cols.length - 1, col));
    this.selected = { row: r, col: c };
    this.draw();
    this.cb.select(r, c);
    if (document.activeElement === this.canvas) this.showTooltipAtSelection();
  }

  setModel(model: HeatmapModel, selected: { row: number; col: number } = this.selected): void {
    this.model = model;
    this.labels = { rows: shortLayerNames(model.rows), cols: shortLayerNames(model.cols) };
    this.selected = {
      row: Math.max(0, Math.min(selected.row, model.rows.length - 1)),
      col: Math.max(0, Math.min(selected.col, model.cols.length - 1)),
    };
    this.draw();
    // Results stream in under a visible tooltip: say what the cell holds now.
    if (!this.tooltip.hidden && this.tip) this.showTooltip(this.tip.row, this.tip.col, this.tip.x, this.tip.y);
  }

  /** Full redraw; cheap enough (one fillRect per cell) to run on every streamed result. `selection: false` for exports. */
  draw(selection = true): void {
    const m = this.model;
    if (!m) return;
    const t0 = performance.now();
    const theme = readTheme();
    const ctx = this.canvas.getContext('2d')!;
    const font = `11px ${theme.font}`;
    ctx.font = font;
    const labelW = Math.min(MAX_LABEL, Math.max(40, ...this.labels.rows.map((r) => ctx.measureText(r).width))) + PAD;
    const labelH = Math.min(MAX_LABEL, Math.max(40, ...this.labels.cols.map((c) => ctx.measureText(c).width))) + PAD;
    const avail = Math.max(200, (this.host.clientWidth || 800) - labelW - 2 * PAD);
    const cell = Math.max(CELL.min, Math.min(CELL.max, Math.floor(avail / Math.max(1, m.cols.length))));
    const x0 = PAD + labelW;
    const y0 = PAD + labelH;
    const width = x0 + cell * m.cols.length + PAD;
    const height = y0 + cell * m.rows.length + PAD;
    this.geom = { x0, y0, cell, width, height };

    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${height}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, width, height);
    ctx.font = font;

    this.drawCells(ctx, m, theme);
    this.drawLabels(ctx, m, theme);

    const { row, col } = this.selected;
    if (selection && m.rows.length && m.cols.length) {
      ctx.strokeStyle = theme.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(x0 + col * cell + 1, y0 + row * cell + 1, cell - 2, cell - 2);
    }
    this.describeForTests(m);
    this.lastDrawMs = performance.now() - t0;
    this.canvas.dataset.drawMs = this.lastDrawMs.toFixed(2);
  }

  private drawCells(ctx: CanvasRenderingContext2D, m: HeatmapModel, theme: Theme): void {
    const { x0, y0, cell } = this.geom;
    const nC = m.cols.length;
    const gap = cell >= 12 ? 1 : 0;
    // Empty cells: faded similarity where the matrix has it (a background, never a value: no number, no full colour),
    // else a faint wash of the grid colour, so "not computed" never reads as a low value.
    for (let i = 0; i < m.values.length; i++) {
      if (m.states[i] !== CellState.Empty) continue;
      const bg = m.background[i];
      ctx.fillStyle = Number.isFinite(bg) ? colorHex(bg) : theme.grid;
      ctx.globalAlpha = Number.isFinite(bg) ? BACKGROUND_ALPHA : 0.25;
      ctx.fillRect(x0 + (i % nC) * cell, y0 + Math.floor(i / nC) * cell, cell - gap, cell - gap);
    }
    ctx.globalAlpha = 1;
    // Done cells fill the cell; provisional ones (a cheap bound until the disentangler lands) are an inset square,
    // so a bound never reads as a finished value in any theme.
    const inset = Math.max(1, Math.round((cell * (1 - PROVISIONAL_SIZE)) / 2));
    for (let i = 0; i < m.values.length; i++) {
      const s = m.states[i];
      if (s === CellState.Empty) continue;
      ctx.fillStyle = colorHex(m.values[i]);
      const x = x0 + (i % nC) * cell;
      const y = y0 + Math.floor(i / nC) * cell;
      if (s === CellState.Provisional)
        ctx.fillRect(x + inset, y + inset, cell - gap - 2 * inset, cell - gap - 2 * inset);
      else ctx.fillRect(x, y, cell - gap, cell - gap);
    }
    if (theme.highContrast && cell >= 8) {
      ctx.strokeStyle = theme.foreground;
      ctx.lineWidth = 1;
      for (let i = 0; i < m.values.length; i++) {
        ctx.strokeRect(x0 + (i % nC) * cell + 0.5, y0 + Math.floor(i / nC) * cell + 0.5, cell - 1, cell - 1);
      }
    }
    // Values as text in big cells; a ring marks cells the disentangler is still working on.
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < m.values.length; i++) {
      const cx = x0 + (i % nC) * cell + cell / 2;
      const cy = y0 + Math.floor(i / nC) * cell + cell / 2;
      if (cell >= CELL.labelled && m.states[i] !== CellState.Empty) {
        const bg = colorHex(m.values[i]);
        const bound = m.states[i] === CellState.Provisional;
        ctx.fillStyle = textOn(bg);
        ctx.font = bound ? `10px ${theme.font}` : `11px ${theme.font}`;
        ctx.fillText((bound ? '≥' : '') + m.values[i].toFixed(2), cx, cy);
      }
      if (m.scaleWarning[i] && cell >= 6) {
        // A small triangle in the bottom-left corner: the two layers' sizes differ more than 2× (tooltip says how).
        const s = Math.max(3, Math.min(8, cell * 0.22));
        const x = x0 + (i % nC) * cell + 1;
        const y = y0 + Math.floor(i / nC) * cell + cell - gap - 1;
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + s, y);
        ctx.lineTo(x, y - s);
        ctx.closePath();
        ctx.fillStyle = theme.foreground;
        ctx.fill();
        ctx.strokeStyle = theme.background;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
      if (m.running[i]) {
        const r = Math.max(1.5, Math.min(5, cell * 0.1));
        ctx.beginPath();
        ctx.arc(x0 + (i % nC) * cell + cell - r - 2, y0 + Math.floor(i / nC) * cell + r + 2, r, 0, 2 * Math.PI);
        ctx.fillStyle = theme.focus;
        ctx.fill();
        ctx.strokeStyle = theme.background;
        ctx.lineWidth = 1;
        ctx.stroke();
      }
    }
  }

  private drawLabels(ctx: CanvasRenderingContext2D, m: HeatmapModel, theme: Theme): void {
    const { x0, y0, cell } = this.geom;
    const step = Math.max(1, Math.ceil(13 / cell));
    ctx.font = `11px ${theme.font}`;
    ctx.fillStyle = theme.foreground;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (let r = 0; r < m.rows.length; r += step)
      ctx.fillText(fit(ctx, this.labels.rows[r]), x0 - 4, y0 + r * cell + cell / 2);
    ctx.save();
    ctx.textAlign = 'left';
    const dpr = window.devicePixelRatio || 1;
    for (let c = 0; c < m.cols.length; c += step) {
      ctx.setTransform(dpr, 0, 0, dpr, (x0 + c * cell + cell / 2) * dpr, (y0 - 4) * dpr);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(fit(ctx, this.labels.cols[c]), 0, 0);
    }
    ctx.restore();
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'left';
    ctx.fillText('A ↓  B →', PAD, PAD + 6);
  }

  /** The grid's shape and geometry as attributes (tests read them); the label tells assistive tech the size. */
  private describeForTests(m: HeatmapModel): void {
    const d = this.canvas.dataset;
    d.rows = String(m.rows.length);
    d.cols = String(m.cols.length);
    d.cell = String(this.geom.cell);
    d.x0 = String(this.geom.x0);
    d.y0 = String(this.geom.y0);
    d.selectedRow = String(this.selected.row);
    d.selectedCol = String(this.selected.col);
    this.canvas.setAttribute(
      'aria-label',
      `${m.measure.label}, ${m.direction}: ${m.rows.length} layers of A by ${m.cols.length} layers of B. Arrow keys move, Enter opens the pair.`,
    );
  }

  private hit(e: MouseEvent): { row: number; col: number } | undefined {
    const m = this.model;
    if (!m) return undefined;
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left - this.geom.x0;
    const y = e.clientY - rect.top - this.geom.y0;
    const col = Math.floor(x / this.geom.cell);
    const row = Math.floor(y / this.geom.cell);
    return row >= 0 && col >= 0 && row < m.rows.length && col < m.cols.length ? { row, col } : undefined;
  }

  private onHover(e: MouseEvent): void {
    const hit = this.hit(e);
    this.hovering = !!hit;
    if (!hit) {
      this.tooltip.hidden = true;
      return;
    }
    this.showTooltip(hit.row, hit.col, e.clientX + 14, e.clientY + 14);
  }

  private showTooltipAtSelection(): void {
    const { row, col } = this.selected;
    const { x0, y0, cell } = this.geom;
    const rect = this.canvas.getBoundingClientRect();
    this.showTooltip(row, col, rect.left + x0 + (col + 1) * cell + 6, rect.top + y0 + (row + 1) * cell + 6);
  }

  private showTooltip(row: number, col: number, x: number, y: number): void {
    this.tip = { row, col, x, y };
    this.tooltip.replaceChildren(
      ...this.cb.describe(row, col).map((line, i) => {
        const div = document.createElement('div');
        if (i === 0) div.className = 'title';
        div.textContent = line;
        return div;
      }),
    );
    this.tooltip.dataset.row = String(row);
    this.tooltip.dataset.col = String(col);
    this.tooltip.hidden = false;
    // Keep the tooltip inside the window: left of the pointer near the right edge, above it near the bottom.
    const w = this.tooltip.offsetWidth;
    const h = this.tooltip.offsetHeight;
    const left = x + w + 4 > window.innerWidth ? Math.max(4, x - w - 28) : x;
    const top = y + h + 4 > window.innerHeight ? Math.max(4, y - h - 28) : y;
    this.tooltip.style.left = `${left}px`;
    this.tooltip.style.top = `${top}px`;
  }

  private onKey(e: KeyboardEvent): void {
    const m = this.model;
    if (!m) return;
    const { row, col } = this.selected;
    const big = e.shiftKey ? 10 : 1;
    const moves: Record<string, [number, number]> = {
      ArrowUp: [row - big, col],
      ArrowDown: [row + big, col],
      ArrowLeft: [row, col - big],
      ArrowRight: [row, col + big],
      Home: [row, 0],
      End: [row, m.cols.length - 1],
      PageUp: [0, col],
      PageDown: [m.rows.length - 1, col],
    };
    if (moves[e.key]) {
      e.preventDefault();
      this.setSelected(...moves[e.key]);
      this.scrollSelectionIntoView();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.tooltip.hidden = true;
      this.cb.open(row, col);
    } else if (e.key === 'Escape') {
      this.tooltip.hidden = true;
    }
  }

  private scrollSelectionIntoView(): void {
    const { x0, y0, cell } = this.geom;
    const x = x0 + this.selected.col * cell;
    if (x < this.host.scrollLeft + x0) this.host.scrollLeft = Math.max(0, x - x0);
    else if (x + cell > this.host.scrollLeft + this.host.clientWidth)
      this.host.scrollLeft = x + cell - this.host.clientWidth + PAD;
    const y = this.canvas.offsetTop + y0 + this.selected.row * cell;
    if (y < this.host.scrollTop || y + cell > this.host.scrollTop + this.host.clientHeight)
      this.host.scrollTop = Math.max(0, y - this.host.clientHeight / 2);
  }
}

/** Legend: the colour ramp with its ticks, as its own small canvas (also drawn into exported PNGs). */
export function drawLegend(canvas: HTMLCanvasElement, title: string, higherIsWorse: boolean): void {
  const theme = readTheme();
  const w = 260;
  const h = 46;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const stops = legendStops(64);
  const bw = (w - 20) / stops.length;
  stops.forEach((s, i) => {
    ctx.fillStyle = s.color;
    ctx.fillRect(10 + i * bw, 16, bw + 0.5, 12);
  });
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(10.5, 16.5, w - 21, 12);
  ctx.font = `11px ${theme.font}`;
  ctx.fillStyle = theme.foreground;
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.fillText(`${title}${higherIsWorse ? ' (higher = less shared)' : ''}`, 10, 11);
  ctx.textBaseline = 'top';
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    ctx.textAlign = v === 0 ? 'left' : v === 1 ? 'right' : 'center';
    ctx.fillText(v.toFixed(2), 10 + v * (w - 20), 31);
  }
  canvas.setAttribute('aria-label', `Colour scale ${title}: 0 (dark purple) to 1 (yellow), viridis`);
}

function fit(ctx: CanvasRenderingContext2D, text: string): string {
  if (ctx.measureText(text).width <= MAX_LABEL - PAD) return text;
  // No glyph is narrower than a pixel, so at most MAX_LABEL characters can show: the loop runs ≤ MAX_LABEL times
  // even for a model-supplied name of megabytes.
  let s = text.slice(-MAX_LABEL);
  while (s.length > 1 && ctx.measureText('…' + s).width > MAX_LABEL - PAD) s = s.slice(1);
  return '…' + s;
}
