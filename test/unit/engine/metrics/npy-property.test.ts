/**
 * The .npy reader on mutated files (header bytes, header text, version, header length, truncation): whatever the
 * bytes, it returns a valid feature tensor or throws a one-line KcError, nothing else. Before: the header's text was
 * quoted as it was in 'unreadable .npy header: …', "dtype '…'" and 'bad shape (…)', so a NUL, an escape or a newline
 * in it reached the message (found in the first runs).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { KcError } from '../../../../src/engine/errors';
import { readNpy } from '../../../../src/engine/features/npy';

const work = mkdtempSync(path.join(tmpdir(), 'kc-npy-property-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A valid float32 [3, 2] file: magic, version 1.0, header length, the dict, 24 data bytes. */
function npy(dict: string, version = 1, data = Buffer.alloc(24, 0x3f)): Buffer {
  const text = Buffer.from(`${dict}\n`, 'latin1');
  const length = Buffer.alloc(version === 1 ? 2 : 4);
  if (version === 1) length.writeUInt16LE(text.length & 0xffff);
  else length.writeUInt32LE(text.length);
  return Buffer.concat([Buffer.from('\x93NUMPY', 'latin1'), Buffer.from([version, 0]), length, text, data]);
}
const DICT = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";

/** Text that can stand for a header field: values NumPy writes, nonsense, huge numbers, controls and newlines. */
const field = fc.oneof(
  fc.constantFrom('<f4', '>f8', '|f4', '<i4', 'True', 'False', '(3, 2)', '(6,)', '(1, 2, 1, 3)', '(0, 2)', '()'),
  fc.constantFrom('(1e400, 2)', '(-1, 6)', '(99999999999, 99999999999)', '(2.5, 2)', '(0x3, 2)', '(3,\n2)'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('\n', '\r', '\x1b[31m', '\u2028', '\u202e', "'", ')', '{', ','),
);

const mutated = fc.oneof(
  // Header fields replaced or spliced with arbitrary text.
  fc
    .tuple(field, field, field)
    .map(([descr, fortran, shape]) => npy(`{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`)),
  // Arbitrary bytes written over the header.
  fc.array(fc.tuple(fc.nat({ max: 80 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }).map((edits) => {
    const bytes = npy(DICT);
    for (const [at, value] of edits) bytes[at % bytes.length] = value;
    return bytes;
  }),
  // Another version, a wrong header length, or the file cut short.
  fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 0xffffffff })).map(([version, length]) => {
    const bytes = npy(DICT, version === 1 ? 1 : 2);
    bytes[6] = version;
    if (version === 1) bytes.writeUInt16LE(length & 0xffff, 8);
    else bytes.writeUInt32LE(length, 8);
    return bytes;
  }),
  fc.nat({ max: 100 }).map((keep) => npy(DICT).subarray(0, keep)),
  // A whole header of arbitrary text, with data that may or may not fit it.
  fc
    .tuple(fc.string({ unit: 'binary', maxLength: 80 }), fc.nat({ max: 64 }))
    .map(([dict, n]) => npy(dict, 1, Buffer.alloc(n, 0x40))),
);

test('mutated .npy files: a valid tensor or a one-line KcError, never anything else', async () => {
  let file = 0;
  await fc.assert(
    fc.asyncProperty(mutated, async (bytes) => {
      const target = path.join(work, `f${file++}.npy`);
      writeFileSync(target, bytes);
      const outcome = await readNpy(target).catch((e: unknown) => e);
      if ('shape' in (outcome as object)) {
        const t = outcome as Awaited<ReturnType<typeof readNpy>>;
        assert.equal(
          t.data.length,
          t.shape.reduce((p, s) => p * s, 1),
        );
        assert.ok(t.data.every(Number.isFinite));
      } else {
        assert.ok(
          outcome instanceof KcError,
          `not a KcError: ${outcome instanceof Error ? outcome.stack : String(outcome)}`,
        );
        assert.ok(
          !/[\u0000-\u001f\u2028\u2029]/.test(outcome.message),
          `not one line: ${JSON.stringify(outcome.message)}`,
        );
      }
    }),
    { numRuns: 400, seed: 5 },
  );
});
