import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withProbePoints, type GraphLayer } from '../../../../src/engine/models/probe-points';

const layer = (name: string, kind: string, inputs: string[], extra: Partial<GraphLayer> = {}): GraphLayer => ({
  name,
  kind,
  op: kind,
  inputs,
  shape: [-1, 8, 8, 16],
  activating: kind === 'activation',
  ...extra,
});
const probes = (layers: GraphLayer[]) =>
  withProbePoints(layers)
    .filter((l) => l.probePoint)
    .map((l) => l.name);

describe('default probe points', () => {
  it('take the pooling after an activation instead of the activation', () => {
    assert.deepEqual(
      probes([
        layer('c1', 'conv', []),
        layer('r1', 'activation', ['c1']),
        layer('p1', 'pool', ['r1']),
        layer('c2', 'conv', ['p1']),
        layer('r2', 'activation', ['c2']),
      ]),
      ['p1', 'r2'],
    );
  });

  it('ResNet v1 block (add → relu) ends at the relu; pre-activation block (add → conv) ends at the add', () => {
    const v1 = [
      layer('c1', 'conv', []),
      layer('r1', 'activation', ['c1']),
      layer('c2', 'conv', ['r1']),
      layer('add', 'add', ['c2', 'r1']),
      layer('r2', 'activation', ['add']),
    ];
    assert.deepEqual(probes(v1), ['r1', 'r2']);
    const pre = [
      layer('x', 'activation', []),
      layer('c', 'conv', ['x']),
      layer('add', 'add', ['c', 'x']),
      layer('n', 'norm', ['add']),
      layer('y', 'activation', ['n']),
      layer('c2', 'conv', ['add']),
    ];
    assert.deepEqual(probes(pre), ['x', 'add', 'y']);
  });

  it('post-norm residual blocks end at the norm; softmax and fused-activation convs', () => {
    assert.deepEqual(
      probes([
        layer('d', 'dense', [], { shape: [-1, 4, 32] }),
        layer('add', 'add', ['d']),
        layer('ln', 'norm', ['add'], { shape: [-1, 4, 32] }),
      ]),
      ['ln'],
    );
    assert.deepEqual(
      probes([
        layer('c', 'conv', [], { activating: true }),
        layer('fc', 'dense', ['c'], { shape: [-1, 10] }),
        layer('sm', 'activation', ['fc'], { activating: false, shape: [-1, 10] }),
      ]),
      ['c'],
    );
  });

  it('thin a deep model to 16 defaults: every stage output, then block outputs, spread over depth', () => {
    const layers: GraphLayer[] = [];
    let prev: string[] = [];
    for (let i = 0; i < 30; i++) {
      const side = 64 >> Math.floor(i / 10);
      const shape = [-1, side, side, 8];
      layers.push(layer(`c${i}`, 'conv', prev, { shape }), layer(`r${i}`, 'activation', [`c${i}`], { shape }));
      prev = [`r${i}`];
      if (i % 5 === 4) {
        layers.push(
          layer(`add${i}`, 'add', [`r${i}`, `r${i - 1}`], { shape }),
          layer(`post${i}`, 'conv', [`add${i}`], { shape }),
        );
        prev = [`post${i}`];
      }
    }
    const chosen = probes(layers);
    assert.equal(chosen.length, 16);
    for (const stageEnd of ['add9', 'add19', 'add29']) assert.ok(chosen.includes(stageEnd), stageEnd);
    for (const block of ['add4', 'add14', 'add24']) assert.ok(chosen.includes(block), block);
    const depth = new Map(withProbePoints(layers).map((l) => [l.name, l.depth]));
    assert.deepEqual(
      chosen,
      [...chosen].sort((a, b) => depth.get(a)! - depth.get(b)!),
    );
  });

  it('only [N, C], [N, T, C] and [N, H, W, C] outputs qualify; depth is the listing order', () => {
    const listed = withProbePoints([
      layer('r3d', 'activation', [], { shape: [-1, 4, 4, 4, 8] }),
      layer('r', 'activation', ['r3d']),
    ]);
    assert.deepEqual(
      listed.map((l) => [l.name, l.depth, l.probePoint]),
      [
        ['r3d', 0, false],
        ['r', 1, true],
      ],
    );
  });
});
