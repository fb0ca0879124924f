import type * as tf from '@tensorflow/tfjs';
import { KcError } from '../errors';
import type { RunBatch } from './batches';
import { ListedAdapter, type Extraction } from './listed-adapter';
import type { TfjsFiles } from './tfjs-files';
import type { TfjsRunner } from './tfjs-graph-run';
import { tfjsWasm } from './tfjs-runtime';
import type { ThreadInit } from './tfjs-thread';
import { extractTfjs } from './tfjs-threads';

/** What the graph and the layers adapter share: the files as read at open, the extraction on threads, the disposal. */
export abstract class TfjsAdapter<
  M extends tf.GraphModel | tf.LayersModel,
  R extends TfjsRunner,
> extends ListedAdapter {
  protected abstract readonly inputDtype: tf.DataType;
  /** Set when the model's input fixes the batch size. */
  protected abstract readonly fixedBatch?: number;
  private weightBytes = 0;

  constructor(
    file: string,
    private readonly format: ThreadInit['format'],
    protected readonly model: M,
    private readonly files: TfjsFiles,
    protected readonly runner: R,
  ) {
    // A graph model's features are its nodes' outputs, a layers model's its layers'.
    super(file, { noun: format === 'graph' ? 'node' : 'layer', layout: '[N, H, W, C]' });
  }

  /** The files as read (and hashed) at open: threads load the same weights, whatever happens to the files since. */
  protected async artifacts(): Promise<tf.io.ModelArtifacts> {
    if (!this.files.handler.load) throw new KcError(`${this.file}: the model's files cannot be read again`, 'internal');
    return (await this.files.handler.load()) as tf.io.ModelArtifacts;
  }

  /** The weights' size, for the extraction threads' memory estimate. */
  protected async readWeightBytes(): Promise<void> {
    const { weightData } = await this.artifacts();
    this.weightBytes = [weightData ?? []].flat().reduce((n, b) => n + b.byteLength, 0);
  }

  /** A run as the model takes it (its shape checked; a vector input flattened). */
  protected abstract prepare(batch: RunBatch): RunBatch;

  /** A run's failure as the user reads it. */
  protected runError(_batch: RunBatch, e: unknown): Error {
    return e as Error;
  }

  protected async extractChosen(extraction: Extraction): Promise<void> {
    await extractTfjs({
      extraction,
      name: this.ref.name,
      fixedBatch: this.fixedBatch,
      artifacts: () => this.artifacts(),
      weightBytes: this.weightBytes,
      format: this.format,
      dtype: this.inputDtype,
      prepare: (batch) => this.prepare(batch),
      runHere: async (batch, names) => this.runner.outputs(await tfjsWasm(), batch, this.inputDtype, names),
      runError: (batch, e) => this.runError(batch, e),
    });
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
