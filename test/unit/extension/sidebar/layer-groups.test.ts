import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupLayersByScope, type LayerTreeNode } from '../../../../src/extension/sidebar/layerGroups';
import type { LayerInfo } from '../../../../src/protocol/report';

const layer = (name: string, depth: number): LayerInfo => ({
  name,
  kind: 'conv',
  shape: [-1, 4, 4, 8],
  depth,
  probePoint: false,
});

/** The tree as text: "group(n)[…]" and leaf labels, with each leaf's full name checked against its path. */
function show(nodes: LayerTreeNode[]): unknown[] {
  return nodes.map((n) => (n.kind === 'leaf' ? n.label : { [`${n.label} (${n.count})`]: show(n.children) }));
}

test('flat names stay a flat list in their order', () => {
  const names = ['conv1', 'relu1', 'pool1', 'fc'];
  assert.deepEqual(show(groupLayersByScope(names.map(layer))), names);
});

test('TF.js graph names: the shared prefix goes, scopes become groups, one-layer scopes stay leaves', () => {
  const p = 'StatefulPartitionedCall/model';
  const names = [
    'input_1',
    `${p}/conv1/Relu`,
    `${p}/block_1/expand/Conv2D`,
    `${p}/block_1/expand/Relu6`,
    `${p}/block_1/project/BatchNorm`,
    `${p}/block_2/expand/Conv2D`,
    `${p}/block_2/expand/Relu6`,
    `${p}/logits/MatMul`,
  ];
  const tree = groupLayersByScope(names.map(layer));
  assert.deepEqual(show(tree), [
    // An unscoped input does not keep the shared prefix in every row.
    'input_1',
    'conv1/Relu',
    { 'block_1 (3)': [{ 'expand (2)': ['Conv2D', 'Relu6'] }, 'project/BatchNorm'] },
    // A group whose only child is a group merges with it.
    { 'block_2/expand (2)': ['Conv2D', 'Relu6'] },
    'logits/MatMul',
  ]);
  // Every layer is in the tree once, under the path of its full name.
  const leaves: Array<[string, string]> = [];
  const walk = (nodes: LayerTreeNode[], path: string) => {
    for (const n of nodes) {
      // An unscoped name sits at the top as it is.
      if (n.kind === 'leaf') leaves.push([n.layer.name, (n.layer.name.includes('/') ? path : '') + n.label]);
      else {
        assert.ok(n.path.startsWith(path), `${n.path} under ${path}`);
        walk(n.children, n.path);
      }
    }
  };
  walk(tree, `${p}/`);
  assert.deepEqual(leaves.map(([full]) => full).sort(), [...names].sort());
  for (const [full, shown] of leaves) assert.equal(shown, full);
});

test('torch.onnx names ("/features/0/Conv_output_0") group by module', () => {
  const names = ['/features/0/Conv_output_0', '/features/1/Relu_output_0', '/classifier/Gemm_output_0', 'logits'];
  assert.deepEqual(show(groupLayersByScope(names.map(layer))), [
    { 'features (2)': ['0/Conv_output_0', '1/Relu_output_0'] },
    'classifier/Gemm_output_0',
    'logits',
  ]);
});
