import { test } from 'node:test';
import path from 'node:path';
import { listLayers } from '../../../../src/engine/compare';
import assert from 'node:assert/strict';
import { pairByDepth, pairLayers, scaleWarnings } from '../../../../src/engine/pairing';
import { KcError } from '../../../../src/engine/errors';
import type { LayerInfo } from '../../../../src/protocol/report';

/** A depth-ordered layer list; names in `probes` are probe points. */
function model(names: string[], probes: string[]): LayerInfo[] {
  return names.map((name, depth) => ({
    name,
    kind: 'conv',
    shape: [-1, 8, 8, 4],
    depth,
    probePoint: probes.includes(name),
  }));
}

/** Pairs as 'A↔B', so that one line shows a whole pairing. */
const arrows = (pairs: Array<{ layerA: string; layerB: string }>) => pairs.map((x) => `${x.layerA}↔${x.layerB}`);

const cnn = model(
  ['input', 'conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'flatten', 'fc1', 'relu3', 'fc2'],
  ['relu1', 'relu2', 'relu3'],
);

test('models that share names pair same-named probe points', () => {
  const p = pairLayers(cnn, cnn);
  assert.equal(p.rule, 'same-name');
  assert.deepEqual(arrows(p.pairs), ['relu1↔relu1', 'relu2↔relu2', 'relu3↔relu3']);
  assert.deepEqual(p.layersA, ['relu1', 'relu2', 'relu3']);
});

test('models without shared names pair probe points by relative depth, monotone and distinct', () => {
  const deep = model(
    ['x', 'c1', 'r1', 'c2', 'r2', 'c3', 'r3', 'c4', 'r4', 'c5', 'r5', 'fc', 'r6', 'out'],
    ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'],
  );
  const p = pairLayers(cnn, deep);
  assert.equal(p.rule, 'relative-depth');
  // relu1 at 2/9 = 0.22 ↔ r1 at 2/13 = 0.15 (r2 0.31 is farther); relu2 at 5/9 = 0.56 ↔ r4 at 8/13 = 0.62 (r3 0.46);
  // relu3 at 8/9 = 0.89 ↔ r6 at 12/13 = 0.92.
  assert.deepEqual(arrows(p.pairs), ['relu1↔r1', 'relu2↔r4', 'relu3↔r6']);
  // The other direction gives the same pairs with the roles swapped.
  const q = pairLayers(deep, cnn);
  assert.deepEqual(
    q.pairs,
    p.pairs.map((x) => ({ layerA: x.layerB, layerB: x.layerA })),
  );
  assert.equal(q.layersA.length, 6);
  assert.equal(q.layersB.length, 3);
});

test('depth pairing keeps pairs distinct even when nearest neighbours collide', () => {
  const a = model(['a0', 'a1', 'a2', 'a3'], ['a1', 'a2', 'a3']);
  const b = model(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'], ['b8', 'b9', 'b2']);
  const pairs = pairByDepth(
    a.filter((l) => l.probePoint),
    a,
    b.filter((l) => l.probePoint).sort((x, y) => x.depth - y.depth),
    b,
  );
  assert.deepEqual(
    pairs.map((x) => x.layerB),
    ['b2', 'b8', 'b9'],
  );
});

test('explicit lists pair in order and must have equal length', () => {
  const p = pairLayers(cnn, cnn, ['conv1', 'fc1'], ['relu2', 'fc2']);
  assert.equal(p.rule, 'explicit');
  assert.deepEqual(arrows(p.pairs), ['conv1↔relu2', 'fc1↔fc2']);
  assert.throws(
    () => pairLayers(cnn, cnn, ['conv1'], ['relu2', 'fc2']),
    (e: unknown) => e instanceof KcError && /equal length/.test(e.message),
  );
});

test('one explicit list takes partners by name, else by depth', () => {
  const p = pairLayers(cnn, cnn, ['conv2']);
  assert.deepEqual(p.pairs, [{ layerA: 'conv2', layerB: 'conv2' }]);
  const other = model(['in', 'k1', 'k2', 'k3', 'k4'], ['k2', 'k4']);
  const q = pairLayers(cnn, other, undefined, ['k4']);
  assert.deepEqual(q.pairs, [{ layerA: 'relu3', layerB: 'k4' }]);
});

test('an unknown layer name is a clear error naming it', () => {
  assert.throws(
    () => pairLayers(cnn, cnn, ['conv9']),
    (e: unknown) => e instanceof KcError && /no layer named "conv9"/.test(e.message) && /relu1/.test(e.message),
  );
});

test('probe points without a same-named partner pair by relative depth, never across a same-named pair', () => {
  const a = model(
    ['input', 'conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc1', 'relu3', 'fc2'],
    ['pool1', 'pool2', 'relu3'],
  );
  const b = model(
    ['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'conv3', 'relu3', 'pool2', 'flatten', 'fc1', 'relu4', 'fc2'],
    ['pool1', 'relu2', 'pool2', 'relu4'],
  );
  const p = pairLayers(a, b);
  assert.equal(p.rule, 'same-name');
  assert.deepEqual(arrows(p.pairs), ['pool1↔pool1', 'pool2↔pool2', 'relu3↔relu4']);
  assert.deepEqual(p.byDepth, [{ layerA: 'relu3', layerB: 'relu4' }]);
  // x sits between the shared p1 and p2 in A, y after p2 in B: pairing them would cross p2 ↔ p2.
  const c = model(['p1', 'x', 'p2', 'z'], ['p1', 'x', 'p2']);
  const d = model(['p1', 'p2', 'y'], ['p1', 'p2', 'y']);
  const q = pairLayers(c, d);
  assert.deepEqual(arrows(q.pairs), ['p1↔p1', 'p2↔p2']);
  assert.equal(q.byDepth, undefined);
});

test('the bundled wide variant keeps its deepest probe point: seed1 relu3 ↔ wide relu4', async () => {
  const [seed1, wide] = await Promise.all(
    ['mnist-cnn-seed1', 'mnist-cnn-wide'].map((n) =>
      listLayers(path.join(__dirname, '../../../../samples', n, 'model.onnx')),
    ),
  );
  const p = pairLayers(seed1.layers, wide.layers);
  assert.deepEqual(arrows(p.pairs), ['pool1↔pool1', 'pool2↔pool2', 'relu3↔relu4']);
});

test('pairing ends on hostile names: empty, slashes only, prefixes of each other, a megabyte long', () => {
  const hostile = ['', '/', '//', '/0/', '/0/Conv_output_0', 'logits', 'a'.repeat(1_000_000), `${'/'.repeat(1000)}x`];
  const a = model(hostile, hostile);
  const b = model([...hostile].reverse(), hostile.slice(0, 4));
  const started = Date.now();
  const same = pairLayers(a, a);
  assert.equal(same.rule, 'same-name');
  assert.deepEqual(
    same.pairs.map((p) => p.layerA),
    hostile,
  );
  const mixed = pairLayers(a, b);
  assert.ok(mixed.pairs.every((p) => p.layerA === p.layerB || mixed.byDepth?.includes(p)));
  assert.ok(Date.now() - started < 2000, `pairing took ${Date.now() - started} ms`);
});

/** Layers by name with their [depth, H×W] (`size` 0: dense), all probe points. */
function placed(layers: Record<string, [number, number]>): LayerInfo[] {
  return Object.entries(layers).map(([name, [depth, size]]) => ({
    name,
    kind: size ? 'conv' : 'dense',
    shape: size ? [-1, size, size, 8] : [-1, 8],
    depth,
    probePoint: true,
  }));
}

test('same names at another place (other H×W or depth) are not paired by name; the pairing says how each pair was made', () => {
  // The case: a layer named alike in two architectures, 64×64 early in A and 8×8 late in B.
  const a = placed({ stem: [0, 64], block: [2, 64], mid: [6, 16], head: [10, 8] });
  const b = placed({ stem: [0, 64], early: [2, 64], late: [6, 16], block: [10, 8] });
  const p = pairLayers(a, b);
  assert.equal(p.rule, 'same-name');
  assert.deepEqual(arrows(p.pairs), ['stem↔stem', 'block↔early', 'mid↔late', 'head↔block']);
  assert.deepEqual(
    p.info.pairs.map((x) => [x.by, x.scaleRatio]),
    [
      ['name', 1],
      ['depth', 1],
      ['depth', 1],
      ['depth', 1],
    ],
  );
});

test('depth pairing weighs spatial scale: the layer of the same size wins over a slightly nearer one 8× smaller', () => {
  const a = placed({ in: [0, 64], a1: [5, 64], out: [10, 0] });
  const b = placed({ in: [0, 32], b8: [9, 8], b64: [12, 64], deep: [18, 8], out: [20, 0] });
  // Relative depth alone: a1 (0.5) ↔ b8 (0.45); with 0.1 per octave, b64 (0.6, same size) costs less.
  const p = pairByDepth(a.slice(1, 2), a, b.slice(1, 4), b);
  assert.deepEqual(p, [{ layerA: 'a1', layerB: 'b64' }]);
});

test('two real detectors of different depth (blazeface 128×128 vs faceres 224×224): pairs by depth and scale, sizes > 2× apart warned', async () => {
  const dir = path.join(__dirname, '../../../../node_modules/@vladmandic/human/models');
  // One at a time: the TF.js wasm backend initialises once.
  const blaze = await listLayers(path.join(dir, 'blazeface.json'));
  const face = await listLayers(path.join(dir, 'faceres.json'));
  const p = pairLayers(blaze.layers, face.layers);
  assert.equal(p.rule, 'relative-depth');
  const points = face.layers.filter((l) => l.probePoint).map((l) => l.name);
  // Every probe point of the shorter list once, in depth order (monotone), each labelled 'depth'.
  assert.deepEqual(
    p.pairs.map((x) => x.layerB),
    points,
  );
  const depthA = new Map(blaze.layers.map((l) => [l.name, l.depth]));
  for (let i = 1; i < p.pairs.length; i++)
    assert.ok(depthA.get(p.pairs[i].layerA)! > depthA.get(p.pairs[i - 1].layerA)!, `crossing at ${i}`);
  assert.ok(p.info.pairs.every((x) => x.by === 'depth'));
  const shape = (all: LayerInfo[], n: string) => all.find((l) => l.name === n)!.shape;
  for (const x of p.info.pairs) {
    const [sa, sb] = [shape(blaze.layers, x.layerA), shape(face.layers, x.layerB)];
    const side = (s: number[]) => (s.length === 4 ? Math.sqrt(s[1] * s[2]) : 1);
    const expected = Math.max(side(sa), side(sb)) / Math.min(side(sa), side(sb));
    assert.ok(Math.abs(x.scaleRatio! - expected) < 1e-9, `${x.layerA} ↔ ${x.layerB}: ${x.scaleRatio} vs ${expected}`);
  }
  const warned = scaleWarnings(p.info, blaze.layers, face.layers);
  assert.equal(warned.length, p.info.pairs.filter((x) => x.scaleRatio! > 2).length);
  assert.ok(warned.length > 0 && warned.length < p.pairs.length, `${warned.length} of ${p.pairs.length} warned`);
  // blazeface's last 8×8 block against faceres' dense gender output: 8× apart, named in one line.
  assert.ok(
    warned.some((w) => /re_lu_31\/Relu ↔ gender_pred\/Sigmoid: spatial sizes 8×8 and 1×1 differ 8×/.test(w)),
    warned.join('\n'),
  );
  // The best monotone pairing never pays more for scale than depth alone would: no pair is > 2.5× apart.
  assert.ok(p.info.pairs.filter((x) => x.layerB !== 'gender_pred/Sigmoid').every((x) => x.scaleRatio! < 2.5));
});
