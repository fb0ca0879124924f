import { colorHex } from '../../protocol/colors';
import { esc } from './escape';
import { fmt } from './format';

export interface LineSeries {
  name: string;
  values: ReadonlyArray<number | null>;
  /** An interval around each value, drawn as a whisker. */
  low?: ReadonlyArray<number | null>;
  high?: ReadonlyArray<number | null>;
}

const PLOT = { width: 480, height: 150 };
const PAD = { left: 44, top: 12 };
/** Approximate width of a label character (11 px text), to leave room for the slanted x labels. */
const CHAR_PX = 7.5;

/** Colour of series i of n on the shared viridis scale (kept off its pale yellow end, which is hard to see). */
export const seriesColor = (i: number, n: number): string => colorHex(n > 1 ? (0.85 * i) / (n - 1) : 0.3);

/**
 * A small line chart over ordered categories (layers by depth, checkpoints by training): one line per series, dots at
 * the values, whiskers for intervals, y from just below the lowest value to 1 so that small differences near 1 show.
 * No scripts: values are in each dot's <title>.
 */
export function lineChartSvg(spec: {
  title: string;
  xLabels: readonly string[];
  series: readonly LineSeries[];
}): string {
  const all = spec.series
    .flatMap((s) => [...s.values, ...(s.low ?? []), ...(s.high ?? [])])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.max(-1, Math.min(0.9, Math.floor((Math.min(...all, 1) - 0.02) * 20) / 20));
  const hi = Math.max(1, Math.ceil(Math.max(...all, 1) * 20) / 20);
  const n = spec.xLabels.length;
  // Labels slant down to the right at 30°: room for the longest one below and beside the plot.
  const longest = Math.max(...spec.xLabels.map((l) => l.length), 1) * CHAR_PX;
  const width = PAD.left + PLOT.width + 12 + longest * Math.cos(Math.PI / 6);
  const height = PAD.top + PLOT.height + 20 + longest * Math.sin(Math.PI / 6);
  const x = (i: number) => PAD.left + (n > 1 ? (i / (n - 1)) * PLOT.width : PLOT.width / 2);
  const y = (v: number) => PAD.top + ((hi - v) / (hi - lo)) * PLOT.height;
  const parts = [
    `<svg class="line-chart" xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" role="img" aria-label="${esc(spec.title)}">`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    parts.push(
      `<line class="grid" x1="${PAD.left}" x2="${PAD.left + PLOT.width}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="currentColor" stroke-opacity="0.15"/>`,
      `<text class="tick" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`,
    );
  }
  spec.xLabels.forEach((label, i) =>
    parts.push(
      `<text class="x-label" transform="translate(${x(i).toFixed(1)},${PAD.top + PLOT.height + 14}) rotate(30)">${esc(label)}</text>`,
    ),
  );
  spec.series.forEach((s, k) => {
    const color = seriesColor(k, spec.series.length);
    const points = s.values.map((v, i) => (v === null || !Number.isFinite(v) ? undefined : [x(i), y(v)]));
    const path = points
      .map((p, i) => (p ? `${i > 0 && points[i - 1] ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}` : ''))
      .join('');
    parts.push(`<g class="series" data-series="${esc(s.name)}">`);
    if (path) parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    s.values.forEach((v, i) => {
      const p = points[i];
      if (!p || v === null) return;
      const [l, h] = [s.low?.[i], s.high?.[i]];
      if (l !== undefined && l !== null && h !== undefined && h !== null) {
        parts.push(
          `<line class="interval" x1="${p[0].toFixed(1)}" x2="${p[0].toFixed(1)}" y1="${y(Math.max(l, lo)).toFixed(1)}" y2="${y(Math.min(h, hi)).toFixed(1)}" stroke="${color}" stroke-width="1.5"/>`,
        );
      }
      const interval = l !== undefined && l !== null && h !== undefined && h !== null ? ` (${fmt(l)} … ${fmt(h)})` : '';
      parts.push(
        `<circle class="point" data-value="${v}" cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${s.name} · ${spec.xLabels[i]}: ${fmt(v)}${interval}`)}</title></circle>`,
      );
    });
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}
