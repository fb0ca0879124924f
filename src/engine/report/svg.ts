import { interpolateBlues } from 'd3-scale-chromatic';
import type { OrderComponent, PairMaps, PairResult, TrainingInfo } from '../../protocol/report';
import { colorHex, colorAt } from '../../protocol/colors';
import { esc } from './escape';
import { fmt } from './format';

/** Inline SVG pieces of the HTML report (no scripts, no remote resources). */

const CELL = 44;
const LABEL_CHARS_PX = 7;
/** Most cells a heatmap draws (about 16 MB of SVG); a larger grid's values are in the JSON and Markdown reports. */
export const MAX_HEATMAP_CELLS = 256 * 256;

export interface HeatmapSpec {
  title: string;
  rows: string[];
  cols: string[];
  /** The value of a cell; null, undefined and NaN cells are drawn empty. */
  value: (row: number, col: number) => number | null | undefined;
  /** 'similarity' or 'consistency', shown on the chart so the two are never confused. */
  kind: 'similarity' | 'consistency';
  /** How a layer name is shown (e.g. without a common prefix); tooltips and data attributes keep the full name. */
  label?: (name: string) => string;
}

/** A rows × cols heatmap with a value in every filled cell, axis labels (A rows, B columns) and a 0–1 legend. */
export function heatmapSvg(spec: HeatmapSpec): string {
  if (spec.rows.length * spec.cols.length > MAX_HEATMAP_CELLS) {
    return `<p class="note">${spec.rows.length} × ${spec.cols.length} layers: too many cells to draw; the values are in the JSON report.</p>`;
  }
  const label = spec.label ?? ((n: string) => n);
  const left = Math.max(...spec.rows.map((r) => label(r).length), 1) * LABEL_CHARS_PX + 24;
  const top = Math.max(...spec.cols.map((c) => label(c).length), 1) * LABEL_CHARS_PX * 0.72 + 28;
  const width = left + spec.cols.length * CELL + 90;
  const height = Math.max(top + spec.rows.length * CELL + 10, 200);
  const parts: string[] = [];
  parts.push(
    `<svg class="heatmap" data-kind="${spec.kind}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc(spec.title)}">`,
  );
  parts.push(`<text x="4" y="14" class="axis">A ↓  B →</text>`);
  spec.cols.forEach((c, j) => {
    const x = left + j * CELL + CELL / 2;
    parts.push(
      `<text class="col-label" transform="translate(${x},${top - 6}) rotate(-45)"><title>${esc(c)}</title>${esc(label(c))}</text>`,
    );
  });
  spec.rows.forEach((r, i) => {
    const y = top + i * CELL + CELL / 2 + 4;
    parts.push(
      `<text class="row-label" x="${left - 6}" y="${y}" text-anchor="end"><title>${esc(r)}</title>${esc(label(r))}</text>`,
    );
    spec.cols.forEach((c, j) => {
      const v = spec.value(i, j);
      const x = left + j * CELL;
      const yy = top + i * CELL;
      const filled = v !== null && v !== undefined && Number.isFinite(v);
      const title = `${r} ↔ ${c}: ${filled ? fmt(v) : 'not computed'}`;
      if (!filled) {
        parts.push(
          `<rect class="cell empty" x="${x}" y="${yy}" width="${CELL - 2}" height="${CELL - 2}"><title>${esc(title)}</title></rect>`,
        );
        return;
      }
      const [cr, cg, cb] = colorAt(v);
      const ink = cr * 0.299 + cg * 0.587 + cb * 0.114 > 140 ? '#000' : '#fff';
      parts.push(
        `<rect class="cell" data-row="${esc(r)}" data-col="${esc(c)}" data-value="${v}" x="${x}" y="${yy}" width="${CELL - 2}" height="${CELL - 2}" fill="${colorHex(v)}"><title>${esc(title)}</title></rect>`,
      );
      parts.push(
        `<text class="cell-value" x="${x + (CELL - 2) / 2}" y="${yy + CELL / 2 + 2}" text-anchor="middle" style="fill:${ink}">${fmt(v, 2)}</text>`,
      );
    });
  });
  parts.push(
    legendSvg(left + spec.cols.length * CELL + 20, top, Math.max(spec.rows.length * CELL - 2, 120), spec.title),
  );
  parts.push('</svg>');
  return parts.join('');
}

/** A vertical 0–1 colour bar with ticks. */
function legendSvg(x: number, y: number, h: number, title: string): string {
  const id = `g${Math.abs(hashCode(title))}`;
  const stops = Array.from(
    { length: 11 },
    (_, i) => `<stop offset="${i * 10}%" stop-color="${colorHex(1 - i / 10)}"/>`,
  ).join('');
  const ticks = [1, 0.75, 0.5, 0.25, 0]
    .map((t) => `<text class="tick" x="${x + 18}" y="${y + (1 - t) * h + 4}">${t.toFixed(2)}</text>`)
    .join('');
  return (
    `<g class="legend"><defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>` +
    `<rect x="${x}" y="${y}" width="14" height="${h}" fill="url(#${id})"/>${ticks}</g>`
  );
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Colour of order k of K (darker = lower order = more exactly shared), of the explained part and of ε. */
export function orderColor(k: number, maxOrder: number): string {
  return interpolateBlues(0.9 - (0.55 * k) / Math.max(maxOrder, 1));
}
export const EXPLAINED_COLOR = '#21918c';
export const EPSILON_COLOR = '#e4572e';

/**
 * One pair's breakdown, read as the panel's drill-down reads it: a bar that adds up (explained from 0, ε after it, to
 * 1), and under it each order on its own thin bar from 0. The orders overlap, so they are never stacked: stacked,
 * they could pass 1 and contradict the explained fraction beside them.
 */
export function breakdownSvg(p: PairResult, maxOrder: number, width = 240): string {
  const main = 12;
  const thin = 5;
  const gap = 2;
  const orders = pairOrders(p);
  const height = main + gap + orders.length * (thin + gap);
  const x = (v: number) => (Math.min(Math.max(v, 0), 1) * width).toFixed(2);
  const rect = (cls: string, label: string, value: number, x0: number, y: number, h: number, fill: string) =>
    `<rect class="${cls}" data-label="${esc(label)}" data-value="${value}" x="${x(x0)}" y="${y}" width="${x(Math.min(Math.max(value, 0), 1 - x0))}" height="${h}" fill="${fill}"><title>${esc(label)}: ${fmt(value)}</title></rect>`;
  const explained = Math.min(Math.max(p.explained, 0), 1);
  const parts = [
    `<rect class="frame" x="0" y="0" width="${width}" height="${main}" fill="none" stroke="currentColor" stroke-opacity="0.25"/>`,
    rect('explained', 'explained', p.explained, 0, 0, main, EXPLAINED_COLOR),
    rect('segment', 'ε (inconsistent)', p.inconsistent.fraction, explained, 0, main, EPSILON_COLOR),
    ...orders.map((o, i) => {
      const y = main + gap + i * (thin + gap);
      return (
        `<rect class="frame" x="0" y="${y}" width="${width}" height="${thin}" fill="none" stroke="currentColor" stroke-opacity="0.15"/>` +
        rect('order', `order ${o.order}, alone`, o.fraction, 0, y, thin, orderColor(o.order, maxOrder))
      );
    }),
  ];
  return `<svg class="breakdown" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="explained + ε = 1; each order alone">${parts.join('')}</svg>`;
}

/** The training and held-out loss per epoch, as a small line chart. */
export function lossCurveSvg(training: TrainingInfo, width = 200, height = 50): string {
  const curve = training.curve ?? [];
  if (curve.length < 2) return '';
  const all = curve.flatMap((c) => [c.train, c.test]).filter(Number.isFinite);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const sx = (i: number) => (i / (curve.length - 1)) * (width - 4) + 2;
  const sy = (v: number) => height - 2 - ((v - lo) / (hi - lo || 1)) * (height - 4);
  const line = (key: 'train' | 'test') =>
    curve.map((c, i) => `${i === 0 ? 'M' : 'L'}${sx(i).toFixed(1)},${sy(c[key]).toFixed(1)}`).join('');
  return (
    `<svg class="loss-curve" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="loss per epoch">` +
    `<path d="${line('train')}" fill="none" stroke="#4c78a8" stroke-width="1.5"/><path d="${line('test')}" fill="none" stroke="${EPSILON_COLOR}" stroke-width="1.5"/></svg>`
  );
}

export function pairOrders(p: PairResult): OrderComponent[] {
  return [...p.orders].sort((a, b) => a.order - b.order);
}

/**
 * The drill-down maps of one pair: explained fraction per spatial position of the explained layer (where on the
 * image knowledge is shared) and per channel (which features are), both on held-out data, viridis 0–1.
 */
export function pairMapsSvg(maps: PairMaps): string {
  const parts: string[] = [];
  const { height, width, values } = maps.perPosition;
  if (height * width > 1) {
    const cell = Math.max(3, Math.min(10, Math.floor(120 / Math.max(height, width))));
    const rects = values.map(
      (v, i) =>
        `<rect x="${(i % width) * cell}" y="${Math.floor(i / width) * cell}" width="${cell}" height="${cell}" fill="${colorHex(v)}"><title>(${Math.floor(i / width)}, ${i % width}): ${fmt(v)}</title></rect>`,
    );
    parts.push(
      `<figure class="map"><figcaption>explained per position (${height}×${width})</figcaption><svg class="position-map" xmlns="http://www.w3.org/2000/svg" width="${width * cell}" height="${height * cell}" role="img" aria-label="explained per position">${rects.join('')}</svg></figure>`,
    );
  }
  const channels = maps.perChannel;
  if (channels.length > 0) {
    const w = Math.max(2, Math.min(12, Math.floor(260 / channels.length)));
    const h = 40;
    const bars = channels.map((v, c) => {
      const x = Math.min(Math.max(Number.isFinite(v) ? v : 0, 0), 1);
      return `<rect x="${c * w}" y="${(h * (1 - x)).toFixed(1)}" width="${Math.max(w - 1, 1)}" height="${(h * x).toFixed(1)}" fill="${colorHex(x)}"><title>channel ${c}: ${fmt(v)}</title></rect>`;
    });
    parts.push(
      `<figure class="map"><figcaption>explained per channel (${channels.length})</figcaption><svg class="channel-map" xmlns="http://www.w3.org/2000/svg" width="${channels.length * w}" height="${h}" role="img" aria-label="explained per channel">${bars.join('')}</svg></figure>`,
    );
  }
  return parts.length ? `<div class="maps">${parts.join('')}</div>` : '';
}
