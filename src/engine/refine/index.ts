/**
 * Refinement (method page §3, the paper's §4.4): B′ = A's lower part → g(x_A) (the disentangler's consistent output,
 * ε dropped) → B's upper part, fine-tuned on labelled probes, scored against B and against B's upper part fine-tuned
 * alone, over seeds. The first seed's B′ is written as a standard ONNX model and reloaded in a fresh session.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { REFINE_SCHEMA_VERSION, type RefineOptions, type RefineReport, type RefineSeed } from '../../protocol/refine';
import { throwIfCancelled, type CancelSignal } from '../cancel';
import { getTrainingBackend } from '../compute/index';
import { resolveSettings } from '../disentangler/settings';
import { KcError } from '../errors';
import { modelDisplayName } from '../models/files';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { accuracy, summarize } from './accuracy';
import { imageInput, openLabelled } from './labelled';
import { lowerPart, readOnnxModel, upperPart, type OnnxModel } from './onnx-parts';
import { runModel, withOutputs } from './run-model';
import { fromGathered } from './samples';
import { refineSeed } from './seed';

export interface RefineHooks {
  signal?: CancelSignal;
  log?: (line: string) => void;
  /** One step per stage: running A and B, then per seed fitting g, fine-tuning B′, fine-tuning the baseline. */
  onProgress?: (step: { done: number; total: number; detail: string }) => void;
}

export type { RefineOptions };

export { REFINE_DEFAULTS } from '../../protocol/refine';

export async function refine(o: RefineOptions & RefineHooks): Promise<RefineReport> {
  const started = Date.now();
  const total = 1 + 3 * o.seeds;
  let done = 0;
  // Every log line starts a stage: the initial run of A and B, then refineSeed's three per seed.
  const log = (line: string) => {
    o.log?.(line);
    o.onProgress?.({ done: Math.min(done++, total - 1), total, detail: line });
  };
  checkNumbers(o);
  const layerA = o.layerA ?? o.layerB;
  const [a, b] = await Promise.all([readOnnxModel(o.modelA), readOnnxModel(o.modelB)]);
  // The cuts first: an unknown layer or one a connection skips is a one-line message before anything runs.
  lowerPart(a, layerA);
  upperPart(b, o.layerB);
  const input = imageInput(b.input.dims, o.modelB);
  const inputA = imageInput(a.input.dims, o.modelA);
  if (JSON.stringify(input) !== JSON.stringify(inputA))
    throw new KcError(`${o.modelA} and ${o.modelB} take different inputs; B′ feeds B's input to A's lower part`);
  const disentangler = resolveSettings({ ...o.disentangler, seed: o.seed, seeds: 1 });
  if (disentangler.normalize !== 'dataset')
    throw new KcError(
      'kc refine needs --normalize dataset: a per-sample normalisation is not a fixed map a model can hold',
    );
  const backend = await getTrainingBackend(o.backend ?? 'auto', o.log);
  const labelled = await openLabelled(o.labels, o.count, input);
  const images = { n: labelled.labels.length, sampleDims: labelled.sampleDims, data: labelled.data };
  log(`${labelled.description}: running A and B`);
  const [outA, outB] = await Promise.all([
    runModel(withOutputsOf(a, layerA), a.input.name, images, [layerA, a.output]),
    runModel(withOutputsOf(b, o.layerB), b.input.name, images, [o.layerB, b.output]),
  ]);
  const classes = labelled.classes.length;
  for (const [m, out] of [
    [b, outB],
    [a, outA],
  ] as const) {
    const width = out.get(m.output)!.dims[1];
    if (out.get(m.output)!.dims.length !== 2 || width !== classes)
      throw new KcError(`${m.file} outputs ${width} values per sample, the labels have ${classes} classes`);
  }
  const xA = fromGathered(outA.get(layerA)!);
  const xB = fromGathered(outB.get(o.layerB)!);
  for (const [name, v] of [
    [layerA, xA],
    [o.layerB, xB],
  ] as const)
    if (v.sampleDims.length !== 1 && v.sampleDims.length !== 3)
      throw new KcError(
        `layer "${name}" is [N, ${v.sampleDims.join(', ')}]; kc refine takes [N, C, H, W] or [N, C] layers`,
      );

  const inputs = {
    a,
    b,
    layerA,
    layerB: o.layerB,
    images,
    labels: labelled.labels,
    classes,
    xA,
    xB,
    logitsA: outA.get(a.output)!.data,
    logitsB: outB.get(b.output)!.data,
  };
  const seeds: RefineSeed[] = [];
  let written: RefineReport['out'];
  for (let r = 0; r < o.seeds; r++) {
    throwIfCancelled(o.signal);
    const outcome = await refineSeed(inputs, {
      seed: o.seed + r,
      testFraction: o.testFraction,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      disentangler,
      backend,
      signal: o.signal,
      log,
    });
    seeds.push(outcome.result);
    if (r === 0 && o.out) {
      await mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
      await writeFile(o.out, outcome.refined);
      const verified = await verifyWritten(o.out, b.input.name, images, outcome.split.test, labelled.labels, classes);
      written = { path: path.resolve(o.out), seed: o.seed, verified };
      o.log?.(
        `wrote ${o.out}; a fresh onnxruntime session scores ${(verified.accuracy * 100).toFixed(2)} % on seed ${o.seed}'s held-out split`,
      );
    }
  }
  const pick = (key: keyof RefineSeed['accuracy']) => summarize(seeds.map((s) => s.accuracy[key]));
  return {
    schemaVersion: REFINE_SCHEMA_VERSION,
    tool: TOOL_NAME,
    version: TOOL_VERSION,
    createdAt: new Date().toISOString(),
    modelA: { path: path.resolve(o.modelA), name: modelDisplayName(o.modelA) },
    modelB: { path: path.resolve(o.modelB), name: modelDisplayName(o.modelB) },
    layerA,
    layerB: o.layerB,
    labels: { source: o.labels, description: labelled.description, classes: labelled.classes },
    settings: {
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      count: labelled.labels.length,
      testFraction: o.testFraction,
      seed: o.seed,
      seeds: o.seeds,
      disentangler,
    },
    backend: backend.info,
    accuracy: {
      A: pick('A'),
      B: pick('B'),
      refinedUntuned: pick('refinedUntuned'),
      refined: pick('refined'),
      baseline: pick('baseline'),
    },
    gain: {
      overB: summarize(
        seeds.map((s) => s.accuracy.refined - s.accuracy.B),
        [-1, 1],
      ),
      overBaseline: summarize(
        seeds.map((s) => s.accuracy.refined - s.accuracy.baseline),
        [-1, 1],
      ),
    },
    seeds,
    ...(written ? { out: written } : {}),
    notes: [
      "fine-tuning runs on onnxruntime-node inference sessions with a hand-built backward graph: onnxruntime's training API is not part of onnxruntime-node",
      "only B's upper part (above the layer) is fine-tuned; A's lower part and g stay fixed",
      'intervals: 95 % Student-t of the mean over seeds; each seed has its own split, g fit and batch order',
    ],
    warnings: [],
    seconds: (Date.now() - started) / 1000,
  };
}

function withOutputsOf(model: OnnxModel, layer: string): Uint8Array {
  return withOutputs(model, [layer, model.output]);
}

/** Loads the written file by path in a default onnxruntime session (no kc session options) and scores it. */
async function verifyWritten(
  file: string,
  inputName: string,
  images: { n: number; sampleDims: number[]; data: Float32Array },
  test: Int32Array,
  labels: Int32Array,
  classes: number,
): Promise<{ runtime: string; accuracy: number }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file);
  } catch (e) {
    throw new KcError(`the written ${file} does not load in onnxruntime: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    const out = await runModel(new Uint8Array(), inputName, images, [session.outputNames[0]], session);
    return {
      runtime: `onnxruntime-node ${ort.env.versions?.node ?? ''}`.trim(),
      accuracy: accuracy(out.get(session.outputNames[0])!.data, classes, labels, test),
    };
  } finally {
    await session.release();
  }
}

function checkNumbers(o: RefineOptions): void {
  const whole = (v: number, flag: string, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new KcError(`${flag} needs a whole number ≥ ${min}, got ${v}`);
  };
  whole(o.epochs, '--epochs', 1);
  whole(o.batchSize, '--batch-size', 1);
  whole(o.seeds, '--seeds', 1);
  whole(o.count, '--count', 2);
  if (!(o.learningRate > 0)) throw new KcError(`--learning-rate needs a number > 0, got ${o.learningRate}`);
  if (!(o.testFraction > 0 && o.testFraction < 1))
    throw new KcError(`--test-fraction needs a number between 0 and 1, got ${o.testFraction}`);
}
