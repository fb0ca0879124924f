import type { Report } from '../../../../src/protocol/report';
import { plantedReport, plantedTimings } from '../compare/report-fixture';

/** Every field required, nested ones too: a field added to src/protocol/report.ts fails type checking here. */
type Full<T> = T extends Array<infer U> ? Array<Full<U>> : T extends object ? { [K in keyof T]-?: Full<T[K]> } : T;

/** The planted report with every optional field of report.ts filled in (K = 2, two gates). */
export function fullReport(): Full<Report> {
  const planted = plantedReport();
  const first = planted.pairs[0];
  const layer = { name: 'relu1', kind: 'activation', shape: [-1, 12, 12, 8], depth: 3, probePoint: true, op: 'Relu' };
  const pair: Full<Report['pairs'][number]> = {
    layerA: 'relu1',
    layerB: 'relu1',
    direction: 'A->B',
    shapeA: [12, 12, 8],
    shapeB: [6, 6, 8],
    resampled: 'B resampled 12×12 → 6×6 (average pool)',
    explained: first.explained,
    explainedInterval: [first.explained - 0.02, first.explained + 0.01],
    interval: { level: 0.95, replicates: 1000, resampled: 'held-out probes and seeds' },
    orders: first.orders,
    inconsistent: first.inconsistent,
    varianceB: first.varianceB,
    similarity: {
      linearCKA: 0.9,
      linearCKAUnbiased: 0.88,
      cka: { estimator: 'unbiased', value: 0.88, interval: [0.84, 0.91], level: 0.95, replicates: 1000 },
      svcca: 0.7,
      pwcca: 0.8,
      procrustes: 0.1,
      ridgeExplained: 0.89,
    },
    training: {
      epochs: 3,
      seconds: 1.5,
      finalLoss: 0.12,
      heldOutLoss: 0.15,
      validationLoss: 0.14,
      bestEpoch: 3,
      improvedOnStart: true,
      backtracks: 1,
      samples: { fit: 340, validation: 60, test: 100 },
      gates: [0.2, 0.1],
      earlyStopped: false,
      warmStart: true,
      curve: [1, 2, 3].map((epoch) => ({ epoch, train: 0.5 / epoch, test: 0.6 / epoch, validation: 0.55 / epoch })),
    },
    maps: {
      perChannel: [0.9, 0.5, 0.1],
      perPosition: { height: 2, width: 3, values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] },
      samples: [
        {
          index: 7,
          inconsistentEnergy: [1, 2, 3, 4, 5, 6],
          image: { height: 2, width: 2, channels: 1, values: [0, 0.25, 0.5, 1] },
          tokens: ['[CLS]', 'a', 'dog', '[SEP]'],
        },
      ],
    },
    spread: {
      seeds: 2,
      explained: 0.01,
      orders: [0.01, 0.002, 0.001],
      inconsistent: 0.01,
      linearCKA: 0.003,
      gates: [0.02, 0.01],
    },
    sampling: {
      train: 'one 24×24 window (+3 halo) per fit sample per epoch, placed uniformly on the 112×112 map, batch 64',
      evaluate: '14 of 25 24×24 tiles per test sample (56 % of positions, every tile of the first 4)',
      probes: '175 of 250 probe samples, evenly spread: all of them would not fit the memory budget',
    },
    warnings: ['layer B "relu1": 1 of 8 channels are constant on the probe samples (0)'],
  };
  const model = (name: string) => ({
    path: `samples/${name}/model.onnx`,
    name,
    format: 'onnx' as const,
    sha256: 'ab'.repeat(32),
    inputShape: [-1, 28, 28, 1],
    sequence: { inputs: ['input_ids', 'attention_mask'], length: 16 },
    layers: [layer],
  });
  return {
    ...planted,
    backend: { ...planted.backend, detail: 'CPU execution provider, 2 intra-op threads' },
    probe: {
      ...planted.probe,
      validation: 60,
      preprocessing: 'grayscale 28×28',
      warning: 'synthetic noise, not real data',
      inputs: [
        {
          model: 'A',
          dtype: 'int32',
          range: [0, 255],
          rangeSource: 'model',
          rangeReason: 'its input is int32: pixels 0..255',
          size: [32, 32],
          sizeSource: 'default',
          sizeReason: "the model takes any size: the probe's 28×28 rounded to a multiple of 32",
          text: { file: 'texts.txt', tokenizer: 'tokenizer.json', tokens: 678, truncated: 2, padding: 'model' },
        },
      ],
    },
    models: { a: model('net-a'), b: model('net-b') },
    pairing: { rule: 'same-name', pairs: [{ layerA: 'relu1', layerB: 'relu1', by: 'name', scaleRatio: 2 }] },
    pairs: [pair],
    skipped: [
      { layerA: 'relu0', layerB: 'relu0', direction: 'B->A', reason: 'layer A "relu0" is constant on the probes' },
    ],
    matrix: { ...planted.matrix!, sketched: { width: 16384, layersA: ['relu0'], layersB: ['relu0'] } },
    timings: plantedTimings(),
    plan: {
      estimate: {
        probes: 500,
        extractSeconds: 1.2,
        similaritySeconds: 0.4,
        disentangleSeconds: 11,
        totalSeconds: 12.6,
        fits: [{ layerA: 'relu1', layerB: 'relu1', direction: 'A->B', seconds: 5.5, windowed: false }],
        calibration: 'measured: extraction 900 / 900 samples/s, training 14.2 GMAC/s',
      },
      budget: {
        seconds: 180,
        asked: { probes: 1000, pairs: 2, totalSeconds: 400 },
        chosen: { probes: 500, pairs: 1, totalSeconds: 12.6 },
        dropped: [{ layerA: 'relu0', layerB: 'relu0' }],
        sampling: 'every fit on whole maps',
        fits: true,
        summary: 'budget 3 min: 500 of 1000 probes, 1 of 2 layer pairs, ≈ 13 s',
      },
    },
  };
}
