/**
 * The heatmap's data: one cell per (layer of A, layer of B) for the chosen measure and direction, built from the
 * report's finished pairs and its cheap all-pairs matrix. Typed arrays so 100 × 200 cells stay cheap to rebuild.
 */
import type { Direction, PairResult } from '../../src/protocol/report';
import { SCALE_WARNING_RATIO, shapeRatio } from '../../src/protocol/pairing';
import type { PairFocus } from '../../src/protocol/webview.protocol';
import { depthOrder, orderByMean } from './layers';
import { directedKey, findMeasure, type Measure, type ReportLike } from './measures';

/** What a cell shows. */
export const CellState = {
  /** Nothing computed for this cell (yet). */
  Empty: 0,
  /** Final value. */
  Done: 1,
  /** A cheap stand-in (e.g. ridge lower bound) while the disentangler cell is not finished. */
  Provisional: 2,
} as const;

export interface HeatmapModel {
  measure: Measure;
  direction: Direction;
  rows: string[];
  cols: string[];
  /** Row-major rows × cols; NaN where empty. */
  values: Float64Array;
  states: Uint8Array;
  /** 1 where the disentangler is working on (or will work on) this cell: drawn with a marker. */
  running: Uint8Array;
  /** Index into report.pairs of the finished pair behind each cell, -1 when none. */
  pairIndex: Int32Array;
  /** The measure's background (similarity) in cells it leaves empty; NaN elsewhere. Never sorted on. */
  background: Float64Array;
  /** 1 where the finished pair's spatial sizes differ by more than 2× (SCALE_WARNING_RATIO): drawn with a marker. */
  scaleWarning: Uint8Array;
}

export interface HeatmapOptions {
  measure?: string;
  direction?: Direction;
  sort?: 'depth' | 'value';
  /** Disentangler pairs in flight or queued (from progress messages). */
  inFlight?: PairFocus[];
}

export function pairKey(layerA: string, layerB: string, direction: Direction): string {
  return `${direction}\u0000${layerA}\u0000${layerB}`;
}

/** Pairs by (layerA, layerB, direction). In a pair, layerA always names model A's layer, whatever the direction. */
export function indexPairs(pairs: PairResult[]): Map<string, number> {
  const m = new Map<string, number>();
  pairs.forEach((p, i) => m.set(pairKey(p.layerA, p.layerB, p.direction), i));
  return m;
}

export function buildHeatmap(report: ReportLike, opts: HeatmapOptions = {}): HeatmapModel {
  const measure = findMeasure(report, opts.measure);
  const direction = opts.direction ?? 'A->B';
  let rows = depthOrder(report, 'a');
  let cols = depthOrder(report, 'b');
  const nR = rows.length;
  const nC = cols.length;
  const values = new Float64Array(nR * nC).fill(NaN);
  const states = new Uint8Array(nR * nC);
  const running = new Uint8Array(nR * nC);
  const pairIndex = new Int32Array(nR * nC).fill(-1);
  const background = new Float64Array(nR * nC).fill(NaN);
  const scaleWarning = new Uint8Array(nR * nC);

  const matrix = report.matrix;
  const mRow = new Map((matrix?.layersA ?? []).map((n, i) => [n, i]));
  const mCol = new Map((matrix?.layersB ?? []).map((n, i) => [n, i]));
  const matrixValue = (key: string | undefined, a: string, b: string): number | undefined => {
    const arr = key ? matrix?.measures[directedKey(key, direction)] : undefined;
    const i = mRow.get(a);
    const j = mCol.get(b);
    if (!arr || i === undefined || j === undefined) return undefined;
    const v = arr[i * matrix!.layersB.length + j];
    return v === null || v === undefined || !Number.isFinite(v) ? undefined : v;
  };

  const pairs = indexPairs(report.pairs);
  const flying = new Set(
    (opts.inFlight ?? []).filter((f) => f.direction === direction).map((f) => pairKey(f.layerA, f.layerB, f.direction)),
  );

  for (let r = 0; r < nR; r++) {
    for (let c = 0; c < nC; c++) {
      const at = r * nC + c;
      const key = pairKey(rows[r], cols[c], direction);
      const pi = pairs.get(key);
      if (pi !== undefined) pairIndex[at] = pi;
      if (pi !== undefined && (shapeRatio(report.pairs[pi].shapeA, report.pairs[pi].shapeB) ?? 1) > SCALE_WARNING_RATIO)
        scaleWarning[at] = 1;
      if (flying.has(key) && pi === undefined) running[at] = 1;
      // Similarity measures prefer the all-pairs matrix (same numbers, every cell); consistency needs the pair.
      const fromMatrix = matrixValue(measure.matrixKey, rows[r], cols[c]);
      const fromPair = pi !== undefined ? measure.fromPair?.(report.pairs[pi]) : undefined;
      const v = fromMatrix ?? fromPair;
      if (v !== undefined && Number.isFinite(v)) {
        values[at] = v;
        states[at] = CellState.Done;
      } else if (pi === undefined) {
        const stand = matrixValue(measure.provisionalKey, rows[r], cols[c]);
        if (stand !== undefined) {
          values[at] = stand;
          states[at] = CellState.Provisional;
        }
      }
      if (states[at] === CellState.Empty) background[at] = matrixValue(measure.backgroundKey, rows[r], cols[c]) ?? NaN;
    }
  }

  const model: HeatmapModel = {
    measure,
    direction,
    rows,
    cols,
    values,
    states,
    running,
    pairIndex,
    background,
    scaleWarning,
  };
  if (opts.sort === 'value') {
    const rowPerm = orderByMean(nR, function* (r) {
      for (let c = 0; c < nC; c++) yield values[r * nC + c];
    });
    const colPerm = orderByMean(nC, function* (c) {
      for (let r = 0; r < nR; r++) yield values[r * nC + c];
    });
    rows = rowPerm.map((i) => rows[i]);
    cols = colPerm.map((j) => cols[j]);
    return permute(model, rowPerm, colPerm, rows, cols);
  }
  return model;
}

function permute(m: HeatmapModel, rowPerm: number[], colPerm: number[], rows: string[], cols: string[]): HeatmapModel {
  const nC = m.cols.length;
  const out: HeatmapModel = {
    ...m,
    rows,
    cols,
    values: new Float64Array(m.values.length),
    states: new Uint8Array(m.states.length),
    running: new Uint8Array(m.running.length),
    pairIndex: new Int32Array(m.pairIndex.length),
    background: new Float64Array(m.background.length),
    scaleWarning: new Uint8Array(m.scaleWarning.length),
  };
  rowPerm.forEach((r0, r) =>
    colPerm.forEach((c0, c) => {
      const from = r0 * nC + c0;
      const to = r * nC + c;
      out.values[to] = m.values[from];
      out.states[to] = m.states[from];
      out.running[to] = m.running[from];
      out.pairIndex[to] = m.pairIndex[from];
      out.background[to] = m.background[from];
      out.scaleWarning[to] = m.scaleWarning[from];
    }),
  );
  return out;
}

/** The cell of a finished pair, for focusing a drill-down from outside (e.g. a CodeLens). */
export function cellOf(m: HeatmapModel, focus: PairFocus): { row: number; col: number } | undefined {
  const row = m.rows.indexOf(focus.layerA);
  const col = m.cols.indexOf(focus.layerB);
  return row >= 0 && col >= 0 ? { row, col } : undefined;
}
