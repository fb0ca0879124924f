import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { shortNames } from '../../../../src/engine/report/format';

const short = (names: string[]) => {
  const { prefix, name } = shortNames(names);
  return { prefix, names: names.map(name) };
};

test('shortNames ends on torch.onnx.export names: a leading-slash family beside a name without a slash', () => {
  // The set that looped forever: the prefix shrank to '/' and lastIndexOf found the same slash again for "logits".
  assert.deepEqual(short(['/0/Conv_output_0', '/1/Relu_output_0', '/3/MaxPool_output_0', 'logits']), {
    prefix: '',
    names: ['/0/Conv_output_0', '/1/Relu_output_0', '/3/MaxPool_output_0', 'logits'],
  });
  assert.deepEqual(short(['/0/Conv_output_0', '/1/Relu_output_0']).prefix, '/');
  assert.deepEqual(short(['/features/0/Conv_output_0', '/features/1/Relu_output_0']).names, [
    '0/Conv_output_0',
    '1/Relu_output_0',
  ]);
});

test('shortNames keeps every name non-empty: single, empty, all-equal and double-slash names', () => {
  assert.deepEqual(short(['model/block1/conv/Relu']), { prefix: 'model/block1/conv/', names: ['Relu'] });
  assert.deepEqual(short([]), { prefix: '', names: [] });
  assert.deepEqual(short(['']), { prefix: '', names: [''] });
  assert.deepEqual(short(['', 'a/b']), { prefix: '', names: ['', 'a/b'] });
  assert.deepEqual(short(['a/b', 'a/b', 'a/b']), { prefix: 'a/', names: ['b', 'b', 'b'] });
  assert.deepEqual(short(['a/', 'a/']), { prefix: '', names: ['a/', 'a/'] });
  assert.deepEqual(short(['a//b', 'a//c']), { prefix: 'a//', names: ['b', 'c'] });
  assert.deepEqual(short(['//', '/']), { prefix: '', names: ['//', '/'] });
  assert.deepEqual(short(['model/x/a', 'model/y/b', 'model/xz']), { prefix: 'model/', names: ['x/a', 'y/b', 'xz'] });
});

test('shortNames (property): ends, every name starts with the prefix, the prefix ends at a slash, no name is emptied', () => {
  const pathLike = fc
    .array(fc.constantFrom('/', 'a', 'b', '0', '_', 'Conv'), { maxLength: 12 })
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.array(fc.oneof(pathLike, fc.string({ maxLength: 20 })), { maxLength: 8 }), (names) => {
      const { prefix, name } = shortNames(names);
      for (const n of names) {
        assert.ok(n.startsWith(prefix));
        assert.equal(prefix + name(n), n);
        if (n.length > 0) assert.ok(name(n).length > 0, `"${n}" was emptied`);
      }
      assert.ok(prefix === '' || prefix.endsWith('/'));
    }),
    { numRuns: 2000 },
  );
});
