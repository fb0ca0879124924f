/** The drill-down's and the strip's charts, as SVG with inline colours (so they export as drawn). */
import { colorHex } from '../../src/protocol/colors';
import type { DirectionStack } from '../model/drill';
import { arrowText, explainsText, fmt, spread } from '../../src/protocol/format';
import type { StripPoint } from '../model/strip';
import { svgEl, svgRoot } from './svg';
import { EPSILON_COLOR, EXPLAINED_COLOR, orderColor, type Theme } from './theme';

/**
 * Knowledge by order, per direction, as a decomposition that reads right: one bar that adds up (explained + ε = 1),
 * then each order's own share as its own bar from 0 — never stacked, since the orders' components overlap (they are
 * not orthogonal) and their shares need not add up to explained. Whiskers: ± one standard deviation across seeds.
 * Every number sits beside its bar, never over it, so it reads in any theme.
 */
export function stackedBars(stacks: DirectionStack[], theme: Theme, names = { a: 'A', b: 'B' }): SVGSVGElement {
  const W = 600;
  const left = 70;
  // Room right of the bars for the numbers and their spread.
  const right = 210;
  // Heights of a direction's heading, its main bar, and each order's bar with the gap below it.
  const rowH = { head: 20, main: 18, order: 10, orderGap: 5 };
  const K = Math.max(0, ...stacks.map((st) => st.segments.filter((seg) => seg.id !== 'inconsistent').length));
  const block = rowH.head + rowH.main + 8 + K * (rowH.order + rowH.orderGap) + 14;
  const H = block * stacks.length + 36;
  const svg = svgRoot(W, H, 'Explained and inconsistent parts, and each order alone, per direction');
  svg.id = 'stacked-bars';
  const scale = (v: number) => left + Math.max(0, Math.min(1, v)) * (W - left - right);
  const text = (x: number, y: number, s: string, anchor = 'start', color = theme.foreground, weight = 'normal') =>
    svg.appendChild(
      svgEl(
        'text',
        { x, y, 'text-anchor': anchor, fill: color, 'font-size': 11, 'font-weight': weight, 'font-family': theme.font },
        s,
      ),
    );
  const bar = (x0: number, v: number, y: number, h: number, fill: string, attrs: Record<string, string | number>) => {
    const rect = svgEl('rect', {
      x: scale(x0),
      y,
      width: Math.max(0, scale(x0 + Math.max(0, v)) - scale(x0)),
      height: h,
      fill,
      stroke: theme.background,
      'stroke-width': 1,
      ...attrs,
    });
    svg.appendChild(rect);
    return rect;
  };
  const whisker = (v: number, sd: number | undefined, y: number) => {
    if (sd === undefined || !(sd > 0)) return;
    svg.appendChild(
      svgEl('line', {
        x1: scale(v - sd),
        x2: scale(v + sd),
        y1: y,
        y2: y,
        stroke: theme.foreground,
        'stroke-width': 1.5,
      }),
    );
  };

  stacks.forEach((st, i) => {
    let y = i * block + 14;
    text(
      0,
      y,
      `${arrowText(st.direction, names)}  (${explainsText(st.direction, names)})`,
      'start',
      theme.foreground,
      'bold',
    );
    y += rowH.head - 10;
    if (!st.pair) {
      svg.appendChild(
        svgEl('rect', {
          x: scale(0),
          y,
          width: scale(1) - scale(0),
          height: rowH.main,
          fill: 'none',
          stroke: theme.grid,
          'stroke-dasharray': '4 3',
        }),
      );
      text(scale(1) + 8, y + rowH.main / 2 + 4, 'not computed', 'start', theme.muted);
      return;
    }
    const explained = Math.max(0, Math.min(1, st.explained ?? 0));
    const epsilon = st.segments.find((seg) => seg.id === 'inconsistent');
    // The bar that adds up: explained from 0, ε after it, to 1.
    bar(0, explained, y, rowH.main, EXPLAINED_COLOR, {
      class: 'explained-bar',
      'data-direction': st.direction,
    }).appendChild(svgEl('title', {}, `explained ${fmt(st.explained)}${spread(st.explainedSpread)}`));
    const epsilonBar = epsilon
      ? bar(explained, epsilon.fraction, y, rowH.main, EPSILON_COLOR, {
          class: 'segment',
          'data-direction': st.direction,
          'data-id': 'inconsistent',
          'data-fraction': String(epsilon.fraction),
        })
      : undefined;
    epsilonBar?.appendChild(
      svgEl('title', {}, `${epsilon!.label}: ${fmt(epsilon!.fraction)}${spread(epsilon!.spread)}`),
    );
    whisker(explained, st.explainedSpread, y + rowH.main + 3);
    text(left - 6, y + rowH.main / 2 + 4, 'explained', 'end');
    const label = svgEl(
      'text',
      {
        x: scale(1) + 8,
        y: y + rowH.main / 2 + 4,
        fill: theme.foreground,
        'font-size': 11,
        'font-weight': 'bold',
        'font-family': theme.font,
        class: 'explained-label',
      },
      // The bar's own label says "explained": the numbers alone fit the room right of the bar.
      `${fmt(st.explained)}${spread(st.explainedSpread)} · ε ${fmt(epsilon?.fraction)}`,
    );
    svg.appendChild(label);
    y += rowH.main + 8;
    // Each order alone, from 0: its own share of the explained layer's variance.
    for (const seg of st.segments) {
      if (seg.id === 'inconsistent') continue;
      svg.appendChild(
        svgEl('rect', {
          x: scale(0),
          y,
          width: scale(1) - scale(0),
          height: rowH.order,
          fill: 'none',
          stroke: theme.grid,
        }),
      );
      bar(0, seg.fraction, y, rowH.order, orderColor(seg.id), {
        class: 'segment',
        'data-direction': st.direction,
        'data-id': seg.id,
        'data-fraction': String(seg.fraction),
      }).appendChild(svgEl('title', {}, `${seg.label}, alone: ${fmt(seg.fraction)}${spread(seg.spread)}`));
      whisker(seg.fraction, seg.spread, y + rowH.order / 2);
      text(left - 6, y + rowH.order - 1, seg.label, 'end', theme.muted);
      text(scale(1) + 8, y + rowH.order - 1, `${fmt(seg.fraction)}${spread(seg.spread)}`, 'start', theme.foreground);
      y += rowH.order + rowH.orderGap;
    }
    // In the document after the orders (orders 0…K, then ε: the order of the report), drawn where it belongs.
    if (epsilonBar) svg.appendChild(epsilonBar);
  });
  // Axis.
  const ay = block * stacks.length + 4;
  svg.appendChild(svgEl('line', { x1: scale(0), x2: scale(1), y1: ay, y2: ay, stroke: theme.grid }));
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svg.appendChild(svgEl('line', { x1: scale(v), x2: scale(v), y1: ay, y2: ay + 4, stroke: theme.grid }));
    text(scale(v), ay + 16, fmt(v, 2), 'middle', theme.muted);
  }
  text(scale(1), ay + 30, "fraction of the explained layer's variance", 'end', theme.muted);
  return svg;
}

/** Per-channel explained fraction of the explained (target) layer, highest first. */
export function channelBars(
  channels: Array<{ channel: number; explained: number }>,
  target: string,
  theme: Theme,
): SVGSVGElement {
  const W = 420;
  const H = 150;
  const left = 34;
  const bottom = 22;
  const svg = svgRoot(W, H, `Explained fraction per channel of ${target} (${channels.length} channels, sorted)`);
  svg.id = 'channel-bars';
  const plotH = H - bottom - 8;
  const bw = (W - left - 8) / Math.max(1, channels.length);
  const y = (v: number) => 8 + plotH * (1 - Math.max(0, Math.min(1, v)));
  for (const v of [0, 0.5, 1]) {
    svg.appendChild(
      svgEl('line', { x1: left, x2: W - 8, y1: y(v), y2: y(v), stroke: theme.grid, 'stroke-width': 0.5 }),
    );
    svg.appendChild(
      svgEl(
        'text',
        {
          x: left - 4,
          y: y(v) + 4,
          'text-anchor': 'end',
          fill: theme.muted,
          'font-size': 10,
          'font-family': theme.font,
        },
        v.toFixed(1),
      ),
    );
  }
  channels.forEach((c, i) => {
    // JSON cannot carry NaN: a missing value (null) draws as an empty bar, its title says so.
    const v = Number.isFinite(c.explained) ? c.explained : 0;
    const rect = svgEl('rect', {
      class: 'channel',
      x: left + i * bw,
      y: y(v),
      width: Math.max(0.5, bw - (bw > 3 ? 1 : 0)),
      height: y(0) - y(v),
      fill: colorHex(c.explained),
      'data-channel': c.channel,
      'data-explained': String(c.explained),
    });
    rect.appendChild(svgEl('title', {}, `channel ${c.channel}: ${fmt(c.explained)}`));
    svg.appendChild(rect);
  });
  svg.appendChild(
    svgEl(
      'text',
      { x: left, y: H - 6, fill: theme.muted, 'font-size': 10, 'font-family': theme.font },
      `channels of ${target}, sorted by explained fraction`,
    ),
  );
  return svg;
}

interface Series {
  label: string;
  color: string;
  values: number[];
  dashed?: boolean;
  width?: number;
  band?: number[];
}

/** A small multi-line chart on a shared x axis (categories) and y axis. */
export function lineChart(opts: {
  id: string;
  label: string;
  xLabels: string[];
  series: Series[];
  yMax?: number;
  yLabel: string;
  logY?: boolean;
  theme: Theme;
  width?: number;
}): SVGSVGElement {
  const { theme } = opts;
  const W = opts.width ?? 560;
  const H = 230;
  const left = 46;
  const right = 12;
  const top = 12;
  const bottom = 58;
  const svg = svgRoot(W, H, opts.label);
  svg.id = opts.id;
  const n = Math.max(1, opts.xLabels.length);
  const finite = opts.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!opts.logY || v > 0));
  const yMin = opts.logY ? Math.min(...finite) : 0;
  const yMax = opts.yMax ?? Math.max(...finite, 1e-12);
  const tf = (v: number) => (opts.logY ? Math.log10(v) : v);
  const lo = tf(yMin);
  const hi = tf(yMax) > lo ? tf(yMax) : lo + 1;
  const x = (i: number) => left + (n === 1 ? (W - left - right) / 2 : (i * (W - left - right)) / (n - 1));
  const y = (v: number) => top + (H - top - bottom) * (1 - (tf(v) - lo) / (hi - lo));
  const text = (tx: number, ty: number, s: string, attrs: Record<string, string | number> = {}) =>
    svg.appendChild(
      svgEl('text', { x: tx, y: ty, fill: theme.muted, 'font-size': 10, 'font-family': theme.font, ...attrs }, s),
    );

  for (let t = 0; t <= 4; t++) {
    const v = opts.logY ? 10 ** (lo + ((hi - lo) * t) / 4) : yMin + ((yMax - yMin) * t) / 4;
    svg.appendChild(
      svgEl('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), stroke: theme.grid, 'stroke-width': 0.5 }),
    );
    text(left - 4, y(v) + 3, opts.logY ? v.toExponential(0) : v.toFixed(2), { 'text-anchor': 'end' });
  }
  const step = Math.max(1, Math.ceil(n / 12));
  opts.xLabels.forEach((l, i) => {
    if (i % step) return;
    text(x(i), H - bottom + 12, l.length > 16 ? l.slice(0, 15) + '…' : l, {
      'text-anchor': 'end',
      transform: `rotate(-35 ${x(i)} ${H - bottom + 12})`,
    });
  });
  text(4, top + 2, opts.yLabel, {
    'dominant-baseline': 'hanging',
    transform: `rotate(-90 4 ${top + 2}) translate(-${H - bottom - top} 0)`,
  });

  for (const s of opts.series) {
    if (s.band) {
      const upper = s.values.map((v, i) => `${x(i)},${y(Math.min(yMax, v + (s.band![i] || 0)))}`);
      const lower = s.values.map((v, i) => `${x(i)},${y(Math.max(yMin, v - (s.band![i] || 0)))}`).reverse();
      svg.appendChild(svgEl('polygon', { points: [...upper, ...lower].join(' '), fill: s.color, opacity: 0.18 }));
    }
    const pts = s.values
      .map((v, i) => (Number.isFinite(v) && (!opts.logY || v > 0) ? `${x(i)},${y(v)}` : ''))
      .filter(Boolean);
    svg.appendChild(
      svgEl('polyline', {
        points: pts.join(' '),
        fill: 'none',
        stroke: s.color,
        'stroke-width': s.width ?? 1.5,
        'stroke-dasharray': s.dashed ? '5 3' : 'none',
        'data-series': s.label,
      }),
    );
    if (n <= 40)
      s.values.forEach((v, i) => {
        if (Number.isFinite(v) && (!opts.logY || v > 0))
          svg.appendChild(svgEl('circle', { cx: x(i), cy: y(v), r: 2.5, fill: s.color }));
      });
  }
  // Legend along the bottom.
  let lx = left;
  for (const s of opts.series) {
    svg.appendChild(
      svgEl('line', {
        x1: lx,
        x2: lx + 16,
        y1: H - 8,
        y2: H - 8,
        stroke: s.color,
        'stroke-width': s.width ?? 1.5,
        'stroke-dasharray': s.dashed ? '5 3' : 'none',
      }),
    );
    svg.appendChild(
      svgEl(
        'text',
        { x: lx + 20, y: H - 4, fill: theme.foreground, 'font-size': 10, 'font-family': theme.font },
        s.label,
      ),
    );
    lx += 30 + s.label.length * 6;
  }
  return svg;
}

/** The layer strip: explained fraction by depth with the order breakdown and ε. */
export function stripChart(points: StripPoint[], theme: Theme): SVGSVGElement {
  const K = points[0]?.orders.length ?? 0;
  const series: Series[] = [
    {
      label: 'explained',
      color: theme.foreground,
      values: points.map((p) => p.explained),
      width: 2.5,
      band: points.some((p) => p.explainedSpread) ? points.map((p) => p.explainedSpread ?? 0) : undefined,
    },
    ...Array.from({ length: K }, (_, k) => ({
      label: `order ${k}`,
      color: orderColor(`order${k}`),
      values: points.map((p) => p.orders[k]),
    })),
    { label: 'ε', color: EPSILON_COLOR, values: points.map((p) => p.inconsistent), dashed: true },
  ];
  return lineChart({
    id: 'strip-chart',
    label: 'Explained fraction by depth, with order breakdown',
    theme,
    yMax: 1,
    yLabel: "fraction of the explained layer's variance",
    xLabels: points.map((p) => (p.layerA === p.layerB ? p.layerB : `${p.layerA}→${p.layerB}`)),
    series,
    width: 640,
  });
}
