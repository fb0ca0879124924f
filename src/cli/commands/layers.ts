import type { Command } from 'commander';
import { listLayers } from '../../engine/compare';
import { terminalText } from '../../engine/report/escape';
import { textTable } from '../../engine/report/format';

/** `kc layers <model> [--json]`: the layer table of one model file, with the default probe points marked. */
export function registerLayers(program: Command): void {
  program
    .command('layers')
    .description("list a model's layers (name, kind, op, output shape, depth) and its default probe points")
    .argument('<model>', 'model file: .onnx or TF.js model.json')
    .option('--json', 'print { model, layers } as JSON')
    .action(async (modelPath: string, opts: { json?: boolean }) => {
      const { model, layers } = await listLayers(modelPath);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ model, layers }, null, 2)}\n`);
        return;
      }
      // Names and ops come from the model file: shown as text, never as terminal control sequences.
      const rows = layers.map((l) =>
        [
          l.name,
          l.kind,
          l.op ?? '',
          `[${l.shape.map((d) => (d < 0 ? 'N' : String(d))).join(', ')}]`,
          l.probePoint ? '●' : '',
          String(l.depth),
        ].map(terminalText),
      );
      process.stdout.write(
        `${terminalText(`${model.name} (${model.format}, input [${(model.inputShape ?? []).join(', ')}])`)}: ${layers.length} layers, ${layers.filter((l) => l.probePoint).length} probe points\n`,
      );
      process.stdout.write(`${textTable(['name', 'kind', 'op', 'shape', 'probe point', 'depth'], rows, 5)}\n`);
    });
}
