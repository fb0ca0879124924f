import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openProbe } from '../../../../src/engine/probes/index';

test('MNIST fed to a colour or larger-input model is said, with what to do; to an MNIST-sized gray model it is not', async () => {
  const face = await openProbe({ source: 'mnist', count: 10 }, { height: 224, width: 224, channels: 3 });
  assert.ok(
    face.warnings.some((w) =>
      /MNIST digits \(28×28 gray\) but the model takes 224×224×3 colour images.*--probe <folder>/.test(w),
    ),
    face.warnings.join('\n'),
  );
  const digits = await openProbe({ source: 'mnist', count: 10 }, { height: 28, width: 28, channels: 1 });
  assert.deepEqual(digits.warnings, []);
  const small = await openProbe({ source: 'mnist', count: 10 }, { height: 32, width: 32, channels: 3 });
  assert.equal(small.warnings.length, 1, 'a 32×32 colour model still gets the warning');
});
