/** Colours for the panel: the shared viridis scale (src/protocol/colors.ts) and what reads well on top of it. */
import { colorHex, DOMAIN } from '../../src/protocol/colors';

/** Relative luminance (WCAG) of a #rrggbb colour. */
export function luminance(hex: string): number {
  const ch = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
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
    return { value, color: colorHex(value) };
  });
}
