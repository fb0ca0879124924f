/**
 * The colour scale of every heatmap (the panel's canvas, the report's SVG and PNG): viridis from d3-scale-chromatic,
 * perceptual and colour-blind safe, over [0, 1]. A 256-entry table keeps a 20 000-cell repaint free of string parsing.
 */
import { interpolateViridis } from 'd3-scale-chromatic';

/** Our measures are fractions or similarities in [0, 1]; values outside (a negative held-out R²) are clamped. */
export const DOMAIN: readonly [number, number] = [0, 1];

export function clamp01(v: number): number {
  return !Number.isFinite(v) || v < 0 ? 0 : v > 1 ? 1 : v;
}

const TABLE_SIZE = 256;
const table: string[] = Array.from({ length: TABLE_SIZE }, (_, i) => rgbHex(interpolateViridis(i / (TABLE_SIZE - 1))));

/** "#rrggbb" of a value. */
export function colorHex(v: number): string {
  return table[Math.round(clamp01(v) * (TABLE_SIZE - 1))];
}

/** [r, g, b] 0–255 of a value, for pixel buffers. */
export function colorAt(v: number): [number, number, number] {
  const hex = colorHex(v);
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

/** d3 returns "rgb(r, g, b)" or "#rrggbb"; normalise to #rrggbb. */
function rgbHex(c: string): string {
  if (c.startsWith('#')) return c;
  const [r, g, b] = (c.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
  return '#' + [r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('');
}
