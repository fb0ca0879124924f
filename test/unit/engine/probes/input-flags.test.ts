/**
 * kc's --input-range and --input-size: parsed, checked in one line, applied, and stated in the CLI summary and the
 * JSON report's probe section.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { probeOptions } from '../../../../src/cli/probe-flags';
import type { Report } from '../../../../src/protocol/report';
import { kc } from '../../kc';
import { divides255Model, dynamicSizeModel } from './input-models';

const work = mkdtempSync(path.join(tmpdir(), 'kc-input-flags-'));
after(() => rmSync(work, { recursive: true, force: true }));
const flags = { probe: 'mnist', count: '20' };

describe('--input-range and --input-size', () => {
  it('are parsed into the compare options; bad values are refused in one line', () => {
    const parsed = probeOptions({ ...flags, inputRange: '-1, 1', inputSize: '64,48' });
    assert.deepEqual(parsed.normalization?.range, [-1, 1]);
    assert.deepEqual(parsed.inputSize, [64, 48]);
    assert.deepEqual(probeOptions({ ...flags, probeRange: '0,255' }).normalization?.range, [0, 255], 'the old name');
    assert.equal(probeOptions(flags).inputSize, undefined);
    assert.equal(probeOptions(flags).normalization?.range, undefined, 'no flag: read from the model');
    for (const [bad, message] of [
      [{ inputRange: '0' }, /--input-range needs two numbers lo,hi with lo < hi \(e\.g\. 0,255\), got "0"/],
      [{ inputRange: '255,0' }, /--input-range needs two numbers lo,hi with lo < hi/],
      [{ inputRange: '0,x' }, /--input-range needs a number, got "x"/],
      [{ inputRange: '0,1', probeRange: '0,1' }, /--probe-range is the old name of --input-range: give one of them/],
      [{ inputSize: '64' }, /--input-size needs two whole numbers H,W between 1 and 4096, got "64"/],
      [{ inputSize: '64,0' }, /--input-size needs two whole numbers H,W/],
      [{ inputSize: '64,4.5' }, /--input-size needs a whole number, got "4\.5"/],
    ] as const) {
      assert.throws(() => probeOptions({ ...flags, ...bad }), message);
    }
  });

  it('kc compare feeds a dynamic-size model at --input-size and a /255 model the range given, and says so', async () => {
    const dynamic = dynamicSizeModel(work);
    const json = path.join(work, 'dynamic.json');
    const run = await kc(
      'compare',
      dynamic,
      divides255Model(work),
      '--count',
      '40',
      '--epochs',
      '1',
      '--layers-a',
      'relu',
      '--layers-b',
      'relu',
      '--direction',
      'a2b',
      '--input-size',
      '64,64',
      '--input-range',
      '0,1',
      '--json',
      json,
    );
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    const [a, b] = report.probe.inputs ?? [];
    assert.deepEqual([a.size, a.sizeSource], [[64, 64], 'option']);
    assert.deepEqual([b.size, b.sizeSource], [[28, 28], 'model']);
    assert.deepEqual([a.range, a.rangeSource, b.range, b.rangeSource], [[0, 1], 'option', [0, 1], 'option']);
    assert.deepEqual(report.pairs[0].shapeA, [64, 64, 1]);
    assert.match(
      run.stdout,
      /input A: float32 input, pixels 0\.\.1 \(set by --input-range.*\), 64×64 \(set by --input-size\)/,
    );
    assert.match(run.stdout, /input B: float32 input, .*28×28 \(the model fixes it\)/);
  });
});
