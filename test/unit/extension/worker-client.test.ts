// The host's WorkerClient against real child processes that misbehave (test/fixtures/extension-host/
// misbehaving-worker.mjs): hangs, crashes, out of memory, a worker that ignores Cancel, and the next request after.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { CancelledError } from '../../../src/engine/cancel';
import type { CompareOptions } from '../../../src/engine/compare';
import { WorkerClient } from '../../../src/extension/worker/client';
import { WorkerCrashedError, WorkerTimeoutError } from '../../../src/extension/worker/errors';

const FAKE = path.join(__dirname, '../../fixtures/extension-host/misbehaving-worker.mjs');
const OPTIONS: CompareOptions = { modelA: 'a.onnx', modelB: 'b.onnx', probe: { source: 'synthetic', count: 8 } };

/** Deadlines short enough for a test, long enough for a child Node to start on a loaded machine. */
function client(mode: string, lines: string[] = []) {
  const log = (line: string) => void lines.push(line);
  const deadline = mode === 'hang' ? 1_000 : 20_000;
  return new WorkerClient({
    workerPath: FAKE,
    log: { trace: log, debug: log, info: log, warn: log, error: log },
    memoryLimitMb: () => 64,
    env: () => ({ KC_FAKE_MODE: mode }),
    timeouts: { engineInfoMs: deadline, compareSilenceMs: deadline, cancelGraceMs: 200 },
  });
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('WorkerClient', () => {
  it('answers from a worker that behaves', async () => {
    const c = client('polite');
    const info = await c.engineInfo();
    assert.equal(info.backend.name, 'fake');
    assert.equal(info.pid, c.pid);
    await c.restart();
    assert.ok(await gone(info.pid));
  });

  it('kills a worker that does not answer in time and says which request hung', async () => {
    const c = client('hang');
    const request = c.engineInfo();
    const pid = c.pid!;
    await request.then(
      () => assert.fail('a hung engineInfo resolved'),
      (error: unknown) => {
        assert.ok(error instanceof WorkerTimeoutError, String(error));
        assert.equal(error.method, 'kc/engineInfo');
      },
    );
    assert.ok(await gone(pid), 'the hung worker is still running');
  });

  it('reports a crash with its exit code and starts a fresh worker for the next request', async () => {
    const c = client('crash');
    const first = await c.engineInfo();
    const progress: number[] = [];
    await assert.rejects(c.compare(OPTIONS, { onProgress: (p) => progress.push(p.done) }), (error: unknown) => {
      assert.ok(error instanceof WorkerCrashedError, String(error));
      assert.equal(error.exitCode, 3);
      assert.match(error.message, /exited with code 3 during kc\/compare/);
      return true;
    });
    assert.deepEqual(progress, [1]);
    const next = await c.engineInfo();
    assert.notEqual(next.pid, first.pid);
    await c.restart();
  });

  it('explains an out-of-memory crash with the setting to raise', async () => {
    const c = client('oom');
    await assert.rejects(
      c.compare(OPTIONS),
      /ran out of memory \(limit 64 MB\): raise knowledgeConsistency\.workerMemoryLimitMb/,
    );
  });

  it('stops a compare on Cancel when the worker cooperates', async () => {
    const c = client('polite');
    const source = new CancellationTokenSource();
    let seen = 0;
    const running = c.compare(OPTIONS, { token: source.token, onProgress: () => ++seen === 3 && source.cancel() });
    await assert.rejects(running, CancelledError);
    assert.ok(c.pid !== undefined, 'a cooperative worker was killed');
    await c.restart();
  });

  it('kills a worker that ignores Cancel, and the next request gets a fresh one', async () => {
    const lines: string[] = [];
    const c = client('stubborn', lines);
    const pid = (await c.engineInfo()).pid;
    const source = new CancellationTokenSource();
    let seen = 0;
    await assert.rejects(
      c.compare(OPTIONS, { token: source.token, onProgress: () => ++seen === 3 && source.cancel() }),
      CancelledError,
    );
    assert.ok(
      lines.some((l) => /did not stop within 200 ms of Cancel; killing the worker/.test(l)),
      lines.join('\n'),
    );
    assert.ok(await gone(pid), 'the stubborn worker survived');
    assert.notEqual((await c.engineInfo()).pid, pid);
    await c.restart();
  });

  it('treats a compare that stops reporting progress as hung', async () => {
    const c = client('hang');
    const running = c.compare(OPTIONS);
    const pid = c.pid!;
    await assert.rejects(
      running,
      (error: unknown) => error instanceof WorkerTimeoutError && error.method === 'kc/compare',
    );
    assert.ok(await gone(pid), 'the hung worker is still running');
  });
});
