import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withProbePoints, type GraphLayer } from '../../../src/engine/models/probe-points';

const layer = (name: string, kind: string, inputs: string[], extra: Partial<GraphLayer> = {}): GraphLayer => ({
  name, kind, op: kind, inputs, shape: [-1, 8, 8, 16], activating: kind === 'activation', ...extra,
});
const probes = (layers: GraphLayer[]) => withProbePoints(layers).filter((l) => l.probePoint).map((l) => l.name);

describe('default probe points', () => {
  it('take the pooling after an activation instead of the activation', () => {
    assert.deepEqual(probes([layer('c1', 'conv', []), layer('r1', 'activation', ['c1']), layer('p1', 'pool', ['r1']), layer('c2', 'conv', ['p1']), layer('r2', 'activation', ['c2'])]), ['p1', 'r2']);
  });

  it('ResNet v1 block (add → relu) ends at the relu; pre-activation block (add → conv) ends at the add', () => {
    const v1 = [layer('c1', 'conv', []), layer('r1', 'activation', ['c1']), layer('c2', 'conv', ['r1']), layer('add', 'add', ['c2', 'r1']), layer('r2', 'activation', ['add'])];
    assert.deepEqual(probes(v1), ['r1', 'r2']);
    const pre = [layer('x', 'activation', []), layer('c', 'conv', ['x']), layer('add', 'add', ['c', 'x']), layer('n', 'norm', ['add']), layer('y', 'activation', ['n']), layer('c2', 'conv', ['add'])];
    assert.deepEqual(probes(pre), ['x', 'add', 'y']);
  });

  it('post-norm residual blocks end at the norm; softmax and fused-activation convs', () => {
    assert.deepEqual(probes([layer('d', 'dense', [], { shape: [-1, 4, 32] }), layer('add', 'add', ['d']), layer('ln', 'norm', ['add'], { shape: [-1, 4, 32] })]), ['ln']);
    assert.deepEqual(probes([layer('c', 'conv', [], { activating: true }), layer('fc', 'dense', ['c'], { shape: [-1, 10] }), layer('sm', 'activation', ['fc'], { activating: false, shape: [-1, 10] })]), ['c']);
  });

  it('only [N, C], [N, T, C] and [N, H, W, C] outputs qualify; depth is the listing order', () => {
    const listed = withProbePoints([layer('r3d', 'activation', [], { shape: [-1, 4, 4, 4, 8] }), layer('r', 'activation', ['r3d'])]);
    assert.deepEqual(listed.map((l) => [l.name, l.depth, l.probePoint]), [['r3d', 0, false], ['r', 1, true]]);
  });
});
