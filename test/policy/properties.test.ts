/** Property tests of evaluate(): caps, split plans, shadow rules, determinism, rule order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, decimalString } from '../../src/core/decimal.js';
import type { Decision } from '../../src/core/types.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { freezeSet } from '../../src/policy/load.js';
import { parsePolicyDocument } from '../../src/policy/schema.js';
import { CLIENT_ORDER_ID_RE } from '../../src/policy/split-plan.js';
import { InMemoryPolicyState } from '../../src/policy/state.js';
import type { PolicySet } from '../../src/policy/types.js';
import { INSTRUMENTS, makeCtx, MARKS, NOW } from './fixtures.js';

const REGIMES = ['stable', 'stressed', 'fragile', 'critical', 'unknown'] as const;
const SYMBOLS = Object.keys(INSTRUMENTS);

const decimalText = (min: number, max: number, dp: number) =>
  fc
    .integer({ min: Math.round(min * 10 ** dp), max: Math.round(max * 10 ** dp) })
    .map((n) => new Decimal(n).div(10 ** dp).toFixed());

const limitArb = (min: number, max: number) =>
  fc.oneof(
    decimalText(min, max, 2),
    fc.record(
      {
        stable: decimalText(min, max, 2),
        stressed: decimalText(min, max, 2),
        fragile: decimalText(min, max, 2),
        critical: decimalText(min, max, 2),
      },
      { requiredKeys: ['stable'] },
    ),
  );

const whenArb = fc.record(
  {
    side: fc.constantFrom('buy', 'sell'),
    regime: fc.subarray([...REGIMES], { minLength: 1 }),
    notional: fc.record({ gt: decimalText(0, 200000, 0) }),
    symbol: fc.subarray(SYMBOLS, { minLength: 1 }),
  },
  { requiredKeys: [] },
);

const actionArb = fc.oneof(
  {
    arbitrary: fc.record({
      cap: fc.record({ notional: limitArb(0, 300000), quantity: limitArb(0, 5000) }, { requiredKeys: ['notional'] }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ cap: fc.record({ quantity: limitArb(0, 5000) }) }), weight: 3 },
  {
    arbitrary: fc.record({
      split: fc.oneof(
        fc.record({
          count: fc.integer({ min: 1, max: 12 }),
          interval: fc.constant('1s'),
          jitter: fc.constantFrom('0ms', '300ms'),
        }),
        fc.record({ child_quantity: decimalText(0.001, 50, 3), interval: fc.constant('2s') }),
        fc.record({
          child_notional: decimalText(50, 40000, 0),
          interval: fc.constant('2s'),
          max_price_deviation_pct: fc.constantFrom(0.5, 2),
        }),
      ),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ reject: fc.constant({ code: 'POLICY_REJECT' }) }), weight: 1 },
  {
    arbitrary: fc.record({
      throttle: fc.record({
        key: fc.constantFrom('client', 'symbol'),
        max_concurrent: fc.integer({ min: 1, max: 3 }),
        max_wait: fc.constant('1s'),
      }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ reduce_only: fc.constant({}) }), weight: 1 },
  { arbitrary: fc.record({ halt: fc.record({ allow_reduce_only: fc.boolean() }) }), weight: 1 },
);

const ruleArb = fc.record({ when: whenArb, action: actionArb, mode: fc.constantFrom('enforce', 'enforce', 'shadow') });

function buildSet(rules: { when: object; action: object; mode: string }[], prefix = 'r'): PolicySet {
  const doc = {
    id: 'prop',
    version: 1,
    rules: rules.map((r, i) => ({
      id: `${prefix}${String(i).padStart(2, '0')}`,
      mode: r.mode,
      when: r.when,
      ...r.action,
    })),
  };
  const res = parsePolicyDocument(doc);
  if (!res.ok) throw new Error(JSON.stringify(res.issues));
  return freezeSet(res.set);
}

const orderArb = fc.record({
  symbol: fc.constantFrom(...SYMBOLS),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  lots: fc.integer({ min: 1, max: 200000 }),
  limit: fc.option(fc.double({ min: 0.9, max: 1.1, noNaN: true }), { nil: undefined }),
  regime: fc.constantFrom(...REGIMES),
  intentId: fc.string({ minLength: 1, maxLength: 12 }),
  clientOrderId: fc.stringMatching(/^[A-Za-z0-9_-]{1,36}$/),
});

type Order = typeof orderArb extends fc.Arbitrary<infer T> ? T : never;

function ctxFor(o: Order) {
  const inst = INSTRUMENTS[o.symbol]!;
  const quantity = decimalString(new Decimal(inst.stepSize).mul(o.lots));
  const price =
    o.limit === undefined
      ? undefined
      : decimalString(
          new Decimal(MARKS[o.symbol]! * o.limit).toDecimalPlaces(new Decimal(inst.tickSize).decimalPlaces()),
        );
  return makeCtx({
    regime: o.regime,
    intent: {
      symbol: o.symbol,
      side: o.side,
      quantity,
      intentId: o.intentId,
      clientOrderId: o.clientOrderId,
      ...(price ? { type: 'limit', price } : {}),
    },
  });
}

/** Independent reading of a limit table: unknown → critical → the smallest entry. */
function limitIn(limit: string | Record<string, string | undefined> | undefined, regime: string): string | undefined {
  if (limit === undefined || typeof limit === 'string') return limit;
  if (regime !== 'unknown') return limit[regime];
  return (
    limit.unknown ??
    limit.critical ??
    Object.values(limit)
      .map((v) => new Decimal(v!))
      .reduce((a, b) => (b.lt(a) ? b : a))
      .toFixed()
  );
}

const withoutTrace = (d: Decision) => ({ ...d, trace: [] });
const sortedTrace = (d: Decision) => ({ ...d, trace: [...d.trace].sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1)) });

describe('evaluate properties', () => {
  it('caps never exceed any matching enforced limit and respect lot size', () => {
    let checked = 0;
    let capped = 0;
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 8 }), orderArb, (rules, o) => {
        const set = buildSet(rules);
        const ctx = ctxFor(o);
        const d = evaluate(ctx, set);
        if (d.kind === 'deny') return;
        const approved = new Decimal(d.approvedQuantity);
        expect(approved.lte(ctx.intent.quantity)).toBe(true);
        expect(approved.gt(0)).toBe(true);
        const price = new Decimal(ctx.intent.price ?? MARKS[o.symbol]!);
        for (const t of d.trace) {
          if (t.mode !== 'enforce' || !t.matched || t.action !== 'cap') continue;
          const a = set.rules.find((r) => r.id === t.ruleId)!.action;
          if (a.type !== 'cap') continue;
          const q = limitIn(a.quantity, o.regime);
          const n = limitIn(a.notional, o.regime);
          if (q !== undefined) expect(approved.lte(q)).toBe(true);
          if (n !== undefined) expect(approved.mul(price).lte(n)).toBe(true);
          if (q !== undefined || n !== undefined) checked++;
        }
        if (!approved.eq(ctx.intent.quantity)) {
          capped++;
          expect(approved.mod(ctx.instrument.stepSize).isZero()).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(30); // the property was not vacuous
    expect(capped).toBeGreaterThan(10);
  });

  it('children sum exactly to the approved quantity, in whole lots, with valid unique ids and ordered times', () => {
    let splits = 0;
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 6 }), orderArb, (rules, o) => {
        const d = evaluate(ctxFor(o), buildSet(rules));
        if (d.kind === 'deny') {
          expect(d.children).toEqual([]);
          return;
        }
        const step = INSTRUMENTS[o.symbol]!.stepSize;
        const sum = d.children.reduce((a, c) => a.plus(c.quantity), new Decimal(0));
        expect(sum.toFixed()).toBe(new Decimal(d.approvedQuantity).toFixed());
        if (d.kind === 'split') {
          expect(d.children.length).toBeGreaterThan(1);
          for (const c of d.children)
            expect(new Decimal(c.quantity).mod(step).isZero() && new Decimal(c.quantity).gt(0)).toBe(true);
        } else expect(d.children.length).toBe(1);
        const ids = d.children.map((c) => c.clientOrderId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(id).toMatch(CLIENT_ORDER_ID_RE);
        for (let i = 1; i < d.children.length; i++)
          expect(d.children[i]!.notBefore).toBeGreaterThanOrEqual(d.children[i - 1]!.notBefore);
        expect(d.children[0]!.notBefore).toBe(NOW);
        if (d.kind === 'split') splits++;
      }),
      { numRuns: 300 },
    );
    expect(splits).toBeGreaterThan(10);
  });

  it('shadow rules never change the outcome', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { maxLength: 6 }),
        fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
        orderArb,
        (enforced, extra, o) => {
          const shadow = extra.map((r) => ({ ...r, mode: 'shadow' }));
          const base = evaluate(ctxFor(o), buildSet(enforced));
          const more = evaluate(ctxFor(o), buildSet([...enforced, ...shadow]));
          expect({ ...withoutTrace(more), policySha256: '' }).toEqual({ ...withoutTrace(base), policySha256: '' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is deterministic and independent of rule order', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 8 }), orderArb, fc.integer(), (rules, o, seed) => {
        const ids = rules.map((_, i) => i);
        const shuffled = fc.sample(fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        const set = buildSet(rules);
        // same ids, different order in the file
        const doc = {
          id: 'prop',
          version: 1,
          rules: shuffled.map((i) => ({
            id: `r${String(i).padStart(2, '0')}`,
            mode: rules[i]!.mode,
            when: rules[i]!.when,
            ...rules[i]!.action,
          })),
        };
        const res = parsePolicyDocument(doc);
        if (!res.ok) throw new Error('invalid');
        const reordered = freezeSet(res.set);
        const st = new InMemoryPolicyState();
        const a = evaluate(ctxFor(o), set, st);
        expect(evaluate(ctxFor(o), set, st)).toEqual(a);
        const b = evaluate(ctxFor(o), reordered, st);
        expect({ ...sortedTrace(b), policySha256: '' }).toEqual({ ...sortedTrace(a), policySha256: '' });
      }),
      { numRuns: 300 },
    );
  });
});
