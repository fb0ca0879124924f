import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorFor, legendStops, luminance, textOn } from '../../../webview/model/color';

test('viridis end points, clamped outside [0, 1]', () => {
  assert.equal(colorFor(0), '#440154');
  assert.equal(colorFor(1), '#fde725');
  assert.equal(colorFor(-0.3), colorFor(0));
  assert.equal(colorFor(7), colorFor(1));
});

test('the scale is perceptually ordered: luminance rises with the value', () => {
  const stops = legendStops(11);
  assert.equal(stops.length, 11);
  for (let i = 1; i < stops.length; i++) assert.ok(luminance(stops[i].color) > luminance(stops[i - 1].color), `stop ${i}`);
});

test('cell labels pick the readable ink', () => {
  assert.equal(textOn(colorFor(0)), '#ffffff');
  assert.equal(textOn(colorFor(1)), '#000000');
});
