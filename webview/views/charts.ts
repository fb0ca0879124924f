/** The drill-down's and the strip's charts, as SVG with inline colours (so they export as drawn). */
import { colorHex } from '../../src/protocol/colors';
import type { DirectionStack } from '../model/drill';
import { pct, spreadPct } from '../../src/protocol/format';
import type { StripPoint } from '../model/strip';
import { svgEl, svgRoot } from './svg';
import { EPSILON_COLOR, orderColor, type Theme } from './theme';

/**
 * Two stacked bars (A→B, B→A): orders 0..K then ε, each bar 0..1 of Var(x_B). A tick marks the explained fraction
 * (the headline); whiskers show ± one standard deviation across seeds when there are several.
 */
export function stackedBars(stacks: DirectionStack[], theme: Theme): SVGSVGElement {
  const W = 600;
  const barH = 26;
  const left = 56;
  // Room right of the bars for the headline number and its spread.
  const right = 190;
  // The colour key sits inside the chart so an exported PNG carries it.
  const top = 34;
  const rowGap = 46;
  const H = top + rowGap * stacks.length + 34;
  const svg = svgRoot(W, H, 'Order components and inconsistent part, per direction');
  svg.id = 'stacked-bars';
  const scale = (v: number) => left + v * (W - left - right);
  const text = (x: number, y: number, s: string, anchor = 'start', color = theme.foreground) =>
    svg.appendChild(
      svgEl('text', { x, y, 'text-anchor': anchor, fill: color, 'font-size': 11, 'font-family': theme.font }, s),
    );

  const keyIds = stacks.find((st) => st.segments.length)?.segments.map((seg) => seg.id) ?? [];
  let kx = left;
  for (const id of keyIds) {
    const label = id === 'inconsistent' ? 'ε (inconsistent)' : id.replace('order', 'order ');
    svg.appendChild(
      svgEl('rect', {
        x: kx,
        y: 6,
        width: 11,
        height: 11,
        fill: id === 'inconsistent' ? EPSILON_COLOR : orderColor(id),
        stroke: theme.grid,
      }),
    );
    text(kx + 15, 16, label);
    kx += 26 + label.length * 6.5;
  }

  stacks.forEach((st, i) => {
    const y = top + i * rowGap;
    text(left - 6, y + barH / 2 + 4, st.direction === 'A->B' ? 'A → B' : 'B → A', 'end');
    if (!st.pair) {
      svg.appendChild(
        svgEl('rect', {
          x: scale(0),
          y,
          width: scale(1) - scale(0),
          height: barH,
          fill: 'none',
          stroke: theme.grid,
          'stroke-dasharray': '4 3',
        }),
      );
      text(scale(0.5), y + barH / 2 + 4, 'not computed for this direction', 'middle', theme.muted);
      return;
    }
    let x = 0;
    for (const seg of st.segments) {
      const w = Math.max(0, seg.fraction);
      const rect = svgEl('rect', {
        class: 'segment',
        x: scale(x),
        y,
        width: Math.max(0, scale(Math.min(1.5, x + w)) - scale(x)),
        height: barH,
        fill: seg.id === 'inconsistent' ? EPSILON_COLOR : orderColor(seg.id),
        stroke: theme.background,
        'stroke-width': 1,
        'data-direction': st.direction,
        'data-id': seg.id,
        'data-fraction': String(seg.fraction),
      });
      rect.appendChild(
        svgEl('title', {}, `${st.direction} ${seg.label}: ${pct(seg.fraction)}${spreadPct(seg.spread)}`),
      );
      svg.appendChild(rect);
      if (seg.spread !== undefined && seg.spread > 0) {
        const cx = scale(x + w);
        svg.appendChild(
          svgEl('line', {
            x1: scale(x + w - seg.spread),
            x2: scale(x + w + seg.spread),
            y1: y + barH + 4,
            y2: y + barH + 4,
            stroke: theme.foreground,
            'stroke-width': 1.5,
          }),
        );
        svg.appendChild(svgEl('line', { x1: cx, x2: cx, y1: y + barH, y2: y + barH + 7, stroke: theme.foreground }));
      }
      x += w;
    }
    if (st.explained !== undefined) {
      const ex = scale(Math.max(0, Math.min(1, st.explained)));
      svg.appendChild(
        svgEl('line', {
          x1: ex,
          x2: ex,
          y1: y - 4,
          y2: y + barH + 4,
          stroke: theme.foreground,
          'stroke-width': 2,
          class: 'explained-tick',
        }),
      );
      const label = svgEl(
        'text',
        {
          x: scale(1) + 8,
          y: y + barH / 2 + 4,
          fill: theme.foreground,
          'font-size': 12,
          'font-weight': 'bold',
          'font-family': theme.font,
          class: 'explained-label',
        },
        `explained ${pct(st.explained)}${spreadPct(st.explainedSpread)}`,
      );
      svg.appendChild(label);
    }
  });
  // Axis.
  const ay = top + rowGap * stacks.length + 4;
  svg.appendChild(svgEl('line', { x1: scale(0), x2: scale(1), y1: ay, y2: ay, stroke: theme.grid }));
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svg.appendChild(svgEl('line', { x1: scale(v), x2: scale(v), y1: ay, y2: ay + 4, stroke: theme.grid }));
    text(scale(v), ay + 16, `${v * 100} %`, 'middle', theme.muted);
  }
  text(scale(1), ay + 28, "fraction of the explained layer's variance", 'end', theme.muted);
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
    rect.appendChild(svgEl('title', {}, `channel ${c.channel}: ${pct(c.explained)}`));
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
