import type { PairResult, Report, StageTimings } from '../../../../src/protocol/report';
import { reportStamp } from '../../report-stamp';

/** Every stage's planted seconds. */
export function plantedTimings(): Required<StageTimings> {
  return {
    loadSeconds: 0.2,
    extractSeconds: 1.1,
    similaritySeconds: 0.3,
    disentangleSeconds: 12.5,
    totalSeconds: 14.1,
  };
}

/** A report with planted numbers: 3 × 2 layers, two pairs in both directions, K = 2. */
export function plantedReport(): Report {
  const pair = (
    layerA: string,
    layerB: string,
    direction: 'A->B' | 'B->A',
    explained: number,
    orders: number[],
  ): PairResult => ({
    layerA,
    layerB,
    direction,
    explained,
    shapeA: [12, 12, 8],
    shapeB: [12, 12, 8],
    orders: orders.map((fraction, order) => ({ order, fraction, variance: fraction * 2 })),
    inconsistent: { variance: (1 - explained) * 2, fraction: 1 - explained },
    varianceB: 2,
    similarity: { linearCKA: 0.9, ridgeExplained: explained - 0.05 },
    training: {
      epochs: 17,
      seconds: 1.5,
      finalLoss: 0.12,
      heldOutLoss: 0.15,
      gates: [0.2, 0.1],
      earlyStopped: true,
      warmStart: true,
      curve: [
        { epoch: 1, train: 0.5, test: 0.6 },
        { epoch: 2, train: 0.3, test: 0.35 },
        { epoch: 3, train: 0.12, test: 0.15 },
      ],
    },
  });
  return {
    ...reportStamp(),
    probe: {
      source: 'mnist',
      count: 500,
      train: 400,
      test: 100,
      preprocessing: 'MNIST test split → grayscale 28×28 (bilinear), scaled to [0,1]',
    },
    models: {
      a: { path: 'samples/a/model.onnx', name: 'net-<a>', format: 'onnx', sha256: 'ab'.repeat(32) },
      b: { path: 'samples/b/model.onnx', name: 'net-b', format: 'onnx', sha256: 'cd'.repeat(32) },
    },
    pairs: [
      {
        ...pair('relu1', 'relu1', 'A->B', 0.937, [0.81, 0.08, 0.03]),
        maps: {
          perChannel: [0.9, 0.5, 0.1],
          perPosition: { height: 2, width: 3, values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] },
        },
      },
      pair('relu1', 'relu1', 'B->A', 0.921, [0.79, 0.09, 0.02]),
      pair('relu2', 'relu2', 'A->B', 0.754, [0.55, 0.12, 0.06]),
      pair('relu2', 'relu2', 'B->A', 0.702, [0.5, 0.13, 0.05]),
    ],
    matrix: {
      layersA: ['relu1', 'relu2', 'relu3'],
      layersB: ['relu1', 'relu2'],
      measures: { linearCKA: [0.95, 0.41, 0.38, 0.88, 0.12, null] },
    },
    timings: plantedTimings(),
    warnings: ['a planted warning <b>with markup</b>'],
  };
}
