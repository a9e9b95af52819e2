/** withOverrides: an overridden rule is evaluated in shadow mode only for orders in the override's
 * scope (still traced, marked), every other order gets the set's own evaluator. */
import { describe, expect, it } from 'vitest';
import type { PolicyEvaluator } from '../../src/core/stages.js';
import type { RiskContext } from '../../src/core/types.js';
import { withOverrides } from '../../src/overrides/evaluator.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { loadPolicyText } from '../../src/policy/load.js';
import { EMPTY_POLICY_STATE } from '../../src/policy/state.js';
import { makeCtx } from '../policy/fixtures.js';
import { ds } from '../support/decimals.js';

const set = loadPolicyText(
  'id: t\nversion: 1\nrules:\n  - id: no-btc\n    when: { symbol: BTC/USDT:USDT }\n    reject: {}\n  - id: max\n    cap: { quantity: 0.05 }\n',
  'test',
);

describe('withOverrides', () => {
  let baseCalls = 0;
  const base: PolicyEvaluator = {
    id: set.id,
    sha256: set.sha256,
    evaluate: (ctx: RiskContext) => (baseCalls++, evaluate(ctx, set)),
  };
  const active = (ruleId: string, scope: { clientId: string }) =>
    ruleId === 'no-btc' && scope.clientId === 'alice' ? [{ id: 'ovr_1' }] : [];
  const ev = withOverrides(base, set, active, EMPTY_POLICY_STATE);

  it('bypasses the overridden rule for an order in scope: traced as shadow and marked, the other rules still bind', () => {
    const d = ev.evaluate(makeCtx({ intent: { clientId: 'alice', quantity: ds('0.1') } }));
    expect(d.kind).toBe('modify'); // the cap still applies
    const t = d.trace.find((x) => x.ruleId === 'no-btc')!;
    expect(t).toMatchObject({ mode: 'shadow', outcome: 'deny' });
    expect(t.detail).toContain('[overridden: ovr_1]');
  });

  it('an order out of scope runs the set evaluator unchanged', () => {
    const before = baseCalls;
    const d = ev.evaluate(makeCtx({ intent: { clientId: 'bob', quantity: ds('0.1') } }));
    expect(d).toMatchObject({ kind: 'deny', code: 'POLICY_REJECT' });
    expect(baseCalls).toBe(before + 1);
  });
});
