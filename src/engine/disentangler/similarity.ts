import type { DisentangleSettings, SimilarityMeasures } from '../../protocol/report';
import { similarityMeasures } from '../metrics/index';
import type { FeatureTensor } from '../tensor';

/** The cheap similarity baselines on the same pair, with the fit's split (same seed) for the held-out ridge estimate. */
export function pairSimilarity(
  source: FeatureTensor,
  target: FeatureTensor,
  settings: DisentangleSettings,
  seed: number,
): Promise<SimilarityMeasures> {
  return similarityMeasures(source, target, { testFraction: settings.testFraction, seed, kernel: settings.kernel });
}
