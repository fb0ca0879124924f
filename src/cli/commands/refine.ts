import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { BackendPreference } from '../../engine/compute/index';
import { refine, REFINE_DEFAULTS } from '../../engine/refine/index';
import { renderRefineSummary } from '../../engine/refine/text';
import { int, num } from '../engine-flags';

interface RefineFlags {
  layer: string;
  from?: string;
  labels: string;
  count: string;
  epochs: string;
  batchSize: string;
  learningRate: string;
  seeds: string;
  seed: string;
  testFraction: string;
  preset: 'fast' | 'thorough';
  orders?: string;
  alpha?: string;
  backend: BackendPreference;
  out?: string;
  json?: string;
  quiet?: boolean;
}

/**
 * `kc refine <modelA> <modelB> --layer <L>`: B's upper part fed with A's consistent knowledge (g(x_A), ε dropped),
 * fine-tuned, scored against B and against B's upper part fine-tuned alone. Command and flags are a contract (issue 18).
 */
export function registerRefine(program: Command): void {
  program
    .command('refine')
    .description("refine B with A's consistent knowledge: B's upper layers on g(x_A), fine-tuned on labelled probes")
    .argument('<modelA>', 'the network whose knowledge is borrowed (.onnx)')
    .argument('<modelB>', 'the network to refine (.onnx)')
    .requiredOption('--layer <name>', "B's layer: its upper part (above this layer) reads g(x_A) instead")
    .option('--from <name>', "A's explaining layer (default: the same name as --layer)")
    .option(
      '--labels <source>',
      'labelled probes: mnist (test split with labels) or a folder with one sub-folder per class',
      'mnist',
    )
    .option('--count <n>', 'labelled probes to use (split per seed)', String(REFINE_DEFAULTS.count))
    .option('--epochs <n>', 'fine-tuning epochs (B′ and the baseline alike)', String(REFINE_DEFAULTS.epochs))
    .option('--batch-size <n>', 'fine-tuning batch size', String(REFINE_DEFAULTS.batchSize))
    .option('--learning-rate <lr>', "fine-tuning Adam's learning rate", String(REFINE_DEFAULTS.learningRate))
    .option(
      '--seeds <n>',
      'independent splits / fits / fine-tunings (intervals over them)',
      String(REFINE_DEFAULTS.seeds),
    )
    .option('--seed <n>', 'first seed', String(REFINE_DEFAULTS.seed))
    .option('--test-fraction <f>', 'held-out fraction of the labelled probes', String(REFINE_DEFAULTS.testFraction))
    .addOption(
      new Option('--preset <name>', "the disentangler's schedule").choices(['fast', 'thorough']).default('fast'),
    )
    .option('--orders <K>', "the disentangler's highest order K")
    .option('--alpha <a>', "the disentangler's gate penalty α")
    .addOption(
      new Option('--backend <name>', 'training backend of g').choices(['auto', 'onnxruntime', 'tfjs']).default('auto'),
    )
    .option('--out <file>', "write B′ (the first seed's) as a standard ONNX model")
    .option('--json <file>', 'write the refinement report as JSON')
    .option('--quiet', 'no progress on stderr')
    .action(async (modelA: string, modelB: string, f: RefineFlags) => {
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const report = await refine({
          modelA,
          modelB,
          layerB: f.layer,
          layerA: f.from,
          labels: f.labels,
          count: int(f.count, '--count')!,
          out: f.out,
          epochs: int(f.epochs, '--epochs')!,
          batchSize: int(f.batchSize, '--batch-size')!,
          learningRate: num(f.learningRate, '--learning-rate')!,
          seeds: int(f.seeds, '--seeds')!,
          seed: int(f.seed, '--seed')!,
          testFraction: num(f.testFraction, '--test-fraction')!,
          disentangler: { preset: f.preset, orders: int(f.orders, '--orders'), alpha: num(f.alpha, '--alpha') },
          backend: f.backend,
          signal: controller.signal,
          log: f.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(`${renderRefineSummary(report)}\n`);
        if (f.json) {
          await writeFile(f.json, `${JSON.stringify(report, null, 2)}\n`);
          process.stdout.write(`report written: ${f.json}\n`);
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
