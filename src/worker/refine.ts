/** The worker's kc/refine job: the engine's refine() with the request's cancellation and progress. */
import type { CancellationToken } from 'vscode-jsonrpc/node';
import { refine } from '../engine/refine/index';
import type { Progress } from '../protocol/progress';
import type { RefineReport } from '../protocol/refine';
import type { RefineParams } from '../protocol/worker.protocol';

export function refineJob(
  params: RefineParams,
  token: CancellationToken,
  hooks: { onProgress(progress: Progress): void; log(message: string): void },
): Promise<RefineReport> {
  const abort = new AbortController();
  const subscription = token.onCancellationRequested(() => abort.abort());
  return refine({
    ...params.options,
    signal: abort.signal,
    log: hooks.log,
    onProgress: ({ done, total, detail }) =>
      hooks.onProgress({ phase: 'disentangle', done, total, detail, overallFraction: done / total }),
  }).finally(() => subscription.dispose());
}
