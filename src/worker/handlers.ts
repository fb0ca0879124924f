/** The worker's request handlers: thin calls into the engine; no protocol or transport code here. */
import type { CancellationToken } from 'vscode-jsonrpc/node';
import { describeBackend } from '../engine/compute/index';
import { listLayers, runCompare } from '../engine/compare';
import { runQueuedCompare } from '../engine/queue/compare';
import { estimateCompare } from '../engine/compare/estimate';
import type { CompareEstimate, CompareListener, CompareOptions } from '../protocol/compare';
import { TOOL_VERSION } from '../engine/version';
import type { Report } from '../protocol/report';
import type {
  CompareParams,
  DriftParams,
  EngineInfo,
  EstimateManyParams,
  FamilyParams,
  ListLayersParams,
  ListLayersResult,
} from '../protocol/worker.protocol';
import { estimateDrift, runDrift } from '../engine/family/drift';
import { estimateFamily, runFamily } from '../engine/family/family';
import type { ManyModelHooks } from '../engine/family/many';
import type { DriftReport, FamilyReport, ManyModelReport } from '../protocol/family';

export async function engineInfo(): Promise<EngineInfo> {
  return { version: TOOL_VERSION, backend: await describeBackend(), node: process.version, pid: process.pid };
}

export function listModelLayers(params: ListLayersParams): Promise<ListLayersResult> {
  return listLayers(params.path, params.pytorch);
}

export function compare(
  params: CompareParams,
  token: CancellationToken,
  listener: CompareListener & { log(message: string): void },
): Promise<Report> {
  // The engine takes an AbortSignal-like flag; the JSON-RPC token flips it when the host sends $/cancelRequest.
  const abort = new AbortController();
  const subscription = token.onCancellationRequested(() => abort.abort());
  const hooks = { ...listener, signal: abort.signal };
  // knowledgeConsistency.queue.url: the fits run on kc workers, as with kc compare --queue.
  const { queue } = params.options;
  return (queue ? runQueuedCompare(params.options, queue, hooks) : runCompare(params.options, hooks)).finally(() =>
    subscription.dispose(),
  );
}

export function estimate(
  params: { options: CompareOptions },
  token: CancellationToken,
  log: (message: string) => void,
): Promise<CompareEstimate> {
  const abort = new AbortController();
  const subscription = token.onCancellationRequested(() => abort.abort());
  return estimateCompare(params.options, { signal: abort.signal, log }).finally(() => subscription.dispose());
}

export function estimateMany(
  params: EstimateManyParams,
  token: CancellationToken,
  log: (message: string) => void,
): Promise<CompareEstimate> {
  return withSignal(token, (signal) =>
    'family' in params ? estimateFamily(params.family, { signal, log }) : estimateDrift(params.drift, { signal, log }),
  );
}

/** What a family or drift job streams: progress, the report as it grows, log lines. */
export type ManyModelListener<R extends ManyModelReport> = Required<
  Pick<ManyModelHooks<R>, 'onProgress' | 'onUpdate' | 'log'>
>;

export function family(
  params: FamilyParams,
  token: CancellationToken,
  listener: ManyModelListener<FamilyReport>,
): Promise<FamilyReport> {
  return withSignal(token, (signal) => runFamily(params.options, { ...listener, signal }));
}

export function drift(
  params: DriftParams,
  token: CancellationToken,
  listener: ManyModelListener<DriftReport>,
): Promise<DriftReport> {
  return withSignal(token, (signal) => runDrift(params.options, { ...listener, signal }));
}

function withSignal<T>(token: CancellationToken, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const subscription = token.onCancellationRequested(() => abort.abort());
  return run(abort.signal).finally(() => subscription.dispose());
}
