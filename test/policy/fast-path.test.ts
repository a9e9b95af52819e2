/** The float fast paths must give exactly the answers of the Decimal path, including right at
 * a limit (where they defer to Decimal). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/decimal.js';
import { applyCap, applyCapExact } from '../../src/policy/cap.js';
import { compileCondition } from '../../src/policy/conditions.js';
import { Facts } from '../../src/policy/facts.js';
import { EMPTY_POLICY_STATE } from '../../src/policy/state.js';
import type { CapAction } from '../../src/policy/types.js';
import { makeCtx } from './fixtures.js';
import { ds } from '../support/decimals.js';

const dec = (maxInt: number, dp: number) =>
  fc.integer({ min: 1, max: maxInt * 10 ** dp }).map((n) => new Decimal(n).div(10 ** dp).toFixed());

describe('float fast paths', () => {
  it('applyCap agrees with the exact path, also on orders sized exactly at the limit', () => {
    fc.assert(
      fc.property(
        dec(1000, 3),
        dec(200000, 1),
        dec(5_000_000, 2),
        dec(100, 0),
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.boolean(),
        fc.boolean(),
        (qty, price, notional, lev, side, atLimit, withLev) => {
          // atLimit: make the notional limit exactly qty * price, the hardest case for floats
          const limit = atLimit ? new Decimal(qty).mul(price).toFixed() : notional;
          const action: CapAction = { type: 'cap', notional: limit, ...(withLev ? { leverage: lev } : {}) };
          const f = new Facts(
            makeCtx({ intent: { side, quantity: ds(qty), type: 'limit', price: ds(price) } }),
            EMPTY_POLICY_STATE,
          );
          const fast = applyCap('r', action, undefined, f);
          const exact = applyCapExact('r', action, undefined, f);
          expect(fast.kind).toBe(exact.kind);
          expect(fast.params).toEqual(exact.params);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('decimal comparisons agree with Decimal at and around the bound', () => {
    fc.assert(
      fc.property(
        dec(1000, 3),
        dec(200000, 1),
        fc.constantFrom('gt', 'gte', 'lt', 'lte'),
        fc.integer({ min: -2, max: 2 }),
        (qty, price, op, nudge) => {
          const notional = new Decimal(qty).mul(price);
          const bound = notional.plus(new Decimal(nudge).mul('0.00000001')).toFixed();
          const cond = compileCondition({ notional: { [op]: bound } }, undefined);
          const f = new Facts(
            makeCtx({ intent: { quantity: ds(qty), type: 'limit', price: ds(price) } }),
            EMPTY_POLICY_STATE,
          );
          const c = notional.cmp(bound);
          const want = op === 'gt' ? c > 0 : op === 'gte' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
          expect(cond.test(f)).toBe(want);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
