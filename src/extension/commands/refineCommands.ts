/**
 * Refine B with A's Consistent Knowledge: `kc refine` in the worker (never in the extension host), with a cancellable
 * progress notification; the result opens as a Markdown preview and B′ is saved where the user chose. Arguments
 * (model A, model B, B's layer, A's layer) come from the pair drill-down's button; what is missing is asked for.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { REFINE_DEFAULTS, type RefineOptions } from '../../protocol/refine';
import { refineMarkdown } from '../refine/refineMarkdown';
import type { WorkerClient } from '../worker/client';

export function registerRefineCommands(worker: WorkerClient, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(
      'knowledgeConsistency.refine',
      async (a?: vscode.Uri | string, b?: vscode.Uri | string | vscode.Uri[], layer?: string, from?: string) => {
        // From the Explorer with two files selected, the second argument is the selection.
        const selected = Array.isArray(b) && b.length === 2 ? b : undefined;
        const modelA = selected
          ? selected[0].fsPath
          : (fsPath(a) ?? (await pickModel('Model A: the network whose knowledge is borrowed')));
        if (!modelA) return undefined;
        const modelB = selected
          ? selected[1].fsPath
          : (fsPath(b) ?? (await pickModel('Model B: the network to refine')));
        if (!modelB) return undefined;
        const layerB = layer ?? (await pickLayer(worker, modelB));
        if (!layerB) return undefined;
        const target = await vscode.window.showSaveDialog({
          title: 'Save B′ (the refined model) as',
          defaultUri: vscode.Uri.file(modelB.replace(/(\.onnx)?$/i, '.refined.onnx')),
          filters: { ONNX: ['onnx'] },
        });
        if (!target) return undefined;
        const options: RefineOptions = {
          modelA,
          modelB,
          layerB,
          ...(from ? { layerA: from } : {}),
          labels: 'mnist',
          out: target.fsPath,
          ...REFINE_DEFAULTS,
        };
        try {
          const report = await vscode.window.withProgress(
            {
              location: vscode.ProgressLocation.Notification,
              title: `Refining ${path.basename(modelB)} with ${path.basename(modelA)}'s consistent knowledge`,
              cancellable: true,
            },
            (progress, token) => {
              let last = 0;
              return worker.refine(options, {
                token,
                onProgress: (p) => {
                  progress.report({ message: p.detail, increment: (p.overallFraction - last) * 100 });
                  last = p.overallFraction;
                },
              });
            },
          );
          const doc = await vscode.workspace.openTextDocument({
            language: 'markdown',
            content: refineMarkdown(report),
          });
          await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
          return report;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          log.error(`refine: ${message}`);
          void vscode.window.showErrorMessage(`Refine failed: ${message}`);
          return undefined;
        }
      },
    ),
  ];
}

function fsPath(v: unknown): string | undefined {
  if (v instanceof vscode.Uri) return v.fsPath;
  return typeof v === 'string' ? v : undefined;
}

async function pickModel(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    filters: { ONNX: ['onnx'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0]?.fsPath;
}

async function pickLayer(worker: WorkerClient, model: string): Promise<string | undefined> {
  const layers = await worker.listLayers(model);
  const picked = await vscode.window.showQuickPick(
    layers.map((l) => ({ label: l.name, description: `${l.kind} [${l.shape.join(', ')}]` })),
    { title: "B's layer: its upper part (above it) will read A's consistent knowledge" },
  );
  return picked?.label;
}
