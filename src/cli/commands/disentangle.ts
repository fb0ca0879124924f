import path from 'node:path';
import { Option, type Command } from 'commander';
import { getTrainingBackend, type BackendPreference } from '../../engine/compute/index';
import {
  disentangle,
  layerLabels,
  probeSplitSizes,
  resolveSettings,
  validatePair,
} from '../../engine/disentangler/index';
import { readNpy, type NpyLayout } from '../../engine/features/npy';
import { renderSummary } from '../../engine/report/text';
import { checkReportTargets } from '../../engine/report/targets';
import { writeReports } from '../../engine/report/write';
import { TOOL_NAME, TOOL_VERSION } from '../../engine/version';
import { REPORT_SCHEMA_VERSION, type Direction, type PairResult, type Report } from '../../protocol/report';
import { engineSettings, type EngineFlags } from '../engine-flags';
import { ProgressTracker } from '../../engine/progress';
import { createProgressBar } from '../progress';

interface DisentangleFlags extends EngineFlags {
  direction: 'a2b' | 'b2a' | 'both';
  layout: NpyLayout;
  backend: BackendPreference;
  json?: string;
  quiet?: boolean;
}

const DIRECTIONS: Record<DisentangleFlags['direction'], Direction[]> = {
  a2b: ['A->B'],
  b2a: ['B->A'],
  both: ['A->B', 'B->A'],
};

/**
 * `kc disentangle <A.npy> <B.npy>`: the disentangler on two feature files of the same probe samples. Flag names are
 * a contract (issue 4).
 */
export function registerDisentangle(program: Command): void {
  program
    .command('disentangle')
    .description(
      "how much of B's features A's features explain, by order of fuzziness (held-out), from two .npy feature files",
    )
    .argument('<A.npy>', 'features of layer A: [N, C] or [N, H, W, C] (see --layout), float32 or float64')
    .argument('<B.npy>', 'features of layer B on the same N probe samples, same order')
    .addOption(new Option('--direction <dir>', 'which way to explain').choices(['a2b', 'b2a', 'both']).default('a2b'))
    .option('--orders <K>', 'highest order K of the disentangler (K + 1 stages)', '2')
    .option('--alpha <a>', 'gate penalty α', '0.1')
    .addOption(
      new Option(
        '--normalize <mode>',
        "input normalisation: dataset (self-comparison ≈ 1) or per-sample (the authors')",
      )
        .choices(['dataset', 'per-sample'])
        .default('dataset'),
    )
    .addOption(new Option('--kernel <k>', 'disentangler kernel size').choices(['1', '3']).default('3'))
    .addOption(new Option('--preset <name>', 'training schedule').choices(['fast', 'thorough']).default('fast'))
    .option('--epochs <n>', "maximum epochs (default: the preset's)")
    .option('--seed <n>', 'seed of the split and the initialisation', '0')
    .option('--seeds <n>', 'independent fits to average (mean and spread reported)', '1')
    .option('--test-fraction <f>', 'held-out fraction of the samples', '0.2')
    .addOption(new Option('--layout <layout>', 'axis order of 4-D files').choices(['nhwc', 'nchw']).default('nhwc'))
    .addOption(
      new Option('--backend <name>', 'training backend').choices(['auto', 'onnxruntime', 'tfjs']).default('auto'),
    )
    .option('--json <file>', 'write the report as JSON')
    .option('--quiet', 'no progress on stderr (errors and the results still print)')
    .action(async (fileA: string, fileB: string, flags: DisentangleFlags) => {
      const started = performance.now();
      const settings = resolveSettings(engineSettings(flags));
      await checkReportTargets({ json: flags.json }, [
        { file: fileA, what: 'feature file A' },
        { file: fileB, what: 'feature file B' },
      ]);
      const [a, b] = await Promise.all([
        readNpy(fileA, { layout: flags.layout }),
        readNpy(fileB, { layout: flags.layout }),
      ]);
      const loaded = performance.now();
      const layerA = layerName(fileA),
        layerB = layerName(fileB, layerA);
      validatePair(a, b, ...layerLabels(layerA, layerB), settings.testFraction);
      const bar = createProgressBar(process.stderr, { quiet: flags.quiet });
      const backend = await getTrainingBackend(flags.backend, (m) => bar.log(m));
      const s = settings;
      process.stderr.write(
        `kc disentangle: preset ${s.preset} (≤${s.epochs} epochs, batch ${s.batchSize}, lr ${s.learningRate.start}→${s.learningRate.end}, ` +
          `patience ${s.patience}${s.warmStart ? ', ridge warm start' : ''}), K=${s.orders}, α=${s.alpha}, ${s.normalize}, ${s.kernel}×${s.kernel}, ` +
          `seed ${s.seed}${s.seeds > 1 ? ` ×${s.seeds}` : ''}; backend ${backend.info.name} ${backend.info.version} (${backend.info.device})\n`,
      );

      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      const pairs: PairResult[] = [];
      const directions = DIRECTIONS[flags.direction];
      const progress = new ProgressTracker((p) => bar.update(p), { disentangleOnly: true });
      try {
        for (const direction of directions) {
          const step = progress.pair({ index: pairs.length + 1, count: directions.length, layerA, layerB, direction });
          pairs.push(
            await disentangle(a, b, settings, {
              layerA,
              layerB,
              direction,
              backend,
              signal: controller.signal,
              onProgress: step,
              log: (m) => bar.log(m),
            }),
          );
        }
      } finally {
        bar.done();
        process.off('SIGINT', onSigint);
      }
      const report: Report = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        createdAt: new Date().toISOString(),
        backend: backend.info,
        settings,
        probe: {
          source: 'features',
          count: a.shape[0],
          ...probeSplitSizes(a.shape[0], settings.testFraction, settings.seed),
          preprocessing: `${path.basename(fileA)} and ${path.basename(fileB)} (${flags.layout})`,
        },
        pairs,
        timings: {
          loadSeconds: (loaded - started) / 1000,
          disentangleSeconds: (performance.now() - loaded) / 1000,
          totalSeconds: (performance.now() - started) / 1000,
        },
        warnings: [...new Set(pairs.flatMap((p) => p.warnings ?? []))],
      };
      process.stdout.write(`${renderSummary(report)}\n`);
      if (flags.json) {
        const written = await writeReports(report, { json: flags.json });
        process.stdout.write(`\nreport written: ${written.join(', ')}\n`);
      }
    });
}

/** The file's name without .npy; B gets a "B:" prefix when both files have the same name (different folders). */
function layerName(file: string, other?: string): string {
  const name = path.basename(file).replace(/\.npy$/i, '');
  return name === other ? `B:${name}` : name;
}
