/** What kc compare, kc family and kc drift say of their plan: the --budget flag, the plan before the heavy work, and
 * what a budget chose under the results. */
import { KcError } from '../engine/errors';
import type { BudgetChoice, RunPlan } from '../protocol/report';
import { formatDuration, parseDuration } from '../protocol/progress';

/** A run with no --budget fits 3 minutes, as in VS Code (knowledgeConsistency.budget): on a real model a run as asked
 * can take an hour, and a CI job that wants all of it says `--budget none`. */
export const DEFAULT_BUDGET = '3m';

export const BUDGET_FLAG_HELP =
  'fit the run into this time (e.g. 3m, 90s): fewer probes, then fewer layer pairs; the report says what was chosen (plan.budget); none: run everything asked';

export function budgetSeconds(value: string = DEFAULT_BUDGET): number | undefined {
  if (value.trim().toLowerCase() === 'none') return undefined;
  const seconds = parseDuration(value);
  if (seconds === undefined)
    throw new KcError(`--budget needs a duration such as 3m, 90s or 1m30s (or none), got "${value}"`);
  return seconds;
}

/** Before the heavy work: what will run and how long it should take; `what` describes the fits' members, e.g.
 * "4 models × 3 layers". Stages under a second are left out: "0 s" says nothing. */
export function planLines(plan: RunPlan, fits: number, what?: string): string[] {
  const e = plan.estimate;
  const stages = [
    ['extract', e.extractSeconds],
    ['similarity', e.similaritySeconds],
    ['disentangle', e.disentangleSeconds],
  ] as const;
  const spent = stages.filter(([, s]) => Math.round(s) > 0).map(([name, s]) => `${name} ${formatDuration(s)}`);
  const total = Math.round(e.totalSeconds) > 0 ? `≈ ${formatDuration(e.totalSeconds)}` : '< 1 s';
  const line = `plan: ${fits} fit${fits === 1 ? '' : 's'}${what ? ` (${what})` : ''} on ${e.probes} probes, ${total} (${[spent.join(', '), e.calibration].filter(Boolean).join('; ')})`;
  return plan.budget ? [plan.budget.summary, line] : [line];
}

/** Under the results: what the budget chose and what it left out (`layers`: a family's or drift's same-named layers,
 * not a compare's pairs). */
export function budgetLines(b: BudgetChoice, layers = false): string {
  const dropped = b.dropped.map((d) => (layers ? d.layerA : `${d.layerA} ↔ ${d.layerB}`)).join(', ');
  return [`\n${b.summary}`, `  sampling: ${b.sampling}`, ...(dropped ? [`  left out: ${dropped}`] : [])].join('\n');
}
