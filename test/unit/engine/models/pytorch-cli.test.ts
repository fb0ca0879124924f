/**
 * `kc layers` and `kc compare` on PyTorch files end to end (Debian's python3-torch at /usr/bin/python3), and the
 * one-line errors for what goes wrong with the interpreter or the file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Report } from '../../../../src/protocol/report';
import { kc } from '../../kc';
import { ROOT } from './helpers';

const DIR = path.join(ROOT, 'test/fixtures/models/pytorch');
const PYTHON = '/usr/bin/python3';
const work = mkdtempSync(path.join(tmpdir(), 'kc-torch-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** kc fails with exit code 1 and one `kc:` line matching `pattern`. */
async function fails(args: string[], pattern: RegExp): Promise<void> {
  const { code, stderr } = await kc(...args);
  assert.equal(code, 1, stderr);
  const line = stderr.trimEnd().split('\n').at(-1) ?? '';
  assert.match(line, /^kc: /);
  assert.match(line, pattern);
}

/** A copy of a TorchScript archive that says it was written in file format `version` (torch 1.13 reads up to 10). */
function withVersion(version: number): string {
  const file = path.join(work, `version-${version}.pt`);
  const script = [
    'import sys, zipfile',
    'src, dst, version = sys.argv[1:]',
    'with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as b:',
    '    for item in a.infolist():',
    '        data = a.read(item)',
    '        b.writestr(item, version + "\\n" if item.filename.endswith("/version") else data)',
  ].join('\n');
  execFileSync(PYTHON, ['-c', script, path.join(DIR, 'cnn.pt'), file, String(version)]);
  return file;
}

describe('kc on PyTorch files', () => {
  it('kc layers model.pt --python lists the modules', async () => {
    const { code, stdout, stderr } = await kc('layers', path.join(DIR, 'cnn.pt'), '--python', PYTHON);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^cnn \(torchscript, input \[28, 28, 1\]\): 8 layers, 2 probe points$/m);
    assert.match(stdout, /^0\s+conv\s+Conv2d\s+\[N, 28, 28, 4\]/m);
    assert.match(stdout, /^5\s+pool\s+MaxPool2d\s+\[N, 7, 7, 8\]\s+●/m);
    assert.match(stdout, /^7\s+dense\s+Linear\s+\[N, 10\]/m);
  });

  it('kc compare a.pt a.pt: every pair explains ≥ 0.98 of the other (60 MNIST probes)', async () => {
    const json = path.join(work, 'self.json');
    const model = path.join(DIR, 'cnn.pt');
    const run = await kc('compare', model, model, '--python', PYTHON, '--count', '60', '--json', json, '--quiet');
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    assert.equal(report.models?.a.format, 'torchscript');
    assert.ok(report.pairs.length >= 2);
    for (const pair of report.pairs)
      assert.ok(pair.explained >= 0.98, `${pair.layerA} ${pair.direction}: explained ${pair.explained}`);
  });

  it('an interpreter path that does not exist', async () => {
    await fails(
      ['layers', path.join(DIR, 'cnn.pt'), '--python', path.join(work, 'no-such-python')],
      /no Python at .*no-such-python \(--python\).*pass --python <path> or set KC_PYTHON/,
    );
  });

  it('an interpreter without torch: says which one and how to choose another', async () => {
    // Python without its site packages: no torch, whatever the machine has installed.
    const bare = path.join(work, 'bare-python');
    writeFileSync(bare, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
    chmodSync(bare, 0o755);
    await fails(
      ['layers', path.join(DIR, 'cnn.pt'), '--python', bare],
      /python3.* has no usable PyTorch \(import torch: No module named 'torch'\); install PyTorch for it .*choose another interpreter: pass --python <path> or set KC_PYTHON$/,
    );
  });

  it('KC_PYTHON picks the interpreter when --python is not given', async () => {
    const saved = process.env.KC_PYTHON;
    try {
      process.env.KC_PYTHON = path.join(work, 'no-such-python');
      await fails(['layers', path.join(DIR, 'cnn.pt')], /no Python at .*no-such-python \(KC_PYTHON\)/);
      process.env.KC_PYTHON = PYTHON;
      const run = await kc('layers', path.join(DIR, 'cnn.pt'));
      assert.equal(run.code, 0, run.stderr);
    } finally {
      if (saved === undefined) delete process.env.KC_PYTHON;
      else process.env.KC_PYTHON = saved;
    }
  });

  it('a pickled checkpoint without --allow-pickle is refused with the reason, before any Python runs', async () => {
    await fails(
      ['layers', path.join(DIR, 'cnn-pickled.pth'), '--python', path.join(work, 'no-such-python')],
      /cnn-pickled\.pth is a pickled PyTorch checkpoint .*runs any code the file contains.*--allow-pickle/,
    );
    const allowed = await kc('layers', path.join(DIR, 'cnn-pickled.pth'), '--python', PYTHON, '--allow-pickle');
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /torch-pickle.*8 layers/);
  });

  it('a state_dict is weights, not a model', async () => {
    await fails(['layers', path.join(DIR, 'weights.pth'), '--python', PYTHON], /weights\.pth holds weights only/);
  });

  it('a TorchScript file from a newer torch: the torch is too old, choose another interpreter', async () => {
    await fails(
      ['layers', withVersion(99), '--python', PYTHON],
      /version-99\.pt was saved by a newer PyTorch than torch .* in \/usr\/bin\/python3 .*choose an interpreter with a newer torch/,
    );
  });

  it('a torch.export program (.pt2) needs torch ≥ 2.2', async (t) => {
    const version = execFileSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    const [major, minor] = version.split('.').map(Number);
    if (major > 2 || (major === 2 && minor >= 2)) return t.skip(`this torch (${version.trim()}) reads .pt2 files`);
    const program = path.join(work, 'program.pt2');
    const zip =
      'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("program/serialized_exported_program.json", "{}")';
    execFileSync(PYTHON, ['-c', zip, program]);
    await fails(
      ['layers', program, '--python', PYTHON],
      /program\.pt2 is a torch\.export program, which needs torch 2\.2 or newer; \/usr\/bin\/python3 has torch 1\..*choose an interpreter with a newer torch/,
    );
  });
});
