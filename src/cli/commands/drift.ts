import { Option, type Command } from 'commander';
import { listCheckpoints } from '../../engine/family/checkpoints';
import { runDrift } from '../../engine/family/drift';
import { renderDriftHtml } from '../../engine/report/drift-html';
import { renderDriftSummary } from '../../engine/report/drift-text';
import type { DriftAgainst, DriftReport } from '../../protocol/family';
import { addManyModelOptions, manyModelOptions, runManyModelCommand, type ManyModelFlags } from '../many-model-command';

interface DriftFlags extends ManyModelFlags {
  against: DriftAgainst;
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
  addManyModelOptions(command, 'checkpoint', 'drift').action(async (folder: string, flags: DriftFlags) => {
    const { checkpoints } = await listCheckpoints(folder);
    await runManyModelCommand<DriftReport>(
      flags,
      checkpoints.map((c) => ({ file: c.path, what: `checkpoint ${c.name}`, model: true })),
      (hooks) => runDrift({ folder, against: flags.against, ...manyModelOptions(flags) }, hooks),
      { summary: renderDriftSummary, html: renderDriftHtml },
    );
  });
}
