import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../../../../src/protocol/report';
import { plantedReport } from '../compare/report-fixture';
import { kc } from '../../kc';
import { tempFolders } from '../../temp-folders';

const tempDir = tempFolders('report');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const edited = (change: (r: any) => void): Report => {
  const r = plantedReport();
  change(r);
  return r;
};

test('kc report refuses hostile reports in one line, before rendering anything', async () => {
  const dir = await tempDir();
  const cases: Array<[string, Report, string]> = [
    ['missing.json', edited((r) => delete r.pairs[1].inconsistent), '/pairs/1/inconsistent is missing'],
    // Before: rendering allocated for 10⁹ orders (> 3 GB, no end in sight).
    ['orders.json', edited((r) => (r.settings.orders = 1e9)), '/settings/orders must be <= 16'],
    // Before: 2 million points, "internal error: Maximum call stack size exceeded"; a file that size (67 MB) is now
    // refused by its size (read-file.test.ts), a curve above the cap by the schema.
    [
      'curve.json',
      edited((r) => (r.pairs[0].training.curve = new Array(20_000).fill(r.pairs[0].training.curve[0]))),
      '/pairs/0/training/curve must NOT have more than 10000 items',
    ],
  ];
  for (const [name, report, problem] of cases) {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify(report));
    const html = path.join(dir, `${name}.html`);
    const run = await kc('report', file, '--html', html);
    assert.equal(run.code, 1, name);
    assert.equal(run.stderr, `kc: ${file} is not a valid knowledge-consistency report: ${problem}\n`);
    await assert.rejects(stat(html), /ENOENT/, `${name}: nothing written`);
  }
});

test('kc report renders 1,500 pairs of distinct layers into a few MB of HTML (before: 273 MB)', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 'pairs.json');
  await writeFile(
    file,
    JSON.stringify(
      edited((r) => {
        delete r.matrix;
        r.pairs = Array.from({ length: 1500 }, (_, i) => ({ ...r.pairs[0], layerA: `a${i}`, layerB: `b${i}` }));
      }),
    ),
  );
  const html = path.join(dir, 'pairs.html');
  const run = await kc('report', file, '--html', html);
  assert.equal(run.code, 0, run.stderr);
  assert.ok((await stat(html)).size < 10 * 1024 * 1024, `${(await stat(html)).size} bytes`);
});
