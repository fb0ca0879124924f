/**
 * Family and drift runs in the engine worker: a cancellable progress notification, the report drawn as it grows in
 * its panel, finished fits kept by content (FitCache) and handed back to the engine so nothing is fitted twice, and a
 * cancelled or failed run that keeps what finished on screen.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../../engine/cancel';
import type { DriftOptions, DriftReport, FamilyOptions, FamilyReport, ManyModelOptions } from '../../protocol/family';
import type { ManyModelStatus } from '../../protocol/family-view.protocol';
import { progressLabel } from '../../protocol/progress';
import type { PytorchOptions } from '../../protocol/torch-helper';
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
}

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

  family(options: FamilyOptions, panel: FamilyPanel): Promise<ManyModelOutcome<FamilyReport> | undefined> {
    return this.run(
      `family of ${options.models.length} models`,
      options,
      options.models,
      panel,
      (o, hooks) => this.deps.worker.family(o, hooks),
      () => 'done',
    );
  }

  /** One pass over the folder's checkpoints; a watched folder ends as 'watching'. */
  drift(
    options: DriftOptions,
    panel: FamilyPanel,
    watching?: string,
  ): Promise<ManyModelOutcome<DriftReport> | undefined> {
    return this.run(
      `drift of ${vscode.workspace.asRelativePath(options.folder)}`,
      options,
      [],
      panel,
      (o, hooks) => this.deps.worker.drift(o, hooks),
      () => (watching ? 'watching' : 'done'),
      watching,
    );
  }

  dispose(): void {
    this.updates.dispose();
  }

  private async run<O extends ManyModelOptions, R extends FamilyReport | DriftReport>(
    what: string,
    options: O,
    models: string[],
    panel: FamilyPanel,
    start: (options: O, hooks: ManyModelJobHooks<R>) => Promise<R>,
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
    try {
      const pytorch = await this.deps.pytorchOptions(models);
      // A family is matched by its members' content; a drift folder's checkpoints are found by the engine.
      const hashes = models.length ? await Promise.all(models.map((m) => hashModelFiles(m))) : undefined;
      run = { ...options, ...(pytorch ? { pytorch } : {}) };
      const reuse = await fits.reusable(run, hashes);
      if (reuse.length) run = { ...run, reuse };
    } catch (error) {
      if (!(error instanceof PickleDeclined)) void showErrorWithLog(`Knowledge Consistency: ${messageOf(error)}`, log);
      show(undefined, 'failed', messageOf(error));
      return undefined;
    }
    log.info(`${what}: ${run.reuse?.length ?? 0} cached fits offered for reuse`);
    show(undefined, 'running', 'loading the models…');

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
          return { status: 'done', report };
        } catch (error) {
          await keep(latest);
          const finished = latest
            ? `${latest.fits.length} of ${latest.planned ?? '?'} fits finished`
            : 'nothing finished';
          if (error instanceof CancelledError) {
            show(latest, 'cancelled', `cancelled: ${finished}`);
            log.info(`${what}: cancelled (${finished})`);
            return { status: 'cancelled', report: latest };
          }
          const message = messageOf(error);
          log.error(`${what}: ${message}`);
          show(latest, 'failed', `${message} (${finished})`);
          // A watched folder says it in its panel and tries again at the next checkpoint (a folder with one
          // checkpoint so far, a half-written file): no pop-up each time.
          if (!endMessage) void showErrorWithLog(`Knowledge Consistency: ${what} failed: ${message}`, log);
          return { status: 'failed', report: latest, error: message };
        } finally {
          stops.forEach((s) => s.dispose());
          cancel.dispose();
        }
      },
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
