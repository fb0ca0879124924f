/** The PyTorch flags of `kc layers` and `kc compare`: the interpreter, the pickle opt-in and the input shape. */
import type { Command } from 'commander';
import type { PytorchOptions } from '../protocol/torch-helper';
import { int } from './engine-flags';

export interface TorchFlags {
  python?: string;
  allowPickle?: boolean;
  inputShape?: string;
}

export function addTorchOptions(command: Command): Command {
  return command
    .option('--python <path>', 'Python with torch that runs PyTorch models (default: $KC_PYTHON, else python3 on PATH)')
    .option(
      '--allow-pickle',
      'open pickled torch.save(model) checkpoints: unpickling runs code from the file, so only for files you trust',
    )
    .option(
      '--input-shape <C,H,W>',
      "a PyTorch model's input without the batch, C,H,W or D (TorchScript files do not say; default: the first convolution's channels × 28 × 28)",
    );
}

/** The flags as the engine takes them; undefined when none was given. */
export function pytorchOptions(f: TorchFlags): PytorchOptions | undefined {
  if (f.python === undefined && !f.allowPickle && f.inputShape === undefined) return undefined;
  return {
    python: f.python,
    allowPickle: f.allowPickle,
    inputShape: f.inputShape?.split(',').map((d) => int(d.trim(), '--input-shape')!),
  };
}
