/**
 * One disentangler fit as a queue job: a pure function of its payload (two feature files, the layer names, the
 * direction, the settings and the backend preference) to a PairResult. Nothing else is read or shared, so any worker
 * that sees the feature files gives the same result; kc compare, kc family and kc drift fits all fit this shape
 * (a family fit is `A->B` from model i's layer to model j's, named "model layer").
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { BackendPreference } from '../../protocol/compare';
import type { BackendInfo, DisentangleSettings, Direction, PairResult } from '../../protocol/report';
import type { CancelSignal } from '../cancel';
import { PAIR_DATA_ERRORS } from '../compare';
import { getTrainingBackend } from '../compute/index';
import { disentangle } from '../disentangler/index';
import { KcError } from '../errors';
import { fitSimilarity } from '../family/jobs';
import { readFeatureFile, type FeatureFile } from '../features/store';
import type { StepSink } from '../progress';
import type { FeatureTensor } from '../tensor';

export interface FitJobData {
  layerA: string;
  layerB: string;
  direction: Direction;
  /** A's and B's features of the same probe samples, in the coordinator's feature folder. */
  featuresA: FeatureFile;
  featuresB: FeatureFile;
  settings: DisentangleSettings;
  backend: BackendPreference;
  /** 'linear-cka': only linear CKA beside the fit, as kc family and drift compute it (family/jobs.ts fitSimilarity). */
  similarity?: 'linear-cka';
}

/** What a finished job returns (and Redis keeps for reruns): the pair, or why its data could not be fitted. */
export type FitOutcome =
  { pair: PairResult; backend: BackendInfo; worker: string } | { skipped: string; worker: string };

export interface FitJobHooks {
  signal?: CancelSignal;
  onProgress?: StepSink;
  log?: (line: string) => void;
}

/**
 * Runs one fit. A fit whose own data cannot be fitted (a constant layer, too few samples) is an outcome, not a
 * failure: it is the same on every worker and every retry, as in a local kc compare where the pair is skipped.
 */
export async function runFitJob(data: FitJobData, worker: string, hooks: FitJobHooks = {}): Promise<FitOutcome> {
  const x = await readShared(data.featuresA, data.layerA);
  const y = await readShared(data.featuresB, data.layerB);
  const backend = await getTrainingBackend(data.backend, hooks.log);
  try {
    // disentangle takes A's and B's features in that order whatever the direction; it swaps them itself.
    const pair = await disentangle(x, y, data.settings, {
      layerA: data.layerA,
      layerB: data.layerB,
      direction: data.direction,
      backend,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      log: hooks.log,
      ...(data.similarity === 'linear-cka' ? { similarity: await fitSimilarity(x, y) } : {}),
    });
    return { pair, backend: backend.info, worker };
  } catch (error) {
    if (!(error instanceof KcError && PAIR_DATA_ERRORS.has(error.code))) throw error;
    return { skipped: error.message, worker };
  }
}

/** Where a FeatureStore puts a layer: <cache dir>/kc-features-XXXXXX/<model>/<n>.f32. */
const FEATURE_FILE = /[/\\]kc-features-[^/\\]+[/\\][^/\\]+[/\\]\d+\.f32$/;

/**
 * A worker reads the coordinator's files. Whoever can write to Redis chooses the paths, so a worker reads nothing but
 * a kc feature cache file, never a symlink. When it cannot read one, the likely cause is a folder it does not share.
 */
async function readShared(file: FeatureFile, layer: string): Promise<FeatureTensor> {
  const info = await lstat(file.file).catch(() => undefined);
  const plain = path.isAbsolute(file.file) && path.normalize(file.file) === file.file;
  if (!plain || !FEATURE_FILE.test(file.file) || (info && !info.isFile())) {
    throw new KcError(`a fit job names ${file.file}, which is not a kc feature cache file: refused`);
  }
  try {
    return await readFeatureFile(file, layer);
  } catch (error) {
    if (!(error instanceof KcError)) throw error;
    throw new KcError(
      `${error.message}: a worker reads the features from the coordinator's --cache-dir, which must be a folder both see at the same path (e.g. NFS)`,
    );
  }
}
