// The extension's first end-to-end behaviour in a real extension host: it activates, contributes its view
// container and views, and its engine worker (a child process) answers showEngineInfo.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';

const EXTENSION_ID = 'knowledge-consistency.knowledge-consistency';

interface EngineInfo {
  version: string;
  backend: { name: string; version: string; device: string; threads: number };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

/** Command lines of this extension host's child processes (Linux `ps`). */
function childCommandLines(): string[] {
  return execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

describe('foundation', () => {
  it('activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('contributes the Knowledge Consistency container with the Models and Analyses views', async () => {
    const contributes = extension().packageJSON.contributes;
    const container = contributes.viewsContainers.activitybar.find(
      (c: { id: string }) => c.id === 'knowledgeConsistency',
    );
    assert.equal(container?.title, 'Knowledge Consistency');
    const views = contributes.views.knowledgeConsistency.map((v: { id: string }) => v.id);
    assert.deepEqual(views.slice().sort(), ['knowledgeConsistency.analyses', 'knowledgeConsistency.models']);
    // Focusing rejects for a view the workbench does not know.
    await vscode.commands.executeCommand('knowledgeConsistency.models.focus');
    await vscode.commands.executeCommand('knowledgeConsistency.analyses.focus');
  });

  it('showEngineInfo answers {version, backend} from the engine worker child process', async () => {
    const info = await vscode.commands.executeCommand<EngineInfo>('knowledgeConsistency.showEngineInfo');
    assert.ok(info, 'showEngineInfo returned nothing');
    assert.equal(info.version, extension().packageJSON.version);
    assert.equal(typeof info.backend.name, 'string');
    assert.ok(info.backend.name.length > 0, 'backend.name is empty');
    assert.ok(info.backend.threads >= 1, `backend.threads = ${info.backend.threads}`);
    const workers = childCommandLines().filter((args) => args.includes('worker.js'));
    assert.ok(
      workers.length >= 1,
      `no worker.js child of the extension host (children: ${childCommandLines().join(' | ')})`,
    );
  });
});
