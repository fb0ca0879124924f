/**
 * Where the disentangler looks on a large map: windows instead of whole maps, so that a fit's cost does not grow
 * with H×W. A window is a block of `side` × `side` *counted* positions plus the halo the K + 1 convolutions need
 * ((K + 1)·⌊k/2⌋ on each side): with the hidden stages zeroed outside the map (Batch.inside), the network computes
 * at the counted positions exactly what it computes there on the whole map. Only s(h) differs: it comes from the
 * counted positions of the batch instead of every position of its samples.
 *
 * An axis no longer than a window spans the whole axis (no halo: the map's own zero padding is the edge).
 */
/** Counted block side: 24 + a halo of 3 (K = 2, 3×3) gives a 30-pixel window; 64 of them per batch stay small. */
export const WINDOW_SIDE = 24;

/** One axis of the window geometry. */
export interface Axis {
  /** Map size along the axis. */
  size: number;
  /** Counted positions per window (size when the window spans the axis). */
  side: number;
  halo: number;
  /** Window size: side + 2·halo, or size. */
  span: number;
}

export interface Geometry {
  rows: Axis;
  cols: Axis;
  /** False: every window is a whole map (no masks, the graph as before). */
  windowed: boolean;
}

/** One window: its sample and the map position of its counted block's top-left corner (negative near an edge). */
export interface Window {
  sample: number;
  top: number;
  left: number;
}

/**
 * Windows when a window costs at most half a whole map; whole maps otherwise, and always for the per-sample hidden
 * scale, whose s(h) is a statistic of the whole map (a window's own std would be a different normaliser).
 */
export function geometry(
  height: number,
  width: number,
  net: { orders: number; kernel: 1 | 3; perSampleScale: boolean },
): Geometry {
  const halo = (net.orders + 1) * ((net.kernel - 1) / 2);
  const span = WINDOW_SIDE + 2 * halo;
  const windowed = !net.perSampleScale && 2 * Math.min(height, span) * Math.min(width, span) <= height * width;
  const axis = (size: number): Axis =>
    windowed && size > span ? { size, side: WINDOW_SIDE, halo, span } : { size, side: size, halo: 0, span: size };
  return { rows: axis(height), cols: axis(width), windowed };
}

/** Tiles per axis and in all: the counted blocks of a grid from (0, 0) that covers the map once. */
export function tileCount(g: Geometry): number {
  return Math.ceil(g.rows.size / g.rows.side) * Math.ceil(g.cols.size / g.cols.side);
}

/**
 * One training window per sample, placed uniformly at random: the counted block's corner is drawn from
 * [−(side − 1), size − 1], so every map position is counted with the same probability (edges included; the part
 * of a block outside the map counts nothing).
 */
export function randomWindows(samples: Int32Array, g: Geometry, rng: () => number): Window[] {
  const start = (a: Axis) => (a.side === a.size ? 0 : Math.floor(rng() * (a.size + a.side - 1)) - (a.side - 1));
  return Array.from(samples, (sample) => ({ sample, top: start(g.rows), left: start(g.cols) }));
}

/**
 * `perSample` tiles of each sample, stratified: sample j takes tiles j·perSample … j·perSample + perSample − 1
 * (mod the tile count), so a set covers every tile about equally often; all tiles when perSample ≥ the count.
 * Deterministic, so a held-out set is the same positions at every epoch.
 */
export function tiles(samples: Int32Array, g: Geometry, perSample: number): Window[] {
  const across = Math.ceil(g.cols.size / g.cols.side);
  const count = tileCount(g);
  const take = Math.min(perSample, count);
  const out: Window[] = [];
  samples.forEach((sample, j) => {
    for (let i = 0; i < take; i++) {
      const t = (j * take + i) % count;
      out.push({ sample, top: Math.floor(t / across) * g.rows.side, left: (t % across) * g.cols.side });
    }
  });
  return out;
}

/** Counted positions of a window: its block clipped to the map. */
export function countedPositions(w: Window, g: Geometry): number {
  const along = (a: Axis, start: number) => Math.min(start + a.side, a.size) - Math.max(start, 0);
  return along(g.rows, w.top) * along(g.cols, w.left);
}

/** Row ids (window·span·span + r·span + q) of the counted positions of windows gathered in this order. */
export function countedRows(windows: readonly Window[], g: Geometry): Int32Array {
  const { rows, cols } = g;
  const ids: number[] = [];
  windows.forEach((w, j) => {
    for (let r = rows.halo; r < rows.halo + rows.side; r++) {
      if (w.top + r - rows.halo < 0 || w.top + r - rows.halo >= rows.size) continue;
      for (let q = cols.halo; q < cols.halo + cols.side; q++) {
        if (w.left + q - cols.halo < 0 || w.left + q - cols.halo >= cols.size) continue;
        ids.push((j * rows.span + r) * cols.span + q);
      }
    }
  });
  return Int32Array.from(ids);
}
