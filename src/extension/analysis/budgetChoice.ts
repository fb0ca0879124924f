/**
 * Before a compare, a family or a drift run starts: its estimate (the worker's kc/estimate, kc/estimateMany) against
 * the time budget (knowledgeConsistency.budget). Above the budget, the user chooses: run everything, fit inside the
 * budget (fewer probes and layer pairs or layers, as the estimate says), or cancel. Inside it, the run starts without
 * asking.
 */
import * as vscode from 'vscode';
import type { CompareEstimate } from '../../protocol/compare';
import { formatDuration } from '../../protocol/progress';

export type RunChoice = 'all' | 'budget';

interface ChoiceItem extends vscode.QuickPickItem {
  choice: RunChoice | undefined;
}

/** What is asked about: a comparison of layer pairs, or a family or drift run of same-named layers. */
export interface RunWords {
  run: string;
  unit: string;
}

const COMPARISON: RunWords = { run: 'comparison', unit: 'layer pair' };

/** The quick pick's items for an estimate above the budget (exported for the tests' expectations). */
export function budgetItems(estimate: CompareEstimate, budgetSeconds: number, words = COMPARISON): ChoiceItem[] {
  const asked = estimate.asked;
  const chosen = estimate.budget?.chosen;
  const pairs = (n: number) => `${n} ${words.unit}${n === 1 ? '' : 's'}`;
  return [
    {
      label: `Run all (≈ ${formatDuration(asked.totalSeconds)})`,
      description: `${asked.probes} probes, ${pairs(new Set(asked.fits.map((f) => `${f.layerA}\n${f.layerB}`)).size)}`,
      choice: 'all',
    },
    ...(chosen
      ? [
          {
            label: `Fit inside ${formatDuration(budgetSeconds)} (${pairs(chosen.pairs)}, ${chosen.probes} probes)`,
            description: `≈ ${formatDuration(chosen.totalSeconds)}`,
            detail: estimate.budget?.fits ? undefined : 'even the smallest run is estimated above the budget',
            choice: 'budget' as const,
          },
        ]
      : []),
    { label: 'Cancel', choice: undefined },
  ];
}

/** 'all' when the estimate is inside the budget (nothing asked); else what the user picked, undefined to cancel. */
export async function chooseRun(
  estimate: CompareEstimate,
  budgetSeconds: number,
  words = COMPARISON,
): Promise<RunChoice | undefined> {
  if (estimate.asked.totalSeconds <= budgetSeconds) return 'all';
  const picked = await vscode.window.showQuickPick(budgetItems(estimate, budgetSeconds, words), {
    title: `Knowledge Consistency: this ${words.run} is estimated at ${formatDuration(estimate.asked.totalSeconds)}, over the budget of ${formatDuration(budgetSeconds)}`,
    placeHolder: 'Run it all, fit it inside the budget (knowledgeConsistency.budget), or cancel',
    ignoreFocusOut: true,
  });
  return picked?.choice;
}
