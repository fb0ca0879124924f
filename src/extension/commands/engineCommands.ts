/** Commands about the engine itself: what runs the numbers, and its log. */
import * as vscode from 'vscode';
import type { BackendInfo } from '../../protocol/report';
import { isTrustedOrExplain } from '../trust';
import type { WorkerClient } from '../worker/client';

export interface EngineInfoResult {
  version: string;
  backend: BackendInfo;
  node: string;
  pid: number;
}

export function registerEngineCommands(worker: WorkerClient, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(
      'knowledgeConsistency.showEngineInfo',
      async (): Promise<EngineInfoResult | undefined> => {
        // Starting the worker loads onnxruntime's native code: not before the user trusts the workspace.
        if (!isTrustedOrExplain('start the engine')) return undefined;
        try {
          const info = await worker.engineInfo();
          const { backend } = info;
          log.info(
            `engine ${info.version}, backend ${backend.name} ${backend.version} (${backend.device}, ${backend.threads} threads), worker node ${info.node}, pid ${info.pid}`,
          );
          void vscode.window.showInformationMessage(
            `Knowledge Consistency ${info.version}: ${backend.name} ${backend.version} on ${backend.device}, ${backend.threads} thread${backend.threads === 1 ? '' : 's'}${backend.detail ? ` (${backend.detail})` : ''}.`,
          );
          return info;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          log.error(`showEngineInfo: ${message}`);
          void showErrorWithLog(`Knowledge Consistency: the engine did not start: ${message}`, log);
          return undefined;
        }
      },
    ),
    vscode.commands.registerCommand('knowledgeConsistency.showLog', () => log.show()),
  ];
}

/** One message with a Show Log action (never awaited by callers: a message stays until dismissed). */
export async function showErrorWithLog(message: string, log: vscode.LogOutputChannel): Promise<void> {
  if ((await vscode.window.showErrorMessage(message, 'Show Log')) === 'Show Log') log.show();
}
