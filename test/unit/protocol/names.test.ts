import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysisTitle, modelDisplayName } from '../../../src/protocol/names';

test('one display name for a model file, whatever the path style', () => {
  assert.equal(modelDisplayName('/w/nets/resnet18.onnx'), 'resnet18');
  assert.equal(modelDisplayName('/w/samples/mnist-cnn-seed1/model.onnx'), 'mnist-cnn-seed1');
  // The format folder tells a TF.js export from the ONNX file beside it.
  assert.equal(modelDisplayName('/w/samples/mnist-cnn-seed1/tfjs/model.json'), 'mnist-cnn-seed1/tfjs');
  assert.equal(modelDisplayName('C:\\w\\samples\\mnist-cnn-seed1\\tfjs\\model.json'), 'mnist-cnn-seed1/tfjs');
  assert.equal(modelDisplayName('model.onnx'), 'model');
  assert.equal(modelDisplayName('/w/faces/MODEL.JSON'), 'faces');
  assert.equal(modelDisplayName('/w/runs/resnet-seed3.pth'), 'resnet-seed3');
  assert.equal(modelDisplayName('/w/mnist-cnn-seed1/model.pt'), 'mnist-cnn-seed1');
  assert.equal(analysisTitle('/w/a/model.onnx', '/w/b.onnx'), 'a ↔ b');
});
