/** What opens every hand-built report of the unit tests, compare or family alike. */
import type { Report } from '../../src/protocol/report';

/** Schema, tool, date, backend and the fast preset's K = 2 disentangler settings. */
export function reportStamp(): Pick<Report, 'schemaVersion' | 'tool' | 'createdAt' | 'backend' | 'settings'> {
  return {
    schemaVersion: 1,
    tool: { name: 'knowledge-consistency', version: '0.1.0' },
    createdAt: '2026-11-29T17:00:00.000Z',
    backend: { name: 'onnxruntime-node', version: '1.30.0', device: 'cpu', threads: 2 },
    settings: {
      orders: 2,
      alpha: 0.1,
      normalize: 'dataset',
      kernel: 3,
      preset: 'fast',
      epochs: 40,
      seed: 0,
      testFraction: 0.2,
      seeds: 1,
      batchSize: 64,
      learningRate: { start: 3e-3, end: 1e-4 },
      weightDecay: 1e-4,
      warmStart: true,
      patience: 6,
    },
  };
}
