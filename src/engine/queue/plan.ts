import path from 'node:path';
import type { CompareOptions } from '../../protocol/compare';
import type { DisentangleSettings, Direction, PairKey } from '../../protocol/report';
import type { StoredFeatures } from '../compare/extract';
import type { QueuedFit } from './dispatch';
import { fitJobId } from './job-id';

/**
 * The fits of a queued compare, in report order: the default layer pairs, or with --all-pairs every cell of the
 * layer × layer matrix (the point of many workers: a full heatmap of disentangler results, not only CKA and ridge).
 */
export function comparePlan(
  pairs: ReadonlyArray<{ layerA: string; layerB: string }>,
  matrix: { layersA: readonly string[]; layersB: readonly string[] } | undefined,
  directions: readonly Direction[],
): PairKey[] {
  const cells = matrix
    ? matrix.layersA.flatMap((layerA) => matrix.layersB.map((layerB) => ({ layerA, layerB })))
    : pairs;
  return cells.flatMap((p) => directions.map((direction) => ({ layerA: p.layerA, layerB: p.layerB, direction })));
}

/** Each planned fit as a queue job: its stable id, and a payload that points at the two layers' feature files. */
export function queuedFits(
  plan: readonly PairKey[],
  features: { a: StoredFeatures; b: StoredFeatures },
  context: {
    models: [string, string];
    probe: CompareOptions['probe'];
    settings: DisentangleSettings;
    backend: NonNullable<CompareOptions['backend']>;
  },
): QueuedFit[] {
  const probe = { ...context.probe, source: probeIdentity(context.probe.source) };
  return plan.map((key) => {
    const fit = { ...key, settings: context.settings, backend: context.backend };
    return {
      id: fitJobId({ ...fit, models: context.models, probe }),
      data: { ...fit, featuresA: features.a.file(key.layerA), featuresB: features.b.file(key.layerB) },
    };
  });
}

/** A probe folder or file is known by its absolute path (run from another folder, the same probe keeps its key). */
export function probeIdentity(source: string): string {
  return source === 'mnist' || source === 'synthetic' ? source : path.resolve(source);
}
