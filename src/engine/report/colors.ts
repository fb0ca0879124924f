import { interpolateViridis } from 'd3-scale-chromatic';

/** The perceptual (viridis) colour scale of every heatmap we draw, as [r, g, b] 0–255 for a value in [0, 1]. */
export function colorAt(value: number): [number, number, number] {
  const x = Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
  const hex = interpolateViridis(x);
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

export function colorHex(value: number): string {
  const [r, g, b] = colorAt(value);
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}
