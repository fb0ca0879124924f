/**
 * Runs comparisons in the engine worker: one job per model pair, a cancellable progress notification with the
 * engine's real progress, results streamed into the store as pairs finish, and one clear message when it fails.
 */
import { mkdir } from 'node:fs/promises';
import * as vscode from 'vscode';
import { CancelledError } from '../../engine/cancel';
import type { CompareOptions } from '../../protocol/compare';
import { resolveSettings } from '../../engine/disentangler/settings';
import { formatDuration, progressLabel } from '../../protocol/progress';
import type { DisentangleSettings, RunPlan } from '../../protocol/report';
import { showErrorWithLog } from '../commands/engineCommands';
import type { AnalysisRecord, PanelController } from '../contracts';
import { hashModelFiles } from '../results/hash';
import { analysisKey, type ModelHashes } from '../results/key';
import type { DiskResultsStore } from '../results/store';
import { isTrustedOrExplain } from '../trust';
import type { WorkerClient } from '../worker/client';
import { EngineUserError, WorkerCrashedError, WorkerTimeoutError } from '../worker/errors';
import { ProgressMeter } from './progress';
import { chooseRun } from './budgetChoice';
import { readConfig } from '../config';
import { analysisTitle } from '../../protocol/names';
import type { PytorchOptions } from '../../protocol/torch-helper';
import { PickleDeclined } from '../pytorch/pickleConsent';

interface RunningJob {
  id: string;
  source: vscode.CancellationTokenSource;
  done: Promise<AnalysisRecord | undefined>;
}

export class CompareJobs implements vscode.Disposable {
  /** By model pair (order-free): a second request for a running pair focuses it instead of starting another. */
  private readonly running = new Map<string, RunningJob>();

  constructor(
    private readonly worker: WorkerClient,
    private readonly store: DiskResultsStore,
    private readonly panel: () => PanelController | undefined,
    private readonly log: vscode.LogOutputChannel,
    /** How PyTorch files among the two are opened; may ask the user to allow unpickling. */
    private readonly pytorchOptions: (paths: string[]) => Promise<PytorchOptions | undefined>,
  ) {}

  /**
   * Compares two model files. Resolves with the finished (or cached) analysis, or with the failed / cancelled
   * record; undefined when nothing ran (Restricted Mode).
   */
  async run(a: vscode.Uri, b: vscode.Uri, options: CompareOptions): Promise<AnalysisRecord | undefined> {
    if (!isTrustedOrExplain('compare models')) return undefined;
    try {
      const pytorch = await this.pytorchOptions([a.fsPath, b.fsPath]);
      if (pytorch) options = { ...options, pytorch };
    } catch (error) {
      // The user said no to unpickling: nothing to report.
      if (!(error instanceof PickleDeclined))
        void showErrorWithLog(`Knowledge Consistency: ${messageOf(error)}`, this.log);
      return undefined;
    }
    const pairKey = [a.fsPath, b.fsPath].sort().join('\n');
    const existing = this.running.get(pairKey);
    if (existing) {
      const record = this.store.get(existing.id);
      if (record) this.panel()?.show(record);
      void vscode.window.showInformationMessage(`Knowledge Consistency: ${title(a, b)} is already running.`);
      return existing.done;
    }

    const source = new vscode.CancellationTokenSource();
    const job: RunningJob = { id: '', source, done: Promise.resolve(undefined) };
    this.running.set(pairKey, job);
    job.done = this.execute(a, b, options, job).finally(() => {
      this.running.delete(pairKey);
      source.dispose();
    });
    return job.done;
  }

  /** Cancels a running analysis by id (the notification's Cancel does the same). */
  cancel(id: string): boolean {
    const job = [...this.running.values()].find((j) => j.id === id);
    job?.source.cancel();
    return job !== undefined;
  }

  isRunning(id: string): boolean {
    return [...this.running.values()].some((j) => j.id === id);
  }

  dispose(): void {
    for (const job of this.running.values()) job.source.cancel();
  }

  private async execute(
    a: vscode.Uri,
    b: vscode.Uri,
    options: CompareOptions,
    job: RunningJob,
  ): Promise<AnalysisRecord | undefined> {
    let settings: DisentangleSettings;
    let hashes: ModelHashes;
    try {
      settings = resolveSettings(options.settings); // bad settings fail here, before any process starts
      hashes = { a: await hashModelFiles(a.fsPath), b: await hashModelFiles(b.fsPath) };
    } catch (error) {
      void showErrorWithLog(`Knowledge Consistency: ${messageOf(error)}`, this.log);
      return undefined;
    }
    const cachedOf = (key: string) => {
      const found = this.store.get(key);
      return found?.status === 'done' && !found.stale ? found : undefined;
    };
    const budget = readConfig(a).budgetSeconds;
    if (budget !== undefined && options.budgetSeconds === undefined && !cachedOf(analysisKey(hashes, options))) {
      const decided = await this.withinBudget(options, budget, a, b);
      if (!decided) return undefined;
      options = decided;
    }
    const id = analysisKey(hashes, options);
    job.id = id;

    const cached = cachedOf(id);
    if (cached) {
      this.log.info(`compare ${title(a, b)}: cached result ${id}`);
      this.panel()?.show(cached);
      return cached;
    }

    const record: AnalysisRecord = {
      id,
      modelA: a.fsPath,
      modelB: b.fsPath,
      probe: `${options.probe.source} × ${options.probe.count}`,
      preset: settings.preset,
      startedAt: new Date().toISOString(),
      status: 'running',
    };
    this.store.begin(record, hashes);
    this.panel()?.show(record);
    this.log.info(`compare ${title(a, b)} (${id}): ${JSON.stringify({ ...options, cacheDir: undefined })}`);

    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Knowledge Consistency: ${title(a, b)}`,
        cancellable: true,
      },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => job.source.cancel());
        const meter = new ProgressMeter();
        try {
          if (options.cacheDir) await mkdir(options.cacheDir, { recursive: true });
          const report = await this.worker.compare(options, {
            token: job.source.token,
            onStarted: (started) => {
              this.store.start(id, started);
              const plan = started.header.plan;
              if (plan) progress.report({ message: planMessage(plan, started.plan.length) });
            },
            onProgress: (p) => {
              const message = progressLabel(p);
              progress.report({ message, increment: meter.advance(p.overallFraction) });
              this.store.progress({ id, message, fraction: meter.fraction, progress: p });
            },
            onPairResult: (pair) => this.store.addPair(id, pair),
            onMatrix: (matrix) => this.store.setMatrix(id, matrix),
          });
          const finished = await this.store.finish(id, report);
          this.log.info(
            `compare ${id}: done (${report.pairs.length} pairs, ${report.timings?.totalSeconds?.toFixed(1) ?? '?'} s)`,
          );
          if (finished?.notCached) {
            void vscode.window.showWarningMessage(
              `Knowledge Consistency: ${title(a, b)} is done, but its result could not be saved (${finished.notCached}). It stays open until VS Code reloads: export it to keep it.`,
            );
          }
          return finished?.record;
        } catch (error) {
          return this.fail(id, error, a, b);
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  /**
   * Plan, then run: the worker estimates the compare (a few seconds); above the budget the user picks the whole run
   * or the budget's choice. The options to run, or undefined when the user cancelled. An estimate that fails runs
   * the compare as asked: the compare then reports the problem itself.
   */
  private async withinBudget(
    options: CompareOptions,
    budgetSeconds: number,
    a: vscode.Uri,
    b: vscode.Uri,
  ): Promise<CompareOptions | undefined> {
    const estimate = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Knowledge Consistency: estimating ${title(a, b)}…`,
        cancellable: true,
      },
      async (_progress, token) => {
        const source = new vscode.CancellationTokenSource();
        const cancel = token.onCancellationRequested(() => source.cancel());
        try {
          return await this.worker.estimate({ ...options, budgetSeconds }, source.token);
        } catch (error) {
          if (error instanceof CancelledError) return null;
          this.log.warn(`estimate ${title(a, b)}: ${messageOf(error)}; running it as asked`);
          return undefined;
        } finally {
          cancel.dispose();
          source.dispose();
        }
      },
    );
    if (estimate === null) return undefined;
    if (!estimate) return options;
    this.log.info(
      `estimate ${title(a, b)}: ≈ ${estimate.asked.totalSeconds.toFixed(0)} s (${estimate.asked.calibration}); ${estimate.budget?.summary ?? ''}`,
    );
    const choice = await chooseRun(estimate, budgetSeconds);
    if (choice === undefined) return undefined;
    return choice === 'budget' ? { ...options, budgetSeconds } : options;
  }

  private fail(id: string, error: unknown, a: vscode.Uri, b: vscode.Uri): Promise<AnalysisRecord | undefined> {
    if (error instanceof CancelledError) {
      this.log.info(`compare ${id}: cancelled`);
      return this.store.end(id, 'cancelled');
    }
    const message = messageOf(error);
    this.log.error(
      `compare ${id}: ${error instanceof Error && !(error instanceof EngineUserError) ? (error.stack ?? message) : message}`,
    );
    const pairs = this.store.get(id)?.report?.pairs.length ?? 0;
    const kept = pairs > 0 ? ` The ${pairs} finished pair${pairs === 1 ? ' is' : 's are'} kept.` : '';
    const restart =
      error instanceof WorkerCrashedError || error instanceof WorkerTimeoutError
        ? ' The next comparison starts a fresh engine.'
        : '';
    void showErrorWithLog(
      `Knowledge Consistency: comparing ${title(a, b)} failed: ${message}${kept}${restart}`,
      this.log,
    );
    return this.store.end(id, 'failed', message);
  }
}

function title(a: vscode.Uri, b: vscode.Uri): string {
  return analysisTitle(a.path, b.path);
}

/** The notification's first line once the plan is made: what runs and how long it should take. */
function planMessage(plan: RunPlan, fits: number): string {
  const e = plan.estimate;
  const what = `${fits} fit${fits === 1 ? '' : 's'} on ${e.probes} probes, ≈ ${formatDuration(e.totalSeconds)}`;
  return plan.budget ? `${what} (${plan.budget.summary})` : what;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
