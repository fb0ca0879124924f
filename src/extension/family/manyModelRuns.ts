/**
 * Family and drift runs in the engine worker: a cancellable progress notification, the report drawn as it grows in
 * its panel, finished fits kept by content (FitCache) and handed back to the engine so nothing is fitted twice, and a
 * cancelled or failed run that keeps what finished on screen.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../engine/cancel';
import type { DriftOptions, DriftReport, FamilyOptions, FamilyReport, ManyModelOptions } from '../../protocol/family';
import type { CompareEstimate } from '../../protocol/compare';
import type { ManyModelStatus } from '../../protocol/family-view.protocol';
import { progressLabel } from '../../protocol/progress';
import type { PytorchOptions } from '../../protocol/torch-helper';
import { chooseRun } from '../analysis/budgetChoice';
import { ProgressMeter } from '../analysis/progress';
import { showErrorWithLog } from '../commands/engineCommands';
import { PickleDeclined } from '../pytorch/pickleConsent';
import { hashModelFiles } from '../results/hash';
import { isTrustedOrExplain } from '../trust';
import type { ManyModelJobHooks, WorkerClient } from '../worker/client';
import type { FamilyPanel } from './familyPanel';
import type { FitCache } from './fitCache';

export interface ManyModelUpdate {
  report?: FamilyReport | DriftReport;
  status: ManyModelStatus;
  message?: string;
}

/** How a run ended: the report (partial when cancelled or failed after some fits), or none. */
export interface ManyModelOutcome<R> {
  status: 'done' | 'cancelled' | 'failed';
  report?: R;
  error?: string;
  /** When the run was estimated against a budget: what the choice set (the budget's probe count and layers, or
   * nothing for the whole run), for the later passes of a watched folder. */
  narrowed?: Narrowing;
}

/** The probes and layers a budget's choice fixes for a run, as options: the fits keep their cache key. */
export type Narrowing = Partial<Pick<ManyModelOptions, 'probe' | 'layers'>>;

export interface ManyModelRunsDeps {
  worker: WorkerClient;
  fits: FitCache;
  log: vscode.LogOutputChannel;
  /** How PyTorch files among these are opened; may ask the user to allow unpickling. */
  pytorchOptions(paths: string[]): Promise<PytorchOptions | undefined>;
}

export class ManyModelRuns implements vscode.Disposable {
  private readonly updates = new vscode.EventEmitter<ManyModelUpdate>();
  /** Every update any panel gets (the extension-host tests watch runs through it). */
  readonly onDidUpdate = this.updates.event;

  constructor(private readonly deps: ManyModelRunsDeps) {}

  /** A family; with `budgetSeconds`, estimated first and, above it, the user chooses how to run it. */
  family(
    options: FamilyOptions,
    panel: FamilyPanel,
    budgetSeconds?: number,
  ): Promise<ManyModelOutcome<FamilyReport> | undefined> {
    return this.run(
      `family of ${options.models.length} models`,
      options,
      options.models,
      panel,
      {
        start: (o, hooks) => this.deps.worker.family(o, hooks),
        estimate: (o, token) => this.deps.worker.estimateMany({ family: o }, token),
        budgetSeconds,
        noun: 'family',
      },
      () => 'done',
    );
  }

  /** One pass over the folder's checkpoints; a watched folder ends as 'watching'. With `budgetSeconds`, as family. */
  drift(
    options: DriftOptions,
    panel: FamilyPanel,
    watching?: string,
    budgetSeconds?: number,
  ): Promise<ManyModelOutcome<DriftReport> | undefined> {
    return this.run(
      `drift of ${vscode.workspace.asRelativePath(options.folder)}`,
      options,
      [],
      panel,
      {
        start: (o, hooks) => this.deps.worker.drift(o, hooks),
        estimate: (o, token) => this.deps.worker.estimateMany({ drift: o }, token),
        budgetSeconds,
        noun: 'drift run',
      },
      () => (watching ? 'watching' : 'done'),
      watching,
    );
  }

  dispose(): void {
    this.updates.dispose();
  }

  /**
   * The run's estimate against the budget (budgetChoice.ts, as a compare's): nothing to change (inside the budget, or
   * the user runs it all), the budget's probes and layers as options, 'cancel', or undefined when it could not be
   * estimated (logged; the run goes as asked).
   */
  private async withinBudget<O extends ManyModelOptions, R>(
    what: string,
    options: O,
    job: ManyModelJob<O, R>,
  ): Promise<Narrowing | 'cancel' | undefined> {
    const { estimate, budgetSeconds } = job;
    if (budgetSeconds === undefined) return undefined;
    const estimated = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Knowledge Consistency: estimating the ${what}…`,
        cancellable: true,
      },
      async (_progress, token) => {
        try {
          return await estimate({ ...options, budgetSeconds }, token);
        } catch (error) {
          if (error instanceof CancelledError) return null;
          this.deps.log.warn(`estimate ${what}: ${messageOf(error)}; running it as asked`);
          return undefined;
        }
      },
    );
    if (estimated === null) return 'cancel';
    if (!estimated) return undefined;
    this.deps.log.info(
      `estimate ${what}: ≈ ${estimated.asked.totalSeconds.toFixed(0)} s (${estimated.asked.calibration}); ${estimated.budget?.summary ?? ''}`,
    );
    const choice = await chooseRun(estimated, budgetSeconds, { run: job.noun, unit: 'layer' });
    if (choice === undefined) return 'cancel';
    const chosen = estimated.budget;
    if (choice === 'all' || !chosen) return {};
    const dropped = new Set(chosen.dropped.map((d) => d.layerA));
    const layers = [...new Set(estimated.asked.fits.map((f) => f.layerA))].filter((l) => !dropped.has(l));
    return {
      probe: { ...options.probe, count: chosen.chosen.probes },
      ...(dropped.size ? { layers } : {}),
    };
  }

  private async run<O extends ManyModelOptions, R extends FamilyReport | DriftReport>(
    what: string,
    options: O,
    models: string[],
    panel: FamilyPanel,
    job: ManyModelJob<O, R>,
    endStatus: () => ManyModelStatus,
    endMessage?: string,
  ): Promise<ManyModelOutcome<R> | undefined> {
    if (!isTrustedOrExplain('compare models')) return undefined;
    const { fits, log } = this.deps;
    const show = (report: R | undefined, status: ManyModelStatus, message?: string) => {
      panel.update(report, status, message);
      this.updates.fire({ report, status, message });
    };
    let run: O;
    let hashes: string[] | undefined;
    try {
      const pytorch = await this.deps.pytorchOptions(models);
      // A family is matched by its members' content; a drift folder's checkpoints are found by the engine.
      hashes = models.length ? await Promise.all(models.map((m) => hashModelFiles(m))) : undefined;
      run = { ...options, ...(pytorch ? { pytorch } : {}) };
      const reuse = await fits.reusable(run, hashes);
      if (reuse.length) run = { ...run, reuse };
    } catch (error) {
      if (!(error instanceof PickleDeclined)) void showErrorWithLog(`Knowledge Consistency: ${messageOf(error)}`, log);
      show(undefined, 'failed', messageOf(error));
      return undefined;
    }
    log.info(`${what}: ${run.reuse?.length ?? 0} cached fits offered for reuse`);
    let narrowed: Narrowing | undefined;
    if (job.budgetSeconds !== undefined) {
      show(undefined, 'running', 'estimating the run…');
      const decided = await this.withinBudget(what, run, job);
      if (decided === 'cancel') {
        show(undefined, 'cancelled', 'not started: over the time budget');
        return undefined;
      }
      narrowed = decided;
      // Fits are cached by probe count: those offered were for the asked one.
      if (narrowed?.probe) run = { ...run, ...narrowed, reuse: await fits.reusable({ ...run, ...narrowed }, hashes) };
      else if (narrowed) run = { ...run, ...narrowed };
    }
    show(undefined, 'running', 'loading the models…');
    const start = job.start;

    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Knowledge Consistency: ${what}`, cancellable: true },
      async (progress, token): Promise<ManyModelOutcome<R>> => {
        // Cancel, or closing the panel: nobody is watching the run any more.
        const cancel = new vscode.CancellationTokenSource();
        const stops = [token.onCancellationRequested(() => cancel.cancel()), panel.onDidClose(() => cancel.cancel())];
        const meter = new ProgressMeter();
        let latest: R | undefined;
        const keep = async (report: R | undefined) => {
          if (!report) return;
          await fits.record(run, report, 'models' in report ? report.models : report.checkpoints);
          await fits.save();
        };
        try {
          const report = await start(run, {
            token: cancel.token,
            onProgress: (p) => {
              const message = progressLabel(p);
              progress.report({ message, increment: meter.advance(p.overallFraction) });
              show(latest, 'running', message);
            },
            onUpdate: (r) => {
              latest = r;
              show(latest, 'running');
            },
          });
          await keep(report);
          show(report, endStatus(), endMessage);
          log.info(`${what}: done (${report.fits.length} fits, ${report.timings.totalSeconds.toFixed(1)} s)`);
          return { status: 'done', report, ...(narrowed ? { narrowed } : {}) };
        } catch (error) {
          await keep(latest);
          const finished = latest
            ? `${latest.fits.length} of ${latest.planned ?? '?'} fits finished`
            : 'nothing finished';
          if (error instanceof CancelledError) {
            show(latest, 'cancelled', `cancelled: ${finished}`);
            log.info(`${what}: cancelled (${finished})`);
            return { status: 'cancelled', report: latest, ...(narrowed ? { narrowed } : {}) };
          }
          const message = messageOf(error);
          log.error(`${what}: ${message}`);
          show(latest, 'failed', `${message} (${finished})`);
          // A watched folder says it in its panel and tries again at the next checkpoint (a folder with one
          // checkpoint so far, a half-written file): no pop-up each time.
          if (!endMessage) void showErrorWithLog(`Knowledge Consistency: ${what} failed: ${message}`, log);
          return { status: 'failed', report: latest, error: message, ...(narrowed ? { narrowed } : {}) };
        } finally {
          stops.forEach((s) => s.dispose());
          cancel.dispose();
        }
      },
    );
  }
}

/** How a run starts, and how it is estimated when a budget applies. */
interface ManyModelJob<O, R> {
  start(options: O, hooks: ManyModelJobHooks<R>): Promise<R>;
  estimate(options: O, token: vscode.CancellationToken): Promise<CompareEstimate>;
  /** Set: the run is estimated first and, above it, the user chooses how to run it. */
  budgetSeconds?: number;
  /** What the budget's question calls the run. */
  noun: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
