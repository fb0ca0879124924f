/** The engine's view of cancellation: satisfied by AbortSignal, a vscode-jsonrpc token wrapper, or a plain object. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Progress as the engine reports it; the worker forwards it, the CLI draws a bar. */
export interface Progress {
  /** What is happening, e.g. "extract conv2", "train conv2→conv2 A->B". */
  stage: string;
  /** Units done and total in this stage (epochs, batches, layers, pairs). */
  done: number;
  total: number;
  /** Optional extra, e.g. the current loss. */
  detail?: string;
}

export type ProgressSink = (progress: Progress) => void;
