// The exclude matching used for watcher events, checked against what files.exclude patterns mean in VS Code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GlobSet, globToRegExp } from '../../../src/extension/discovery/glob';

describe('globToRegExp', () => {
  it('`**/` spans any number of folders, `*` and `?` stay within one', () => {
    const re = globToRegExp('**/*.onnx');
    assert.ok(re.test('a.onnx'));
    assert.ok(re.test('x/y/a.onnx'));
    assert.ok(!re.test('x/a.onnx.bak'));
    assert.ok(!globToRegExp('x/*.onnx').test('x/y/a.onnx'));
    assert.ok(globToRegExp('m?del.json').test('model.json'));
    assert.ok(!globToRegExp('m?del.json').test('m/del.json'));
  });

  it('supports {a,b} groups, character classes, and escapes regex characters', () => {
    const re = globToRegExp('**/{build,dist}/*.onnx');
    assert.ok(re.test('dist/a.onnx'));
    assert.ok(re.test('p/build/a.onnx'));
    assert.ok(!re.test('p/src/a.onnx'));
    assert.ok(globToRegExp('run[0-9].onnx').test('run7.onnx'));
    assert.ok(!globToRegExp('run[!0-9].onnx').test('run7.onnx'));
    assert.ok(!globToRegExp('a+b.onnx').test('aab.onnx'));
  });
});

describe('GlobSet', () => {
  it('excludes a file when its folder matches (files.exclude semantics)', () => {
    const set = new GlobSet(['**/node_modules', '**/.git', 'out']);
    assert.ok(set.matchesPathOrParent('node_modules/pkg/model.onnx'));
    assert.ok(set.matchesPathOrParent('a/b/node_modules/m.onnx'));
    assert.ok(set.matchesPathOrParent('out/m.onnx'));
    assert.ok(!set.matchesPathOrParent('src/out/m.onnx'), '`out` is anchored at the folder root');
    assert.ok(!set.matchesPathOrParent('models/seed1/model.onnx'));
  });
});
