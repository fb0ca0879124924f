/** The worker's request handlers: thin calls into the engine; no protocol or transport code here. */
import type { CancellationToken } from 'vscode-jsonrpc/node';
import { describeBackend } from '../engine/compute/index';
import { listLayers, runCompare } from '../engine/compare';
import type { CompareListener } from '../protocol/compare';
import { TOOL_VERSION } from '../engine/version';
import type { Report } from '../protocol/report';
import type { CompareParams, EngineInfo, ListLayersParams, ListLayersResult } from '../protocol/worker.protocol';

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
  return runCompare(params.options, { ...listener, signal: abort.signal }).finally(() => subscription.dispose());
}
