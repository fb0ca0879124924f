import type { Command } from 'commander';
import { runFamily } from '../../engine/family/family';
import { renderFamilyHtml } from '../../engine/report/family-html';
import { renderFamilySummary } from '../../engine/report/family-text';
import { checkReportTargets } from '../../engine/report/targets';
import { addEngineOptions, engineSettings, type EngineFlags } from '../engine-flags';
import { runJob, writeJobReports } from '../job-run';
import { addProbeOptions, probeInput, probeOptions, splitList, type ProbeFlags } from '../probe-flags';
import type { BackendPreference } from '../../protocol/compare';
import type { FamilyReport } from '../../protocol/family';
import { addTorchOptions, pytorchOptions, type TorchFlags } from '../torch-flags';

interface FamilyFlags extends EngineFlags, ProbeFlags, TorchFlags {
  layers?: string[];
  backend: BackendPreference;
  verbose?: boolean;
  quiet?: boolean;
  json?: string;
  html?: string;
  queue?: string;
}

/**
 * `kc family <model>…`: every model explains every other, layer by layer; prints the family's reliability per layer
 * and writes the JSON / HTML reports. Command, flags and JSON fields are a contract (docs/family-schema.md).
 */
export function registerFamily(program: Command): void {
  const command = program
    .command('family')
    .description(
      'how consistently a family of models (seeds, variants) learned each layer: the N × N consistency matrix per layer and its reliability',
    )
    .argument('<models...>', 'two or more model files: .onnx, TF.js model.json, or PyTorch .pt/.pth/.pt2');
  addTorchOptions(addProbeOptions(command)).option(
    '--layers <names>',
    'same-named layers to compare in every model, comma-separated or repeated (default: the probe points all share)',
    splitList,
  );
  addEngineOptions(command)
    .option('--verbose', "print the engine's log lines as they happen")
    .option('--quiet', 'no progress on stderr (errors and the results still print)')
    .option('--json <file>', 'write the family report as JSON')
    .option('--html <file>', 'write the self-contained HTML report')
    .option(
      '--queue <url>',
      'run the fits on kc workers through this Redis job queue (kc worker --redis <url>); they read the features from --cache-dir: a folder they see at the same path',
    )
    .action(async (models: string[], flags: FamilyFlags) => {
      await checkReportTargets({ json: flags.json, html: flags.html }, [
        ...models.map((file, i) => ({ file, what: `model ${i + 1}`, model: true })),
        ...probeInput(flags),
      ]);
      const report = await runJob<FamilyReport>(flags, (hooks) =>
        runFamily(
          {
            models,
            probe: probeOptions(flags),
            layers: flags.layers,
            settings: engineSettings(flags),
            backend: flags.backend,
            cacheDir: flags.cacheDir,
            queue: flags.queue,
            pytorch: pytorchOptions(flags),
          },
          hooks,
        ),
      );
      process.stdout.write(`${renderFamilySummary(report)}\n`);
      await writeJobReports([
        { file: flags.json, render: () => `${JSON.stringify(report, null, 2)}\n` },
        { file: flags.html, render: () => renderFamilyHtml(report) },
      ]);
    });
}
