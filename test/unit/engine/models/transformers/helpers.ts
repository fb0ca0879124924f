import path from 'node:path';

/** The tiny BERT-style encoders and probes written by scripts/train_tiny_transformer.py. */
export const FIXTURES = path.join(__dirname, 'fixtures');
export const SEED1 = path.join(FIXTURES, 'tiny-bert-seed1', 'model.onnx');
export const SEED2 = path.join(FIXTURES, 'tiny-bert-seed2', 'model.onnx');
export const PROBE_TXT = path.join(FIXTURES, 'probe.txt');
export const PROBE_JSONL = path.join(FIXTURES, 'probe.jsonl');
export const REFERENCE = path.join(FIXTURES, 'reference-tokens.json');
/** Few epochs: the point is the plumbing and the numbers' level, not a converged fit. */
export const QUICK = { epochs: 6, normalize: 'dataset', seed: 1 } as const;
