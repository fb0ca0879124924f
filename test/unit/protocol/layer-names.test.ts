import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { shortLayerNames } from '../../../src/protocol/layer-names';

test('TF graph names keep the last meaningful scope; torch.onnx names their module; plain names stay', () => {
  assert.deepEqual(
    shortLayerNames([
      'StatefulPartitionedCall/model/block_3_expand_relu/Relu6',
      'StatefulPartitionedCall/model/block_3_project_BN/FusedBatchNormV3',
      'StatefulPartitionedCall/model/global_average_pooling2d/Mean',
    ]),
    ['block_3_expand_relu/Relu6', 'block_3_project_BN/FusedBatchNormV3', 'global_average_pooling2d/Mean'],
  );
  assert.deepEqual(shortLayerNames(['/0/Conv_output_0', '/1/Relu_output_0', 'logits']), [
    '0/Conv_output_0',
    '1/Relu_output_0',
    'logits',
  ]);
  assert.deepEqual(shortLayerNames(['conv1', 'relu1', 'pool1']), ['conv1', 'relu1', 'pool1']);
});

test('colliding suffixes grow until they differ', () => {
  assert.deepEqual(
    shortLayerNames(['/features/0/Conv_output_0', '/classifier/0/Conv_output_0', '/features/1/Relu_output_0']),
    ['features/0/Conv_output_0', 'classifier/0/Conv_output_0', '1/Relu_output_0'],
  );
  assert.deepEqual(shortLayerNames(['a/x', 'b/x', 'x']), ['a/x', 'b/x', 'x']);
});

test('property: short names are suffixes of the full names, and distinct names get distinct short names', () => {
  const name = fc
    .array(fc.constantFrom('a', 'b', 'Relu', 'Conv_output_0', '0', ''), { minLength: 1, maxLength: 6 })
    .map((p) => p.join('/'));
  fc.assert(
    fc.property(fc.array(name, { maxLength: 12 }), (names) => {
      const short = shortLayerNames(names);
      const scopes = (n: string) => n.split('/').filter(Boolean).join('/');
      names.forEach((n, i) =>
        assert.ok(
          scopes(n) === '' ? short[i] === n : scopes(n).endsWith(short[i]),
          `${short[i]} is not a suffix of ${n}`,
        ),
      );
      const byShort = new Map<string, string>();
      names.forEach((n, i) => {
        // Names that differ only in empty scopes ("a//b" vs "a/b") read the same; all others must stay apart.
        const key = scopes(n) || n;
        const seen = byShort.get(short[i]);
        assert.ok(seen === undefined || seen === key, `"${n}" and another name both shorten to "${short[i]}"`);
        byShort.set(short[i], key);
      });
    }),
    { numRuns: 1000 },
  );
});
