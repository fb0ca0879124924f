import { PNG } from 'pngjs';
import type { SimilarityMatrix } from '../../protocol/report';
import { colorAt } from '../../protocol/colors';

/** Pixels per cell side; the image carries no text (labels are in the Markdown table beside it). */
const CELL = 32;
const GAP = 2;
/** Pixels a side at most: a big matrix gets smaller cells instead of an image of gigabytes. */
const MAX_SIDE = 4096;
const EMPTY: [number, number, number] = [220, 220, 220];

/** One measure of the matrix as a PNG: rows = layers of A, columns = layers of B, viridis colour over [0, 1]. */
export function renderHeatmapPng(matrix: SimilarityMatrix, measure: string): Buffer | undefined {
  const values = matrix.measures[measure];
  const rows = matrix.layersA.length;
  const cols = matrix.layersB.length;
  if (!values || rows === 0 || cols === 0) return undefined;
  const cell = Math.max(1, Math.min(CELL, Math.floor(MAX_SIDE / Math.max(rows, cols))));
  const gap = cell >= 8 ? GAP : 0;
  const png = new PNG({ width: cols * cell + gap, height: rows * cell + gap });
  png.data.fill(255);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = values[i * cols + j];
      const rgb = v === null || !Number.isFinite(v) ? EMPTY : colorAt(v);
      for (let y = i * cell + gap; y < (i + 1) * cell; y++) {
        for (let x = j * cell + gap; x < (j + 1) * cell; x++) {
          const o = (y * png.width + x) * 4;
          png.data[o] = rgb[0];
          png.data[o + 1] = rgb[1];
          png.data[o + 2] = rgb[2];
          png.data[o + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png);
}
