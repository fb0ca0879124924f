import { createHash } from 'node:crypto';
import type { CompareOptions } from '../../protocol/compare';
import { TOOL_VERSION } from '../version';
import type { FitJobData } from './fit-job';

/**
 * Everything a fit's result depends on: the job's payload without its file paths (which change from run to run),
 * and what the features came from. The same identity on any machine and in any later run means the same numbers.
 */
export type FitIdentity = Omit<FitJobData, 'featuresA' | 'featuresB'> & {
  /** Content hashes of the models whose features are fitted (A's, then B's). */
  models: [string, string];
  /** The probe as asked: source (a path resolved to an absolute one), count and image normalisation. */
  probe: CompareOptions['probe'];
};

/**
 * The fit's BullMQ job id: "kc-fit-" and the sha256 of its identity and kc's version (a newer disentangler may give
 * other numbers). A job with that id that already finished is reused instead of run again. BullMQ ids may contain
 * no ':' and may not be integers: a prefixed hex digest is neither.
 */
export function fitJobId(identity: FitIdentity): string {
  return `kc-fit-${createHash('sha256')
    .update(canonicalJson({ kc: TOOL_VERSION, ...identity }))
    .digest('hex')}`;
}

/** JSON with object keys sorted, so that equal identities hash equally whatever order their fields were set in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
