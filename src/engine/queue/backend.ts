import type { BackendInfo } from '../../protocol/report';
import type { FitOutcome } from './fit-job';

type Ran = Extract<FitOutcome, { pair: unknown }>;

const ran = (outcomes: readonly FitOutcome[]): Ran[] => outcomes.filter((o): o is Ran => 'pair' in o);
const label = (b: BackendInfo) => `${b.name} ${b.version} ${b.device}`;

/**
 * The report names what computed its numbers: the workers' backend (the first fit's, when they differ: see
 * backendWarnings), with how many workers ran the fits, the run's id (kc status) and how many fits were reused from
 * earlier runs.
 */
export function workersBackend(
  outcomes: readonly FitOutcome[],
  coordinator: BackendInfo,
  reused: number,
  run: string,
): BackendInfo {
  const fits = ran(outcomes);
  const base = fits[0]?.backend ?? coordinator;
  const workers = new Set(outcomes.map((o) => o.worker)).size;
  const queue = `fits on ${workers} kc worker(s) through the queue, run ${run}${reused ? `, ${reused} reused from earlier runs` : ''}`;
  return { ...base, detail: base.detail ? `${base.detail}; ${queue}` : queue };
}

/** Workers with different backends give numbers that may differ in the last digits: said once in the report. */
export function backendWarnings(outcomes: readonly FitOutcome[]): string[] {
  const kinds = [...new Set(ran(outcomes).map((o) => label(o.backend)))];
  return kinds.length > 1 ? [`the queue's workers trained on different backends: ${kinds.join(', ')}`] : [];
}
