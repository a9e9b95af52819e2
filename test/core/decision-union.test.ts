/** Type-level contract of the Decision union: each kind carries only what it can mean (a deny a
 * code and no children, accept and modify exactly one child, a split two or more). The expectTypeOf
 * lines are checked by the compiler (`tsc -p tsconfig.test.json`, part of `npm test`), the values at run time. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DenyCode, DenyParams } from '../../src/core/deny-codes.js';
import type { ChildPlan, Decision, DecisionKind } from '../../src/core/types.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { loadPolicyText } from '../../src/policy/load.js';
import { makeCtx } from '../policy/fixtures.js';
import { ds } from '../support/decimals.js';

type Of<K extends DecisionKind> = Extract<Decision, { kind: K }>;

describe('Decision union', () => {
  it('has one member per DecisionKind', () => {
    expectTypeOf<Decision['kind']>().toEqualTypeOf<DecisionKind>();
  });

  it('a deny carries a code, a rendered detail and params, and nothing to send', () => {
    expectTypeOf<Of<'deny'>['code']>().toEqualTypeOf<DenyCode>();
    expectTypeOf<Of<'deny'>['detail']>().toEqualTypeOf<string>();
    expectTypeOf<Of<'deny'>['params']>().toEqualTypeOf<DenyParams>();
    expectTypeOf<Of<'deny'>['children']>().toEqualTypeOf<readonly []>();
    expectTypeOf<Of<'deny'>['throttles']>().toEqualTypeOf<readonly []>();
    expectTypeOf<Of<'deny'>['approvedQuantity']>().toEqualTypeOf<'0'>();
  });

  it('accept and modify carry exactly one child, a split at least two; accept has no code', () => {
    expectTypeOf<Of<'accept'>['children']>().toEqualTypeOf<readonly [ChildPlan]>();
    expectTypeOf<Of<'modify'>['children']>().toEqualTypeOf<readonly [ChildPlan]>();
    expectTypeOf<Of<'split'>['children']>().toEqualTypeOf<readonly [ChildPlan, ChildPlan, ...ChildPlan[]]>();
    expectTypeOf<Of<'accept'>['code']>().toEqualTypeOf<undefined>();
    expectTypeOf<Of<'modify'>['code']>().toEqualTypeOf<DenyCode | undefined>();
  });

  it('narrowing on kind gives the code of a deny without a check', () => {
    const set = loadPolicyText(
      `id: t\nversion: 1\nrules:\n  - id: q\n    cap: { quantity: 1 }\n  - id: big\n    when: { notional: { gt: 500000 } }\n    reject: {}\n`,
      'test',
    );
    const denied: Decision = evaluate(makeCtx({ intent: { quantity: ds('10') } }), set);
    expect(denied.kind).toBe('deny');
    if (denied.kind === 'deny') {
      const code: DenyCode = denied.code; // no `?? fallback`: the union guarantees it
      expect(code).toBe('POLICY_REJECT');
      expect(denied.children).toEqual([]);
    }
    const capped: Decision = evaluate(makeCtx({ intent: { quantity: ds('2') } }), set);
    expect(capped.kind).toBe('modify');
    if (capped.kind === 'modify') expect(capped.children[0].quantity).toBe('1');
    const accepted: Decision = evaluate(makeCtx({ intent: { quantity: ds('0.5') } }), set);
    expect(accepted.kind).toBe('accept');
    if (accepted.kind === 'accept') expect(accepted.children[0].quantity).toBe('0.5');
  });
});
