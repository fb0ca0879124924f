/**
 * A probe folder is untrusted input: an image's declared size is checked against a pixel cap before it is decoded
 * (JPEG had jpeg-js's cap; PNG had none, and a 16000×16000 PNG of 32 KB decoded to gigabytes).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { KcError } from '../../../../src/engine/errors';
import { openProbe } from '../../../../src/engine/probes/index';

const work = mkdtempSync(path.join(tmpdir(), 'kc-png-size-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A complete, valid black PNG of width × height, 1-bit grayscale: tiny on disk whatever its size. */
function blackPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, adaptive filters, not interlaced
  const rows = deflateSync(Buffer.alloc((1 + Math.ceil(width / 8)) * height)); // filter byte 0 + zero bits per row
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function firstSample(dir: string): Promise<void> {
  const probe = await openProbe({ source: dir, count: 2 }, { height: 28, width: 28, channels: 1 });
  for await (const _ of probe.samples()) return;
}

test('the PNG writer of this test makes real PNGs (a small one decodes to its size, all black)', () => {
  const png = PNG.sync.read(blackPng(37, 5));
  assert.deepEqual([png.width, png.height], [37, 5]);
  assert.ok(png.data.every((v, i) => v === (i % 4 === 3 ? 255 : 0)));
});

test('a 16000×16000 PNG in a probe folder is refused from its header, before decoding', async () => {
  const dir = path.join(work, 'huge');
  const bytes = blackPng(16000, 16000);
  assert.ok(bytes.length < 64 * 1024, `${bytes.length} bytes on disk`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'huge.png'), bytes);
  await assert.rejects(firstSample(dir), (e: Error) => {
    assert.ok(e instanceof KcError, `${e.name}: ${e.message}`);
    assert.match(e.message, /huge\.png is 16000×16000 pixels; probe images may have at most 100 megapixels/);
    return true;
  });
});
