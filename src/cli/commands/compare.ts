import { Option, type Command } from 'commander';
import { runCompare, type CompareHooks, type CompareOptions } from '../../engine/compare';
import { runQueuedCompare } from '../../engine/queue/compare';
import type { BackendPreference } from '../../engine/compute/index';
import { CancelledError } from '../../engine/cancel';
import { renderSummary } from '../../engine/report/text';
import { checkReportTargets } from '../../engine/report/targets';
import { writeReports } from '../../engine/report/write';
import { DEFAULT_MEMORY_MB } from '../../engine/disentangler/memory';
import { KcError } from '../../engine/errors';
import { addEngineOptions, engineSettings, int, type EngineFlags } from '../engine-flags';
import { addProbeOptions, probeInput, probeOptions, splitList, type ProbeFlags } from '../probe-flags';
import type { Report } from '../../protocol/report';
import { PartialReport } from '../partial-report';
import { BUDGET_FLAG_HELP, budgetLines, DEFAULT_BUDGET, budgetSeconds, planLines } from '../plan-lines';
import { createProgressBar } from '../progress';
import { addTorchOptions, pytorchOptions, type TorchFlags } from '../torch-flags';

interface CompareFlags extends EngineFlags, ProbeFlags, TorchFlags {
  layersA?: string[];
  layersB?: string[];
  allPairs?: boolean;
  direction: 'a2b' | 'b2a' | 'both';
  verbose?: boolean;
  quiet?: boolean;
  backend: BackendPreference;
  json?: string;
  html?: string;
  md?: string;
  queue?: string;
  memory: string;
  budget?: string;
}

/**
 * `kc compare <modelA> <modelB>`: probes both models, fills the similarity matrix, disentangles the default layer
 * pairs, prints a summary table and writes the asked reports. Flag names are a contract (issue 5).
 */
export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .description("how much of each layer's knowledge two models share (layer pairs × orders of fuzziness)")
    .argument('<modelA>', 'model A: .onnx, TF.js model.json, or PyTorch .pt/.pth/.pt2')
    .argument('<modelB>', 'model B: .onnx, TF.js model.json, or PyTorch .pt/.pth/.pt2');
  addTorchOptions(addProbeOptions(command))
    .option(
      '--layers-a <names>',
      'layers of A to compare, comma-separated or repeated (default: the probe points)',
      splitList,
    )
    .option('--layers-b <names>', 'layers of B to compare (pairs with --layers-a in order)', splitList)
    .option('--all-pairs', 'fill every layer × layer cell with the order-0 ridge bound too (CKA is always filled)')
    .addOption(new Option('--direction <dir>', 'which way to explain').choices(['a2b', 'b2a', 'both']).default('both'));
  addEngineOptions(command)
    .option('--verbose', "print the engine's log lines (pairing, resampling, constant channels) as they happen")
    .option('--quiet', 'no progress on stderr (errors and the results still print)')
    .option(
      '--memory <MB>',
      "memory the disentangler's batches may take, shared by the fits running at once; a layer pair that needs more even one window at a time is skipped",
      String(DEFAULT_MEMORY_MB),
    )
    .option('--budget <duration>', BUDGET_FLAG_HELP, DEFAULT_BUDGET)
    .option('--json <file>', 'write the report as JSON')
    .option('--html <file>', 'write the self-contained HTML report')
    .option('--md <file>', 'write the Markdown report (heatmap PNG beside it)')
    .option(
      '--queue <url>',
      'run the fits on kc workers through this Redis job queue (kc worker --redis <url>); with --all-pairs, every layer × layer cell. Workers read the features from --cache-dir: a folder they see at the same path',
    )
    .action(async (modelA: string, modelB: string, flags: CompareFlags) => {
      const options = compareOptions(modelA, modelB, flags);
      await checkReportTargets({ json: flags.json, html: flags.html, md: flags.md }, [
        { file: modelA, what: 'model A', model: true },
        { file: modelB, what: 'model B', model: true },
        ...probeInput(flags),
      ]);
      const bar = createProgressBar(process.stderr, { quiet: flags.quiet });
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const partial = new PartialReport();
      // Engine log lines (pairing, resampling, constant channels) only with --verbose: whatever matters is also in
      // the report's warnings, printed under the table. The engine may log a fact once per direction: print it once.
      const logged = new Set<string>();
      let report: Report;
      try {
        const run = flags.queue
          ? (o: CompareOptions, h: CompareHooks) => runQueuedCompare(o, flags.queue!, h)
          : runCompare;
        report = await run(options, {
          signal: controller.signal,
          onStarted: (s) => {
            partial.onStarted(s);
            if (!flags.quiet && s.header.plan) planLines(s.header.plan, s.plan.length).forEach((l) => bar.log(l));
          },
          onPairResult: (p) => partial.onPairResult(p),
          onMatrix: (m) => partial.onMatrix(m),
          onProgress: (p) => bar.update(p),
          log: (m) => {
            if (flags.verbose && !logged.has(m)) bar.log(m);
            logged.add(m);
          },
        });
      } catch (error) {
        const finished = error instanceof CancelledError ? partial.report() : undefined;
        if (!finished) throw error;
        report = finished;
        process.exitCode = 130;
      } finally {
        bar.done();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      process.stdout.write(
        `${renderSummary(report, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR })}\n`,
      );
      if (report.plan?.budget) process.stdout.write(`${budgetLines(report.plan.budget)}\n`);
      const written = await writeReports(report, { json: flags.json, html: flags.html, md: flags.md });
      if (written.length > 0) process.stdout.write(`\nreports written: ${written.join(', ')}\n`);
    });
}

function compareOptions(modelA: string, modelB: string, f: CompareFlags): CompareOptions {
  return {
    modelA,
    modelB,
    probe: probeOptions(f),
    layersA: f.layersA,
    layersB: f.layersB,
    allPairs: f.allPairs,
    direction: f.direction,
    settings: engineSettings(f),
    backend: f.backend,
    cacheDir: f.cacheDir,
    pytorch: pytorchOptions(f),
    memoryBudgetMb: memoryMb(f.memory),
    budgetSeconds: budgetSeconds(f.budget),
  };
}

function memoryMb(value: string): number {
  const mb = int(value, '--memory') as number;
  if (mb < 1) throw new KcError(`--memory needs a positive number of MB, got "${value}"`);
  return mb;
}
