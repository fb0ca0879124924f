/**
 * The model.json reader (readTfjsFiles) on random and mutated weightsManifests, in a folder that holds every kind
 * of trap (a FIFO, a folder, symlinks to /dev/zero, to a file outside and to a file inside, a file listed under
 * two names). Whatever the manifest, it never opens or stats a file outside the model's folder, never throws
 * anything but a one-line KcError that names no outside file's size, and what it accepts hashes exactly the
 * in-folder files the manifest names.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, mock, test } from 'node:test';
import fc from 'fast-check';
import { KcError } from '../../../../src/engine/errors';
import { readTfjsFiles } from '../../../../src/engine/models/tfjs-files';
import { SAMPLES } from './helpers';

const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'kc-manifest-property-')));
after(() => rmSync(work, { recursive: true, force: true }));
const dir = path.join(work, 'model');
const outside = path.join(work, 'outside');
cpSync(path.join(SAMPLES, 'mnist-cnn-seed1', 'tfjs'), dir, { recursive: true });
mkdirSync(outside);
const FILE = path.join(dir, 'model.json');
const MODEL = JSON.parse(readFileSync(FILE, 'utf8')) as {
  weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
};
const WEIGHTS = readFileSync(path.join(dir, 'weights.bin'));
/** A size no message may show: that of a file outside the folder. */
const SECRET_SIZE = 31337;
writeFileSync(path.join(outside, 'secret.bin'), Buffer.alloc(SECRET_SIZE, 7));
writeFileSync(path.join(outside, 'weights.bin'), Buffer.from(WEIGHTS.map((b) => b ^ 0xff)));
writeFileSync(path.join(dir, 'small.bin'), Buffer.alloc(16));
mkdirSync(path.join(dir, 'sub'));
execFileSync('mkfifo', [path.join(dir, 'fifo.bin')]);
symlinkSync('/dev/zero', path.join(dir, 'zero.bin'));
symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'secret-link.bin'));
symlinkSync('weights.bin', path.join(dir, 'alias.bin'));

const PATHS = [
  'weights.bin',
  './weights.bin',
  'sub/../weights.bin',
  'alias.bin',
  'small.bin',
  'sub',
  '.',
  '',
  'fifo.bin',
  'zero.bin',
  'secret-link.bin',
  'missing.bin',
  '../outside/weights.bin',
  '../outside/secret.bin',
  '../../etc/passwd',
  path.join(outside, 'secret.bin'),
  path.join(dir, 'weights.bin'),
  '/dev/zero',
  '/proc/self/environ',
  'a\nb.bin',
  'x\0.bin',
];
const entry = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue()),
    shape: fc.oneof(
      fc.array(fc.nat({ max: 60_000 }), { maxLength: 3 }),
      fc.constant([WEIGHTS.length / 4]),
      fc.jsonValue(),
    ),
    dtype: fc.oneof(fc.constantFrom('float32', 'int32', 'uint8', 'float16', 'string', '__proto__'), fc.jsonValue()),
  },
  { requiredKeys: [] },
);
const group = fc.record(
  {
    paths: fc.oneof(
      fc.array(fc.oneof(fc.constantFrom(...PATHS), fc.string({ maxLength: 12 }), fc.jsonValue()), { maxLength: 4 }),
      fc.jsonValue(),
    ),
    weights: fc.oneof(fc.array(entry, { maxLength: 3 }), fc.constant(MODEL.weightsManifest[0].weights), fc.jsonValue()),
  },
  { requiredKeys: [] },
);
const manifest = fc.oneof(fc.array(group, { maxLength: 3 }), fc.jsonValue());

function insideFolder(file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

test(
  'readTfjsFiles (property): any manifest is read from inside the folder or refused with a one-line KcError',
  { timeout: 120_000 },
  async () => {
    let accepted = 0;
    const opened = mock.method(fsp, 'open');
    const statted = mock.method(fsp, 'stat');
    try {
      await fc.assert(
        fc.asyncProperty(manifest, async (weightsManifest) => {
          writeFileSync(FILE, JSON.stringify({ ...MODEL, weightsManifest }));
          opened.mock.resetCalls();
          statted.mock.resetCalls();
          let sha256: string | undefined;
          try {
            sha256 = (await readTfjsFiles(FILE)).sha256;
          } catch (e) {
            assert.ok(e instanceof KcError, `${(e as Error).name}: ${(e as Error).message}`);
            assert.ok(!/[\n\r\u2028\u2029]/.test(e.message), `one line: ${e.message}`);
            assert.ok(!new RegExp(`\\b${SECRET_SIZE}\\b`).test(e.message), e.message);
          }
          // Outside the folder, the reader only resolves paths (realpath); the repository search stats `.git` names.
          for (const call of [...opened.mock.calls, ...statted.mock.calls]) {
            const file = String(call.arguments[0]);
            assert.ok(insideFolder(file) || path.basename(file) === '.git', `touched ${file}`);
          }
          if (sha256 !== undefined) {
            // Accepted: the hash is that of model.json and the in-folder files the manifest names, nothing else.
            const hash = createHash('sha256').update(readFileSync(FILE));
            for (const g of weightsManifest as Array<{ paths?: string[] }>)
              for (const p of g.paths ?? []) hash.update(readFileSync(path.join(dir, p)));
            assert.equal(sha256, hash.digest('hex'));
            accepted++;
          }
        }),
        {
          numRuns: 400,
          examples: [
            [MODEL.weightsManifest],
            [[{ paths: ['alias.bin'], weights: [{ name: 'w', shape: [WEIGHTS.length], dtype: 'uint8' }] }]],
          ],
        },
      );
      assert.ok(accepted >= 2, `${accepted} manifests accepted`);
    } finally {
      opened.mock.restore();
      statted.mock.restore();
    }
  },
);
