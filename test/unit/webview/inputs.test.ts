import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inputsLine } from '../../../webview/model/inputs';
import type { ProbeInput } from '../../../src/protocol/report';

test('the panel head says how the probe was fed to each model, alike models once, with the reasons as tooltip', () => {
  assert.equal(inputsLine(undefined), undefined);
  assert.equal(inputsLine({ inputs: [] }), undefined);
  const face: ProbeInput = {
    model: 'A',
    dtype: 'float32',
    range: [0, 255],
    rangeSource: 'model',
    rangeReason:
      'a trial run found conv_pw_13_relu/Relu on 16 probes: 1019 of 1024 channels constant at 0..1, 95 at 0..255',
    size: [224, 224],
    sizeSource: 'model',
  };
  const same = inputsLine({ inputs: [face, { ...face, model: 'B' }] })!;
  assert.equal(same.text, 'input: A, B float32 0..255 (model), 224×224 (model)');
  assert.match(same.title, /^A: float32 input, pixels 0\.\.255 \(from the model: a trial run found conv_pw_13/);
  assert.equal(same.title.split('\n').length, 2);
  const mixed = inputsLine({
    inputs: [
      face,
      {
        model: 'B',
        dtype: 'int32',
        range: [0, 255],
        rangeSource: 'model',
        size: [32, 32],
        sizeSource: 'default',
        sizeReason: "the probe's 28×28 rounded to a multiple of 32",
      },
    ],
  })!;
  assert.equal(
    mixed.text,
    'input: A float32 0..255 (model), 224×224 (model) · B int32 0..255 (model), 32×32 (default)',
  );
  assert.match(
    mixed.title,
    /B: int32 input, pixels 0\.\.255 as whole numbers .*32×32 \(the probe's 28×28 rounded to a multiple of 32; set --input-size/,
  );
});
