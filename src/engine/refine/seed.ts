/**
 * One seed of refinement: split the labelled probes, fit g on the training split (A's layer → B's layer), build B′,
 * fine-tune B′'s upper part and, as the baseline, B's own upper part (same epochs, split and batch order), and score
 * everything on the held-out split.
 */
import type { DisentangleSettings } from '../../protocol/report';
import type { RefineModels, RefineSeed } from '../../protocol/refine';
import type { CancelSignal } from '../cancel';
import type { TrainingBackend } from '../compute/types';
import { fitOnce, type FittedDisentangler } from '../disentangler/fit';
import { validatePair } from '../disentangler/validate';
import { KcError } from '../errors';
import { splitIndices } from '../split';
import { accuracy } from './accuracy';
import { assembleRefined, CONSISTENT_VALUE, withUpperWeights } from './assemble';
import { fineTune } from './fine-tune';
import { frozenInverseScales } from './hidden-scales';
import type { OnnxModel } from './onnx-parts';
import { runModel } from './run-model';
import { fromGathered, subset, toFeatures, type Values } from './samples';
import { buildUpperTraining } from './upper-train';

export interface RefineInputs {
  a: OnnxModel;
  b: OnnxModel;
  layerA: string;
  layerB: string;
  images: Values;
  labels: Int32Array;
  classes: number;
  /** Over all labelled probes: A's explaining layer, B's layer, and both models' logits. */
  xA: Values;
  xB: Values;
  logitsA: Float32Array;
  logitsB: Float32Array;
}

export interface SeedOptions {
  seed: number;
  testFraction: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  disentangler: DisentangleSettings;
  backend: TrainingBackend;
  signal?: CancelSignal;
  log: (line: string) => void;
}

export interface SeedOutcome {
  result: RefineSeed;
  /** The fine-tuned B′ and the baseline (standard ONNX), and the split both were trained and scored on. */
  refined: Uint8Array;
  baseline: Uint8Array;
  split: { train: Int32Array; test: Int32Array };
}

export async function refineSeed(inp: RefineInputs, o: SeedOptions): Promise<SeedOutcome> {
  const started = Date.now();
  const split = splitIndices(inp.labels.length, o.testFraction, o.seed);
  const score = (logits: Float32Array) => accuracy(logits, inp.classes, inp.labels, split.test);

  o.log(`seed ${o.seed}: fitting g (${inp.layerA} → ${inp.layerB}) on ${split.train.length} probes`);
  const fitted = await fitG(inp, split.train, o);
  const invScales = await frozenInverseScales(fitted.g, subset(inp.xA, split.train));
  const parts = {
    a: inp.a,
    b: inp.b,
    layerA: inp.layerA,
    layerB: inp.layerB,
    rankA: inp.xA.sampleDims.length + 1,
    fitted: fitted.g,
    invScales,
  };
  const untuned = await runModel(assembleRefined(parts, { exposeConsistent: true }), inp.b.input.name, inp.images, [
    inp.b.output,
    CONSISTENT_VALUE,
  ]);
  const z = fromGathered(untuned.get(CONSISTENT_VALUE)!);

  const training = buildUpperTraining(inp.b, inp.layerB, z.sampleDims, inp.classes);
  const tune = (values: Values, what: string) => {
    o.log(`seed ${o.seed}: fine-tuning ${what}, ${o.epochs} epochs`);
    const train = subset(values, split.train);
    return fineTune(
      training,
      { ...train, labels: Int32Array.from(split.train, (s) => inp.labels[s]), classes: inp.classes },
      { epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed, signal: o.signal },
    );
  };
  const refinedTuned = await tune(z, "B′'s upper part on g(x_A)");
  const baselineTuned = await tune(inp.xB, "B's upper part alone (baseline)");

  const refined = assembleRefined({ ...parts, upperWeights: refinedTuned.weights });
  const baseline = withUpperWeights(inp.b, baselineTuned.weights);
  const logitsOf = async (bytes: Uint8Array) =>
    (await runModel(bytes, inp.b.input.name, subset(inp.images, split.test), [inp.b.output])).get(inp.b.output)!.data;
  const testLabels = Int32Array.from(split.test, (s) => inp.labels[s]);
  const onTest = (logits: Float32Array) =>
    accuracy(
      logits,
      inp.classes,
      testLabels,
      Int32Array.from(split.test, (_, i) => i),
    );
  const accuracyOf: RefineModels<number> = {
    A: score(inp.logitsA),
    B: score(inp.logitsB),
    refinedUntuned: score(untuned.get(inp.b.output)!.data),
    refined: onTest(await logitsOf(refined)),
    baseline: onTest(await logitsOf(baseline)),
  };
  return {
    result: {
      seed: o.seed,
      split: { train: split.train.length, test: split.test.length },
      accuracy: accuracyOf,
      loss: {
        refined: { before: refinedTuned.lossBefore, after: refinedTuned.lossAfter },
        baseline: { before: baselineTuned.lossBefore, after: baselineTuned.lossAfter },
      },
      explained: fitted.explained,
      seconds: (Date.now() - started) / 1000,
    },
    refined,
    baseline,
    split,
  };
}

/** g fitted on the training split's features (its own early-stopping and held-out splits are carved out of them). */
async function fitG(
  inp: RefineInputs,
  train: Int32Array,
  o: SeedOptions,
): Promise<{ g: FittedDisentangler; explained: number }> {
  const source = toFeatures(subset(inp.xA, train));
  const target = toFeatures(subset(inp.xB, train));
  if (source.shape[1] !== target.shape[1] || source.shape[2] !== target.shape[2])
    throw new KcError(
      `A's layer "${inp.layerA}" is ${source.shape[1]}×${source.shape[2]} and B's layer "${inp.layerB}" ${target.shape[1]}×${target.shape[2]}; kc refine needs layers of the same spatial size (pick --from accordingly)`,
    );
  const names = { source: `layer A "${inp.layerA}"`, target: `layer B "${inp.layerB}"` };
  validatePair(source, target, names.source, names.target, o.disentangler.testFraction);
  let g: FittedDisentangler | undefined;
  const fit = await fitOnce(source, target, names, o.disentangler, o.seed, o.backend, {
    signal: o.signal,
    onFitted: (f) => (g = f),
  });
  if (!g) throw new KcError('internal: the disentangler fit returned no parameters');
  return { g, explained: fit.evaluation.explained };
}
