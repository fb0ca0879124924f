// A report never replaces what the job reads (models, the saved report, feature or probe files) nor another report
// (the heatmap PNG beside the Markdown included): refused before the job runs, with one line, whatever the spelling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KcError } from '../../../src/engine/errors';
import { writeNpy } from '../../../src/engine/features/npy';
import { checkReportTargets } from '../../../src/engine/report/targets';
import { plantedReport } from '../engine/compare/report-fixture';
import { kc, ROOT } from '../kc';
import { tempFolders } from '../temp-folders';

const folder = tempFolders('collide');

/** A folder with two stand-in model files (never opened: the refusal comes first) and a saved report. */
async function workspace(): Promise<{ dir: string; a: string; b: string; saved: string }> {
  const dir = await folder();
  const a = path.join(dir, 'a.onnx'),
    b = path.join(dir, 'b.onnx'),
    saved = path.join(dir, 'r.json');
  await writeFile(a, 'model A bytes');
  await writeFile(b, 'model B bytes');
  await writeFile(saved, JSON.stringify(plantedReport()));
  return { dir, a, b, saved };
}

const refused = (message: string) => (e: unknown) => {
  assert.ok(e instanceof KcError, String(e));
  assert.equal(e.message, message);
  return true;
};

test('checkReportTargets: a report onto an input, however spelt (relative, .., symlink, hard link), is refused', async () => {
  const { dir, a, b } = await workspace();
  const models = [
    { file: a, what: 'model A' },
    { file: b, what: 'model B' },
  ];
  await assert.rejects(
    checkReportTargets({ json: a }, models),
    refused(`cannot write the JSON report to ${a}: it is model A; choose another path`),
  );
  await assert.rejects(
    checkReportTargets({ md: b }, models),
    refused(`cannot write the Markdown report to ${b}: it is model B; choose another path`),
  );
  const dotted = path.join(dir, 'sub', '..', 'a.onnx');
  await mkdir(path.join(dir, 'sub'));
  await assert.rejects(
    checkReportTargets({ html: dotted }, models),
    refused(`cannot write the HTML report to ${dotted}: it is model A; choose another path`),
  );
  const relative = path.relative(process.cwd(), a);
  await assert.rejects(checkReportTargets({ json: relative }, models), /it is model A/);
  const linked = path.join(dir, 'link.json');
  await symlink(a, linked);
  await assert.rejects(
    checkReportTargets({ json: linked }, models),
    refused(`cannot write the JSON report to ${linked}: it is model A; choose another path`),
  );
  const hard = path.join(dir, 'hard.json');
  await link(b, hard);
  await assert.rejects(checkReportTargets({ json: hard }, models), /it is model B/);
  // The model given through a symlinked folder is the same file.
  const alias = path.join(dir, 'alias');
  await symlink(dir, alias);
  await assert.rejects(
    checkReportTargets({ json: a }, [{ file: path.join(alias, 'a.onnx'), what: 'model A' }]),
    /it is model A/,
  );
  // An input that does not exist (the job will say so) blocks nothing; other files are fine.
  await checkReportTargets({ json: path.join(dir, 'r.json'), html: path.join(dir, 'new', 'r.html') }, [
    ...models,
    { file: path.join(dir, 'gone.npy'), what: 'the probe file' },
  ]);
});

test('checkReportTargets: two reports onto one file, or a report onto the heatmap PNG of the Markdown, are refused', async () => {
  const { dir } = await workspace();
  const out = path.join(dir, 'out');
  await assert.rejects(
    checkReportTargets({ json: out, html: out }),
    refused(`cannot write the HTML report to ${out}: the JSON report is written there too; choose another path`),
  );
  await assert.rejects(
    checkReportTargets({ json: path.join(dir, 'x.md'), md: path.join(dir, 'x.md') }),
    /the JSON report is written there too/,
  );
  // Not yet existing, spelt differently: the real path of the nearest existing folder plus the rest decides.
  await symlink(dir, path.join(dir, 'same'));
  const other = path.join(dir, 'same', 'new', '..', 'out');
  await assert.rejects(
    checkReportTargets({ html: out, md: other }),
    /cannot write the Markdown report to .*: the HTML report is written there too/,
  );
  const png = path.join(dir, 'r.heatmap.png');
  await assert.rejects(
    checkReportTargets({ html: png, md: path.join(dir, 'r.md') }),
    refused(
      `cannot write the Markdown report's heatmap PNG to ${png}: the HTML report is written there too; choose another path`,
    ),
  );
  await assert.rejects(
    checkReportTargets({ md: path.join(dir, 'r.md') }, [{ file: await touch(png), what: 'model A' }]),
    /heatmap PNG .*: it is model A/,
  );
  await checkReportTargets({
    json: path.join(dir, 'r.json'),
    html: path.join(dir, 'r.html'),
    md: path.join(dir, 'r.md'),
  });
});

async function touch(file: string): Promise<string> {
  await writeFile(file, '');
  return file;
}

test('kc compare --json onto model A, --md onto model B, --html onto the heatmap PNG: one line, exit 1, models unchanged', async () => {
  const { dir, a, b } = await workspace();
  const png = path.join(dir, 'r.heatmap.png');
  const cases: Array<[string[], string]> = [
    [['--json', a], `kc: cannot write the JSON report to ${a}: it is model A; choose another path`],
    [['--md', b], `kc: cannot write the Markdown report to ${b}: it is model B; choose another path`],
    [
      ['--md', path.join(dir, 'r.md'), '--html', png],
      `kc: cannot write the Markdown report's heatmap PNG to ${png}: the HTML report is written there too; choose another path`,
    ],
  ];
  for (const [flags, message] of cases) {
    const run = await kc('compare', a, b, ...flags);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, `${message}\n`);
  }
  assert.equal(await readFile(a, 'utf8'), 'model A bytes');
  assert.equal(await readFile(b, 'utf8'), 'model B bytes');
});

test("kc compare --json onto a TF.js model's weight shard is refused and the shard stays", async () => {
  const dir = await folder();
  await cp(path.join(ROOT, 'samples', 'mnist-cnn-seed1', 'tfjs'), dir, { recursive: true });
  const [model, shard] = [path.join(dir, 'model.json'), path.join(dir, 'weights.bin')];
  const before = await readFile(shard);
  const run = await kc('compare', model, model, '--json', shard);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    run.stderr,
    `kc: cannot write the JSON report to ${shard}: it is a weight file of model A; choose another path\n`,
  );
  assert.deepEqual(await readFile(shard), before);
});

test('kc compare --probe p.npy --json p.npy is refused', async () => {
  const { dir, a, b } = await workspace();
  const probe = path.join(dir, 'p.npy');
  await writeNpy(probe, [2, 4, 4, 1], new Float32Array(32));
  const run = await kc('compare', a, b, '--probe', probe, '--json', probe);
  assert.equal(run.stderr, `kc: cannot write the JSON report to ${probe}: it is the probe file; choose another path\n`);
});

test('kc report r.json --html r.json is refused and the saved report stays', async () => {
  const { saved } = await workspace();
  const before = await readFile(saved, 'utf8');
  const run = await kc('report', saved, '--html', saved);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    `kc: cannot write the HTML report to ${saved}: it is the report being read; choose another path\n`,
  );
  assert.equal(await readFile(saved, 'utf8'), before);
});

test('kc disentangle a.npy b.npy --json b.npy is refused before any training', async () => {
  const { dir } = await workspace();
  const [fa, fb] = ['fa.npy', 'fb.npy'].map((name) => path.join(dir, name));
  for (const file of [fa, fb])
    await writeNpy(
      file,
      [40, 3],
      Float32Array.from({ length: 120 }, (_, i) => Math.sin(i)),
    );
  const run = await kc('disentangle', fa, fb, '--json', fb);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, `kc: cannot write the JSON report to ${fb}: it is feature file B; choose another path\n`);
  assert.equal(run.stdout, '');
});
