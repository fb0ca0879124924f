import type { Command } from 'commander';
import { runFamily } from '../../engine/family/family';
import { renderFamilyHtml } from '../../engine/report/family-html';
import { renderFamilySummary } from '../../engine/report/family-text';
import type { FamilyReport } from '../../protocol/family';
import { addManyModelOptions, manyModelOptions, runManyModelCommand, type ManyModelFlags } from '../many-model-command';

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
  addManyModelOptions(command, 'model', 'family').action(async (models: string[], flags: ManyModelFlags) => {
    await runManyModelCommand<FamilyReport>(
      flags,
      models.map((file, i) => ({ file, what: `model ${i + 1}`, model: true })),
      (hooks) => runFamily({ models, ...manyModelOptions(flags) }, hooks),
      { summary: renderFamilySummary, html: renderFamilyHtml },
    );
  });
}
