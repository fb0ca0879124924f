/** The family and drift panel's SVG charts: viridis cells (the shared colour scale) and plain lines. */
import { colorHex } from '../../src/protocol/colors';
import type { DriftAgainst, Reliability } from '../../src/protocol/family';
import { fmt } from '../../src/protocol/format';
import { textOn } from '../model/color';
import { svgEl, svgRoot } from '../views/svg';

const CELL = 28;
const LABEL = 22;
/** Lines of the drift chart, one per layer (Okabe–Ito: distinguishable with colour-blindness). */
const LINE_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#999999'];

/** One fitted or empty cell; a fitted one is a focusable button naming its pair. */
function cell(
  x: number,
  y: number,
  value: number | null,
  pair: { layer: string; source: number; target: number } | undefined,
  label: string,
): SVGGElement {
  const g = svgEl('g', { class: value === null ? 'cell empty' : 'cell' });
  const fill = value === null ? 'none' : colorHex(value);
  g.append(svgEl('rect', { x, y, width: CELL - 2, height: CELL - 2, fill, 'data-value': value ?? '' }));
  g.append(svgEl('title', {}, `${label}: ${fmt(value)}`));
  if (value !== null && pair) {
    // Unique: the indices hold no '>', so the layer name after them cannot fake another cell.
    g.setAttribute('data-cell', `${pair.source}>${pair.target}>${pair.layer}`);
    g.setAttribute('data-layer', pair.layer);
    g.setAttribute('data-source', String(pair.source));
    g.setAttribute('data-target', String(pair.target));
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.setAttribute('aria-label', `${label}: ${fmt(value)}`);
  }
  if (value !== null)
    g.append(
      svgEl(
        'text',
        { x: x + (CELL - 2) / 2, y: y + CELL / 2 + 3, 'text-anchor': 'middle', 'font-size': 8, fill: textOn(fill) },
        // Two decimals, as in the pair panel's heatmap cells; the tooltip has three.
        fmt(value, 2),
      ),
    );
  return g;
}

/** A model's number on a matrix axis (the key beside the matrices), its name as the tooltip. */
function modelNumber(i: number, name: string, attributes: Record<string, string | number>): SVGElement {
  const text = svgEl('text', { ...attributes, class: 'axis model-number' }, String(i + 1));
  text.append(svgEl('title', {}, `${i + 1}: ${name}`));
  return text;
}

/** A layer's N × N matrix: row i explains column j; the diagonal is not fitted. */
export function familyMatrix(layer: string, matrix: Array<Array<number | null>>, names: string[]): SVGSVGElement {
  const n = matrix.length;
  const size = LABEL + n * CELL;
  const svg = svgRoot(size, size, `${layer}: consistency of every model explaining every other`);
  svg.classList.add('matrix');
  for (let i = 0; i < n; i++) {
    svg.append(modelNumber(i, names[i], { x: LABEL - 4, y: LABEL + i * CELL + CELL / 2 + 3, 'text-anchor': 'end' }));
    svg.append(modelNumber(i, names[i], { x: LABEL + i * CELL + CELL / 2, y: LABEL - 6, 'text-anchor': 'middle' }));
    for (let j = 0; j < n; j++) {
      const label =
        i === j ? `${names[i]} (not fitted against itself)` : `${names[i]} explains ${names[j]} at ${layer}`;
      svg.append(
        cell(
          LABEL + j * CELL,
          LABEL + i * CELL,
          i === j ? null : matrix[i][j],
          i === j ? undefined : { layer, source: i, target: j },
          label,
        ),
      );
    }
  }
  return svg;
}

const PLOT = { left: 44, right: 16, top: 12, bottom: 48, height: 160 };
/** Width of a character of an axis label (10 px). */
const CHAR = 6;

/** A line chart's width: at least `step` px a label, and room right of the plot for the last one, centred. */
function plotWidth(labels: string[], step: number): number {
  return Math.max(320, PLOT.left + rightOf(labels) + labels.length * step);
}

const rightOf = (labels: string[]) => Math.max(PLOT.right, (CHAR * (labels.at(-1)?.length ?? 0)) / 2 + 4);

function axes(svg: SVGSVGElement, width: number, labels: string[]): (k: number) => number {
  const right = width - rightOf(labels);
  const inner = right - PLOT.left;
  const x = (k: number) => PLOT.left + (labels.length === 1 ? inner / 2 : (inner * k) / (labels.length - 1));
  for (const v of [0, 0.5, 1]) {
    const y = yOf(v);
    svg.append(svgEl('line', { x1: PLOT.left, x2: right, y1: y, y2: y, class: 'grid' }));
    svg.append(svgEl('text', { x: PLOT.left - 6, y: y + 3, 'text-anchor': 'end', class: 'axis' }, v.toFixed(1)));
  }
  // Long names on many points would overlap: every label that has room, the first one always.
  const spacing = labels.length > 1 ? inner / (labels.length - 1) : inner;
  const every = Math.max(1, Math.ceil((CHAR * Math.max(...labels.map((l) => l.length)) + 8) / spacing));
  labels.forEach((label, k) => {
    if (k % every === 0)
      svg.append(
        svgEl('text', { x: x(k), y: PLOT.top + PLOT.height + 14, 'text-anchor': 'middle', class: 'axis' }, label),
      );
  });
  return x;
}

function yOf(v: number): number {
  return PLOT.top + PLOT.height * (1 - Math.min(1, Math.max(0, v)));
}

function polyline(points: Array<[number, number] | null>, color: string, cls: string): SVGElement[] {
  // A gap (a fit that did not run) breaks the line.
  const runs: Array<Array<[number, number]>> = [[]];
  for (const p of points) {
    if (p) runs[runs.length - 1].push(p);
    else if (runs[runs.length - 1].length) runs.push([]);
  }
  return runs
    .filter((r) => r.length > 1)
    .map((r) =>
      svgEl('polyline', {
        points: r.map((p) => p.join(',')).join(' '),
        fill: 'none',
        stroke: color,
        'stroke-width': 2,
        class: cls,
      }),
    );
}

/** The family's mean off-diagonal consistency per layer in depth order, with its interval as whiskers. */
export function reliabilityLine(layers: string[], reliability: Reliability[]): SVGSVGElement {
  const width = plotWidth(layers, 70);
  const svg = svgRoot(
    width,
    PLOT.top + PLOT.height + PLOT.bottom,
    'Reliability by depth: mean consistency per layer with its 95 % interval',
  );
  svg.classList.add('reliability');
  const x = axes(svg, width, layers);
  const color = LINE_COLORS[0];
  svg.append(
    ...polyline(
      reliability.map((r, k) => (r.mean === null ? null : [x(k), yOf(r.mean)])),
      color,
      'line',
    ),
  );
  reliability.forEach((r, k) => {
    if (r.low !== null && r.high !== null)
      svg.append(
        svgEl('line', { x1: x(k), x2: x(k), y1: yOf(r.low), y2: yOf(r.high), stroke: color, class: 'whisker' }),
      );
    if (r.mean !== null) {
      const point = svgEl('circle', {
        cx: x(k),
        cy: yOf(r.mean),
        r: 4,
        fill: color,
        class: 'point',
        'data-layer': layers[k],
        'data-mean': r.mean,
      });
      point.append(svgEl('title', {}, `${layers[k]}: ${fmt(r.mean)} [${fmt(r.low)}, ${fmt(r.high)}], n = ${r.n}`));
      svg.append(point);
    }
  });
  return svg;
}

/** Layers (rows) × checkpoints (columns); checkpoint k explains the final one or k − 1. */
export function driftHeatmap(
  layers: string[],
  checkpoints: string[],
  series: Array<Array<number | null>>,
  against: DriftAgainst,
): SVGSVGElement {
  const left = 12 + Math.min(200, 7 * Math.max(...layers.map((l) => l.length)));
  // The names run up and right at 45°: as far right of the last column as above the first row.
  const rise = Math.min(120, CHAR * Math.max(...checkpoints.map((c) => c.length)));
  const top = 16 + rise;
  const svg = svgRoot(
    left + checkpoints.length * CELL + rise,
    top + layers.length * CELL + 8,
    'Drift: layer × checkpoint',
  );
  svg.classList.add('drift-heatmap');
  const reference = (k: number) => (against === 'final' ? checkpoints.length - 1 : k - 1);
  checkpoints.forEach((c, k) => {
    const x = left + k * CELL + CELL / 2;
    svg.append(svgEl('text', { x, y: top - 6, transform: `rotate(-45 ${x} ${top - 6})`, class: 'axis checkpoint' }, c));
  });
  layers.forEach((layer, l) => {
    svg.append(
      svgEl('text', { x: left - 6, y: top + l * CELL + CELL / 2 + 3, 'text-anchor': 'end', class: 'axis' }, layer),
    );
    series[l].forEach((v, k) => {
      const r = reference(k);
      const label =
        r < 0
          ? `${checkpoints[k]} (first: no previous checkpoint)`
          : `${checkpoints[k]} explains ${checkpoints[r]} at ${layer}`;
      svg.append(cell(left + k * CELL, top + l * CELL, v, r < 0 ? undefined : { layer, source: k, target: r }, label));
    });
  });
  return svg;
}

/** One line per layer over the checkpoints, with a legend. */
export function driftLines(
  layers: string[],
  checkpoints: string[],
  series: Array<Array<number | null>>,
): SVGSVGElement {
  const width = plotWidth(checkpoints, 48);
  const legend = 16 * layers.length;
  const svg = svgRoot(
    width,
    PLOT.top + PLOT.height + PLOT.bottom + legend,
    'Drift: one line per layer over the checkpoints',
  );
  svg.classList.add('drift-lines');
  const x = axes(svg, width, checkpoints);
  layers.forEach((layer, l) => {
    const color = LINE_COLORS[l % LINE_COLORS.length];
    const g = svgEl('g', { class: 'series', 'data-layer': layer });
    g.append(
      ...polyline(
        series[l].map((v, k) => (v === null ? null : [x(k), yOf(v)])),
        color,
        'line',
      ),
    );
    series[l].forEach((v, k) => {
      if (v === null) return;
      const point = svgEl('circle', { cx: x(k), cy: yOf(v), r: 3, fill: color, class: 'point', 'data-value': v });
      point.append(svgEl('title', {}, `${layer}, ${checkpoints[k]}: ${fmt(v)}`));
      g.append(point);
    });
    const y = PLOT.top + PLOT.height + PLOT.bottom - 8 + l * 16;
    g.append(
      svgEl('line', { x1: PLOT.left, x2: PLOT.left + 20, y1: y - 4, y2: y - 4, stroke: color, 'stroke-width': 2 }),
    );
    g.append(svgEl('text', { x: PLOT.left + 26, y, class: 'axis' }, layer));
    svg.append(g);
  });
  return svg;
}
