/** A small hand-built report with planted numbers for the view-model tests. */
import type { LayerInfo, ModelRef, PairResult, Report } from '../../../src/protocol/report';
import { reportStamp } from '../report-stamp';

export function pair(
  layerA: string,
  layerB: string,
  direction: PairResult['direction'],
  explained: number,
  orders: number[],
  extra: Partial<PairResult> = {},
): PairResult {
  return {
    layerA,
    layerB,
    direction,
    explained,
    orders: orders.map((fraction, order) => ({ order, fraction, variance: fraction * 10 })),
    inconsistent: { fraction: 1 - explained, variance: (1 - explained) * 10 },
    varianceB: 10,
    similarity: { linearCKA: 0.5 },
    training: { epochs: 3, seconds: 1, finalLoss: 0.1, gates: [0.2, 0.1], curve: [] },
    ...extra,
  };
}

/** A model of the report: an ONNX file /m/<name>.onnx with these layers. */
function onnxModel(name: string, layers: LayerInfo[]): ModelRef {
  return { path: `/m/${name.toLowerCase()}.onnx`, name, format: 'onnx', layers };
}

/** A has layers a1 < a2 < a3 by depth, B has b1 < b2; the matrix lists them in depth order. */
export function sampleReport(): Report {
  return {
    ...reportStamp(),
    probe: { source: 'synthetic', count: 100, train: 80, test: 20 },
    models: {
      a: onnxModel('A', [
        { name: 'a3', kind: 'dense', shape: [-1, 4], depth: 5, probePoint: true },
        { name: 'a1', kind: 'conv', shape: [-1, 4, 4, 2], depth: 1, probePoint: true },
        { name: 'a2', kind: 'conv', shape: [-1, 2, 2, 2], depth: 3, probePoint: true },
      ]),
      b: onnxModel('B', [
        { name: 'b2', kind: 'dense', shape: [-1, 4], depth: 4, probePoint: true },
        { name: 'b1', kind: 'conv', shape: [-1, 4, 4, 2], depth: 1, probePoint: true },
      ]),
    },
    pairs: [
      pair('a3', 'b2', 'A->B', 0.9, [0.6, 0.2, 0.05]),
      pair('a1', 'b1', 'A->B', 0.8, [0.7, 0.1, 0.02], {
        maps: { perChannel: [0.3, 0.9], perPosition: { height: 1, width: 1, values: [0.8] } },
      }),
      pair('a1', 'b1', 'B->A', 0.7, [0.5, 0.1, 0.1], {
        spread: { seeds: 3, explained: 0.02, orders: [0.05, 0.04, 0.03], inconsistent: 0.02 },
      }),
    ],
    matrix: {
      layersA: ['a1', 'a2', 'a3'],
      layersB: ['b1', 'b2'],
      measures: {
        linearCKA: [0.95, 0.4, 0.5, 0.6, 0.3, 0.85],
        ridgeExplained: [0.75, 0.2, 0.35, 0.55, 0.1, 0.8],
      },
    },
    warnings: [],
  };
}
