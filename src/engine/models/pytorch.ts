/**
 * PyTorch models — TorchScript archives, torch.export programs and (only when allowed) pickled nn.Modules — through
 * kc's Python helper: kc parses and runs no PyTorch file itself. A helper process with the user's torch
 * (torch-process.ts) opens the file on the CPU, lists the module outputs from one zero batch, and runs the probe
 * batches; features come back NHWC. Layers are named after the modules (named_modules()). TorchScript files do
 * not say their input shape: the user gives it, or the helper assumes the default probe's 28 × 28 (README).
 */
import path from 'node:path';
import type { ModelRef } from '../../protocol/report';
import type { OpenedResponse, TorchFormat, TorchLayer } from '../../protocol/torch-helper';
import { throwIfCancelled } from '../cancel';
import { KcError, ModelParseError } from '../errors';
import { rebatch, runSize } from './batches';
import { modelRef } from './files';
import { ListedAdapter, type Extraction } from './listed-adapter';
import { ModelFolder } from './model-files';
import { withProbePoints } from './probe-points';
import { torchFileKind } from './torch-archive';
import { torchKind } from './torch-kinds';
import { interpreterOf, TorchHelper } from './torch-process';
import type { InputBatch, ModelAdapter, ModelOpenOptions } from './types';

/** Opens a .pt, .pth or .pt2 file with the helper, after telling from its bytes what it holds. */
export async function openPytorch(file: string, options: ModelOpenOptions = {}): Promise<ModelAdapter> {
  const pytorch = options.pytorch ?? {};
  const inputShape = checkedInputShape(pytorch.inputShape);
  const checked = await (await ModelFolder.of(file)).modelFile();
  const format = await formatOf(file, checked.path);
  if (format === 'torch-pickle' && !pytorch.allowPickle) throw new KcError(pickleRefusal(file), 'unsupported');
  const log = options.log ?? ((line: string) => process.stderr.write(`kc pytorch: ${line}\n`));
  const { helper } = await TorchHelper.start(interpreterOf(pytorch), log);
  try {
    // The checked real path: the helper opens the file the policy checks passed.
    helper.send({ type: 'open', path: checked.path, format, allowPickle: pytorch.allowPickle === true, inputShape });
    const opened = await helper.expect('opened');
    if (opened.assumed)
      log(
        `${path.basename(file)}: no input shape given, running it on [${opened.inputShape.join(', ')}] (C,H,W); set another with --input-shape or knowledgeConsistency.pytorch.inputShape`,
      );
    helper.send({ type: 'layers' });
    const { layers } = await helper.expect('layers');
    return new PytorchAdapter(file, format, helper, opened, layers);
  } catch (error) {
    helper.kill();
    throw error;
  }
}

async function formatOf(file: string, real: string): Promise<TorchFormat> {
  const kind = await torchFileKind(real);
  if (kind === 'weights')
    throw new ModelParseError(
      `${file} holds weights only (a state_dict or a checkpoint of tensors), not a network: save the model itself, best as TorchScript (torch.jit.script(model).save('model.pt'))`,
      file,
    );
  if (!kind)
    throw new ModelParseError(
      `${file} is not a PyTorch file kc reads: neither a TorchScript archive (torch.jit.save), a torch.export program (.pt2) nor a torch.save checkpoint`,
      file,
    );
  return kind;
}

function pickleRefusal(file: string): string {
  return `${file} is a pickled PyTorch checkpoint (torch.save(model)): loading it unpickles it, which runs any code the file contains; kc loads it only when allowed (kc: --allow-pickle; VS Code: a trusted workspace and your confirmation). Better: save the model as TorchScript, torch.jit.script(model).save('model.pt')`;
}

/** The user's input shape: [C, H, W] or [D], positive whole numbers. */
function checkedInputShape(shape: number[] | undefined): number[] | undefined {
  if (shape === undefined) return undefined;
  if ((shape.length === 1 || shape.length === 3) && shape.every((d) => Number.isInteger(d) && d > 0)) return shape;
  throw new KcError(`the input shape is C,H,W or D (positive whole numbers, no batch), got ${shape.join(',')}`);
}

/** PyTorch's output shape (batch first) → the layer table's NHWC with batch -1: [N,C,H,W] → [-1,H,W,C]. */
function nhwcShape(shape: number[]): number[] {
  const [, ...rest] = shape;
  if (rest.length === 3) return [-1, rest[1], rest[2], rest[0]];
  if (rest.length === 2) return [-1, 1, rest[0], rest[1]];
  return [-1, ...rest];
}

class PytorchAdapter extends ListedAdapter {
  readonly ref: ModelRef;
  readonly inputShape: readonly number[];
  private readonly fixedBatch?: number;

  constructor(
    file: string,
    format: TorchFormat,
    private readonly helper: TorchHelper,
    opened: OpenedResponse,
    layers: TorchLayer[],
  ) {
    super(file, { noun: 'layer', layout: '[N, C, H, W]' });
    const [c, h, w] = opened.inputShape;
    this.inputShape = opened.inputShape.length === 3 ? [h, w, c] : [...opened.inputShape];
    this.fixedBatch = opened.fixedBatch;
    this.ref = modelRef(file, { format, inputShape: [...this.inputShape] });
    this.listed = withProbePoints(
      layers.map((l) => ({
        name: l.name,
        op: l.type,
        shape: nhwcShape(l.shape),
        inputs: l.inputs,
        ...torchKind(l.type, l.op),
      })),
    );
  }

  protected async extractChosen(extraction: Extraction): Promise<void> {
    const { chosen, options } = extraction;
    const perSample = chosen.reduce((s, l) => s + l.shape.slice(1).reduce((a, b) => a * Math.max(b, 1), 1), 0);
    const size = this.fixedBatch ?? runSize(perSample, options.memoryBudget);
    try {
      await this.run(extraction, size);
    } catch (error) {
      // torch cannot be stopped inside a batch: a cancelled extraction ends the process with it
      if (options.signal?.aborted) this.helper.kill();
      throw error;
    }
  }

  private async run({ inputs, layerNames, sink, options }: Extraction, size: number): Promise<void> {
    let done = 0;
    for await (const batch of rebatch(inputs, size, { exact: this.fixedBatch !== undefined, signal: options.signal })) {
      throwIfCancelled(options.signal);
      const { data } = batch;
      this.helper.send(
        { type: 'extract', layers: [...layerNames], shape: this.batchShape(batch), bytes: data.byteLength },
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
      for (const name of layerNames) {
        const features = await this.helper.expect('features', options.signal);
        if (features.layer !== name || !features.payload)
          throw new KcError(`kc's PyTorch helper sent ${features.layer} where ${name} was due`, 'internal');
        const [n, ...sample] = features.shape;
        const values = new Float32Array(
          features.payload.buffer,
          features.payload.byteOffset,
          features.payload.length / 4,
        );
        const per = sample.reduce((a, b) => a * b, 1);
        await sink.write(
          name,
          [batch.valid, ...sample],
          n === batch.valid ? values : values.subarray(0, batch.valid * per),
        );
      }
      await this.helper.expect('done', options.signal);
      done += batch.valid;
      options.onProgress?.({ done, total: options.total ?? done });
    }
  }

  async dispose(): Promise<void> {
    this.helper.kill();
  }

  /** The batch as the helper takes it: [N, H, W, C] for image models (it transposes), [N, D] for flat ones. */
  private batchShape(batch: InputBatch): number[] {
    const [n, ...rest] = batch.shape;
    const per = rest.reduce((a, b) => a * b, 1);
    if (per !== this.inputShape.reduce((a, b) => a * b, 1))
      throw new KcError(
        `probe samples are [${rest.join(', ')}] but ${this.ref.name} takes [${this.inputShape.join(', ')}] (NHWC)`,
        'shape-mismatch',
      );
    if (this.inputShape.length === 1) return [n, per];
    if (rest.length !== 3)
      throw new KcError(`probe batches must be [N, H, W, C], got [${batch.shape.join(', ')}]`, 'shape-mismatch');
    return [...batch.shape];
  }
}
