import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetSeconds, planLines } from '../../../src/cli/plan-lines';
import { KcError } from '../../../src/engine/errors';
import type { CostEstimate } from '../../../src/protocol/report';

const estimate = (seconds: Partial<CostEstimate>): CostEstimate => ({
  probes: 160,
  extractSeconds: 0,
  similaritySeconds: 0,
  disentangleSeconds: 0,
  totalSeconds: 0,
  fits: [],
  calibration: 'measured: extraction 900 / 880 samples/s',
  ...seconds,
});

test('the plan line leaves out stages under a second and says "< 1 s" for a run that short', () => {
  const small = estimate({ extractSeconds: 0.2, similaritySeconds: 0.01, disentangleSeconds: 3.4, totalSeconds: 3.61 });
  assert.deepEqual(planLines({ estimate: small }, 6, '3 models × 1 layer'), [
    'plan: 6 fits (3 models × 1 layer) on 160 probes, ≈ 4 s (disentangle 3 s; measured: extraction 900 / 880 samples/s)',
  ]);
  const tiny = estimate({ extractSeconds: 0.2, similaritySeconds: 0.01, disentangleSeconds: 0.1, totalSeconds: 0.31 });
  assert.deepEqual(planLines({ estimate: tiny }, 1), [
    'plan: 1 fit on 160 probes, < 1 s (measured: extraction 900 / 880 samples/s)',
  ]);
  const large = estimate({ extractSeconds: 75, similaritySeconds: 2, disentangleSeconds: 40, totalSeconds: 117 });
  assert.match(
    planLines({ estimate: large }, 2)[0],
    /≈ 1 min 57 s \(extract 1 min 15 s, similarity 2 s, disentangle 40 s;/,
  );
});

test('--budget: 3 minutes when not given, none runs everything asked, a bad duration is a one-line error', () => {
  assert.equal(budgetSeconds(undefined), 180);
  assert.equal(budgetSeconds('1m30s'), 90);
  assert.equal(budgetSeconds('None'), undefined);
  assert.throws(
    () => budgetSeconds('soon'),
    (e: unknown) => e instanceof KcError && /or none\), got "soon"/.test(e.message),
  );
});
