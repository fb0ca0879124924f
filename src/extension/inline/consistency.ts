/**
 * The numbers the inline reports show for one model file: per layer of that file, the disentangled pair in which
 * the layer is the *explained* side (its features predicted from the other model's layer), from the analysis
 * chosen for the file. Pure: no vscode import, so it reads the same in the editor, the hover and the overview.
 */
import type { Direction, PairResult } from '../../protocol/report';
import type { AnalysisRecord, PairFocus } from '../contracts';

export interface LayerConsistency {
  /** This model's layer. */
  layer: string;
  /** The other model's layer in the pair. */
  otherLayer: string;
  direction: Direction;
  /**
   * True when this layer is the explained one (the usual case: both directions ran). False when only the other
   * direction is in the report: then the numbers say how much of the *other* layer this one explains.
   */
  explainedHere: boolean;
  pair: PairResult;
  focus: PairFocus;
}

export interface ModelConsistency {
  record: AnalysisRecord;
  modelPath: string;
  otherPath: string;
  /** The other model's display name (as the report names it). */
  otherName: string;
  /** Either model file changed after the analysis ran. */
  stale: boolean;
  /** A model file was just saved and is being compared with the analysed content. */
  checking?: boolean;
  /** By this model's layer name. */
  layers: Map<string, LayerConsistency>;
  /** Mean explained fraction over this model's explained layers (NaN when none). */
  mean: number;
  /** Highest order K present in the pairs. */
  maxOrder: number;
}

export function modelConsistency(
  record: AnalysisRecord,
  modelPath: string,
  otherFallbackName: (path: string) => string,
): ModelConsistency {
  const isA = record.modelA === modelPath;
  const mine = isA ? 'layerA' : 'layerB';
  const theirs = isA ? 'layerB' : 'layerA';
  const explainedHere: Direction = isA ? 'B->A' : 'A->B';
  const pairs = record.report?.pairs ?? [];
  const layers = new Map<string, LayerConsistency>();
  for (const pair of pairs) {
    const here = pair.direction === explainedHere;
    const known = layers.get(pair[mine]);
    if (known && (known.explainedHere || !here)) continue;
    layers.set(pair[mine], {
      layer: pair[mine],
      otherLayer: pair[theirs],
      direction: pair.direction,
      explainedHere: here,
      pair,
      focus: { layerA: pair.layerA, layerB: pair.layerB, direction: pair.direction },
    });
  }
  const explained = [...layers.values()]
    .filter((l) => l.explainedHere)
    .map((l) => l.pair.explained)
    .filter(Number.isFinite);
  const otherPath = isA ? record.modelB : record.modelA;
  const otherRef = isA ? record.report?.models?.b : record.report?.models?.a;
  return {
    record,
    modelPath,
    otherPath,
    otherName: otherRef?.name ?? otherFallbackName(otherPath),
    stale: record.stale === true,
    layers,
    mean: explained.length ? explained.reduce((s, v) => s + v, 0) / explained.length : NaN,
    maxOrder: Math.max(0, ...pairs.map((p) => p.orders.length - 1)),
  };
}
