/** The worker's request handlers: thin calls into the engine; no protocol or transport code here. */
import { describeBackend } from '../engine/compute/index';
import { TOOL_VERSION } from '../engine/version';
import type { EngineInfo } from '../protocol/worker.protocol';

export async function engineInfo(): Promise<EngineInfo> {
  return { version: TOOL_VERSION, backend: await describeBackend(), node: process.version, pid: process.pid };
}
