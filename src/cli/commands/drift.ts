import { Option, type Command } from 'commander';
import { listCheckpoints } from '../../engine/family/checkpoints';
import { runDrift } from '../../engine/family/drift';
import { renderDriftHtml } from '../../engine/report/drift-html';
import { renderDriftSummary } from '../../engine/report/drift-text';
import { checkReportTargets } from '../../engine/report/targets';
import { addEngineOptions, engineSettings, type EngineFlags } from '../engine-flags';
import { runJob, writeJobReports } from '../job-run';
import { addProbeOptions, probeInput, probeOptions, splitList, type ProbeFlags } from '../probe-flags';
import type { BackendPreference } from '../../protocol/compare';
import { addTorchOptions, pytorchOptions, type TorchFlags } from '../torch-flags';
import type { DriftAgainst, DriftReport } from '../../protocol/family';

interface DriftFlags extends EngineFlags, ProbeFlags, TorchFlags {
  against: DriftAgainst;
  layers?: string[];
  backend: BackendPreference;
  verbose?: boolean;
  quiet?: boolean;
  json?: string;
  html?: string;
  queue?: string;
}

/**
 * `kc drift <folder>`: the checkpoints of a training run against the final (or the previous) one, layer by layer, as
 * a timeline. Command, flags and JSON fields are a contract (docs/family-schema.md).
 */
export function registerDrift(program: Command): void {
  const command = program
    .command('drift')
    .description(
      'how the knowledge of a training run settles: each checkpoint in a folder against the final (or the previous) one, per layer',
    )
    .argument(
      '<folder>',
      'checkpoints: model files (.onnx, TF.js model.json, PyTorch .pt/.pth/.pt2) in the folder or one per sub-folder, ordered by the number in their names, else by modification time',
    )
    .addOption(
      new Option('--against <which>', 'the reference of each checkpoint')
        .choices(['final', 'previous'])
        .default('final'),
    );
  addTorchOptions(addProbeOptions(command)).option(
    '--layers <names>',
    'same-named layers to compare in every checkpoint, comma-separated or repeated (default: the probe points all share)',
    splitList,
  );
  addEngineOptions(command)
    .option('--verbose', "print the engine's log lines as they happen")
    .option('--quiet', 'no progress on stderr (errors and the results still print)')
    .option('--json <file>', 'write the drift report as JSON')
    .option('--html <file>', 'write the self-contained HTML report')
    .option(
      '--queue <url>',
      'run the fits on kc workers through this Redis job queue (kc worker --redis <url>); they read the features from --cache-dir: a folder they see at the same path',
    )
    .action(async (folder: string, flags: DriftFlags) => {
      const { checkpoints } = await listCheckpoints(folder);
      await checkReportTargets({ json: flags.json, html: flags.html }, [
        ...checkpoints.map((c) => ({ file: c.path, what: `checkpoint ${c.name}`, model: true })),
        ...probeInput(flags),
      ]);
      const report = await runJob<DriftReport>(flags, (hooks) =>
        runDrift(
          {
            folder,
            against: flags.against,
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
      process.stdout.write(`${renderDriftSummary(report)}\n`);
      await writeJobReports([
        { file: flags.json, render: () => `${JSON.stringify(report, null, 2)}\n` },
        { file: flags.html, render: () => renderDriftHtml(report) },
      ]);
    });
}
