// Where the layers of a TF.js model.json are declared: the sample layers model, a functional model and a graph model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { modelJsonLayers } from '../../../../src/extension/inline/layerEntries';

test('sample layers model: every layer, in order, at its "name" property', () => {
  const text = readFileSync('samples/mnist-cnn-seed1/tfjs/model.json', 'utf8');
  const found = modelJsonLayers(text)!;
  assert.deepEqual(
    found.entries.map((e) => e.name),
    ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc1', 'relu3', 'fc2'],
  );
  for (const e of found.entries) assert.equal(text.slice(e.offset, e.offset + e.length), `"name": "${e.name}"`);
  assert.equal(found.entries[0].kind, 'Conv2D');
  assert.ok(text.slice(found.topologyOffset).startsWith('"modelTopology"'));
});

test('functional layers model (model_config): the name inside config, not the model name', () => {
  const text = JSON.stringify(
    {
      modelTopology: {
        model_config: {
          class_name: 'Functional',
          config: {
            name: 'net',
            layers: [
              { class_name: 'InputLayer', name: 'in', config: { name: 'in' } },
              { class_name: 'Dense', name: 'd1', config: { name: 'd1', units: 3 } },
            ],
          },
        },
      },
    },
    null,
    1,
  );
  const entries = modelJsonLayers(text)!.entries;
  assert.deepEqual(
    entries.map((e) => [e.name, e.kind]),
    [
      ['in', 'InputLayer'],
      ['d1', 'Dense'],
    ],
  );
  // The config's name property, which sits after the top-level one.
  assert.ok(entries[1].offset > text.indexOf('"name": "d1"'));
});

test('graph model: the node list', () => {
  const text = JSON.stringify(
    {
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder' },
          { name: 'model/conv/Relu', op: 'Relu', input: ['x'] },
        ],
      },
    },
    null,
    2,
  );
  assert.deepEqual(
    modelJsonLayers(text)!.entries.map((e) => [e.name, e.kind]),
    [
      ['x', 'Placeholder'],
      ['model/conv/Relu', 'Relu'],
    ],
  );
});

test('not a model, or half-typed JSON: nothing, no exception', () => {
  assert.equal(modelJsonLayers('{"name": "package", "version": "1.0.0"}'), undefined);
  assert.deepEqual(
    modelJsonLayers('{"modelTopology": {"config": {"layers": [{"config": {"name": "a"}}, {"config": {"na')?.entries.map(
      (e) => e.name,
    ),
    ['a'],
  );
  assert.equal(modelJsonLayers(''), undefined);
});
