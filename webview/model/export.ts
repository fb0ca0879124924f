/** Text exports of the current heatmap. */
import { arrowText } from '../../src/protocol/format';
import type { HeatmapModel } from './heatmap';

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The matrix as CSV: a header row of B's layers, one row per layer of A, empty fields where nothing was computed.
 * Values at full precision so the CSV round-trips the report's numbers.
 */
export function heatmapCsv(m: HeatmapModel): string {
  const head = [`${m.measure.id} (${arrowText(m.direction)}) A\\B`, ...m.cols].map(csvField).join(',');
  const lines = m.rows.map((row, r) => {
    const cells = m.cols.map((_, c) => {
      const v = m.values[r * m.cols.length + c];
      return Number.isFinite(v) ? String(v) : '';
    });
    return [csvField(row), ...cells].join(',');
  });
  return [head, ...lines].join('\n') + '\n';
}

/** A file-name-safe stem from the two model names. */
export function exportStem(nameA: string | undefined, nameB: string | undefined): string {
  const clean = (s: string | undefined) =>
    (s ?? 'model').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `kc-${clean(nameA)}-vs-${clean(nameB)}`;
}
