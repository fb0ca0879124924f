/** Colour mapping of measure values: a perceptual, colour-blind-safe scale (viridis) from d3-scale-chromatic. */
import { interpolateViridis } from 'd3-scale-chromatic';

/** All our measures are fractions or similarities in [0, 1]; values outside (a negative held-out R²) are clamped. */
export const DOMAIN: readonly [number, number] = [0, 1];

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** Colour of a value; a precomputed table keeps the 20 000-cell repaint free of string parsing. */
const TABLE_SIZE = 256;
const table: string[] = Array.from({ length: TABLE_SIZE }, (_, i) => rgbHex(interpolateViridis(i / (TABLE_SIZE - 1))));

export function colorFor(v: number): string {
  return table[Math.round(clamp01(v) * (TABLE_SIZE - 1))];
}

/** d3 returns "rgb(r, g, b)" or "#rrggbb"; normalise to #rrggbb. */
function rgbHex(c: string): string {
  if (c.startsWith('#')) return c;
  const [r, g, b] = (c.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
  return '#' + [r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** Relative luminance (WCAG) of a #rrggbb colour. */
export function luminance(hex: string): number {
  const ch = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

/** Black or white, whichever reads better on the cell colour. */
export function textOn(hex: string): '#000000' | '#ffffff' {
  const l = luminance(hex);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** Evenly spaced legend stops. */
export function legendStops(n = 11): Array<{ value: number; color: string }> {
  return Array.from({ length: n }, (_, i) => {
    const value = DOMAIN[0] + ((DOMAIN[1] - DOMAIN[0]) * i) / (n - 1);
    return { value, color: colorFor(value) };
  });
}
