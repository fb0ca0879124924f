import type { Command } from 'commander';
import { listLayers } from '../../engine/compare';
import { terminalText } from '../../engine/report/escape';
import { textTable } from '../../engine/report/format';
import { shortLayerNames } from '../../protocol/layer-names';
import type { ModelRef } from '../../protocol/report';
import { addTorchOptions, pytorchOptions, type TorchFlags } from '../torch-flags';

/** `kc layers <model> [--json]`: the layer table of one model file, with the default probe points marked. */
export function registerLayers(program: Command): void {
  addTorchOptions(program.command('layers'))
    .description("list a model's layers (name, kind, op, output shape, depth) and its default probe points")
    .argument('<model>', 'model file: .onnx, TF.js model.json, or PyTorch .pt/.pth/.pt2')
    .option('--json', 'print { model, layers } as JSON (full names)')
    .option('--wide', 'full layer names in the table (default: short unique names, to fit 120 columns)')
    .action(async (modelPath: string, opts: { json?: boolean; wide?: boolean } & TorchFlags) => {
      const { model, layers } = await listLayers(modelPath, pytorchOptions(opts));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ model, layers }, null, 2)}\n`);
        return;
      }
      // Graph names run to 230 characters: the table shows each layer's short unique name, cut to what leaves the
      // table 120 columns wide, unless --wide. Names and ops come from the model file: printed as text, never as
      // terminal control sequences.
      const header = ['name', 'kind', 'op', 'shape', 'probe point', 'depth'];
      const rest = layers.map((l) =>
        [
          l.kind,
          l.op ?? '',
          `[${l.shape.map((d) => (d < 0 ? 'N' : String(d))).join(', ')}]`,
          l.probePoint ? '●' : '',
          String(l.depth),
        ].map(terminalText),
      );
      const names = opts.wide ? layers.map((l) => l.name) : shortLayerNames(layers.map((l) => l.name));
      const restWidth = header
        .slice(1)
        .reduce((sum, h, c) => sum + 2 + Math.max(h.length, ...rest.map((r) => r[c].length)), 0);
      const nameWidth = opts.wide ? Infinity : Math.max(MIN_NAME_WIDTH, TABLE_WIDTH - restWidth);
      const shown = opts.wide ? names : fittedNames(names, nameWidth);
      const rows = layers.map((_, i) => [terminalText(shown[i]), ...rest[i]]);
      process.stdout.write(
        `${terminalText(`${model.name} (${model.format}, ${inputWords(model)})`)}: ${layers.length} layers, ${layers.filter((l) => l.probePoint).length} probe points\n`,
      );
      process.stdout.write(`${textTable(header, rows, 5)}\n`);
      if (!opts.wide && rows.some((r, i) => r[0] !== layers[i].name))
        process.stdout.write('names shortened: --wide for the full names\n');
    });
}

/** "input [1, 28, 28]", or for a sequence model its token inputs: "input_ids, attention_mask [N, 16] (token ids)". */
function inputWords(model: ModelRef): string {
  if (!model.sequence) return `input [${(model.inputShape ?? []).join(', ')}]`;
  const length = model.sequence.length > 0 ? String(model.sequence.length) : 'T';
  return `${model.sequence.inputs.join(', ')} [N, ${length}] (token ids)`;
}

const TABLE_WIDTH = 120;
const MIN_NAME_WIDTH = 24;

/**
 * Names still too long are cut in the middle: a short name's first scope is what tells it from the others and its end
 * is the op, so both stay. Names whose cuts read the same are all cut further right, until they differ.
 */
function fittedNames(names: readonly string[], width: number): string[] {
  const cut = (name: string, head: number) =>
    name.length <= width ? name : `${name.slice(0, head)}…${name.slice(name.length - (width - 1 - head))}`;
  const start = Math.ceil((width - 1) / 2);
  const groups = new Map<string, number[]>();
  names.forEach((n, i) => groups.set(cut(n, start), [...(groups.get(cut(n, start)) ?? []), i]));
  const out = names.map((n) => cut(n, start));
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    // At most width − start steps; the last keeps all of each name but its final character or so.
    for (let head = start + 1; head < width - 1; head++) {
      const cuts = members.map((i) => cut(names[i], head));
      if (new Set(cuts).size === cuts.length || head === width - 2) {
        members.forEach((i, k) => (out[i] = cuts[k]));
        break;
      }
    }
  }
  return out;
}
