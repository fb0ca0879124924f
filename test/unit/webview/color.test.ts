import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorHex } from '../../../src/protocol/colors';
import { legendStops, luminance, textOn } from '../../../webview/model/color';

test('viridis end points, clamped outside [0, 1]', () => {
  assert.equal(colorHex(0), '#440154');
  assert.equal(colorHex(1), '#fde725');
  assert.equal(colorHex(-0.3), colorHex(0));
  assert.equal(colorHex(7), colorHex(1));
});

test('the scale is perceptually ordered: luminance rises with the value', () => {
  const stops = legendStops(11);
  assert.equal(stops.length, 11);
  for (let i = 1; i < stops.length; i++)
    assert.ok(luminance(stops[i].color) > luminance(stops[i - 1].color), `stop ${i}`);
});

test('cell labels pick the readable ink', () => {
  assert.equal(textOn(colorHex(0)), '#ffffff');
  assert.equal(textOn(colorHex(1)), '#000000');
});
