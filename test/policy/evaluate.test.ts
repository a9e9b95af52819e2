import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/decimal.js';
import { evaluate, TRADING_STATE_RULE } from '../../src/policy/evaluate.js';
import { loadPolicyText } from '../../src/policy/load.js';
import { planSplit } from '../../src/policy/split-plan.js';
import { INSTRUMENTS } from './fixtures.js';
import { InMemoryPolicyState } from '../../src/policy/state.js';
import { makeCtx, NOW, reducingExposure } from './fixtures.js';
import { ds } from '../support/decimals.js';

const policy = (rules: string, settings = '') =>
  loadPolicyText(`id: t\nversion: 1\n${settings}rules:\n${rules}`, 'test');

describe('evaluate: actions', () => {
  it('accepts when nothing matches and emits exactly one child carrying the order', () => {
    const set = policy(`  - id: never\n    when: { symbol: NOPE/USDT:USDT }\n    reject: {}\n`);
    const d = evaluate(makeCtx(), set);
    expect(d.kind).toBe('accept');
    expect(d.children).toEqual([{ index: 0, clientOrderId: 'bot-order-1', quantity: '0.1', notBefore: NOW }]);
    expect(d.trace).toEqual([{ ruleId: 'never', action: 'reject', mode: 'enforce', matched: false, outcome: 'pass' }]);
    expect(d.policySha256).toBe(set.sha256);
  });

  it('rejects with the rule code rendered CODE: key=value', () => {
    const set = policy(
      `  - id: allow\n    when: { not: { symbol: [BTC/USDT:USDT] } }\n    reject: { code: SYMBOL_NOT_ALLOWED }\n`,
    );
    const d = evaluate(makeCtx({ intent: { symbol: 'ETH/USDT:USDT' } }), set);
    expect(d.kind).toBe('deny');
    expect(d.code).toBe('SYMBOL_NOT_ALLOWED');
    expect(d.detail).toBe('SYMBOL_NOT_ALLOWED: rule=allow symbol=ETH/USDT:USDT');
    expect(d.approvedQuantity).toBe('0');
    expect(d.children).toEqual([]);
  });

  it('caps to a notional limit, floored to the lot size, showing original and approved', () => {
    const set = policy(`  - id: cap\n    cap: { notional: 50000 }\n`);
    const d = evaluate(makeCtx({ intent: { quantity: ds('1') } }), set); // 112000 notional
    expect(d.kind).toBe('modify');
    expect(d.code).toBe('MAX_ORDER_NOTIONAL');
    expect(d.originalQuantity).toBe('1');
    expect(d.approvedQuantity).toBe('0.446'); // 50000/112000 = 0.44642.. floored to 0.001
    expect(d.children[0]!.quantity).toBe('0.446');
    expect(d.detail).toContain('original=1 approved=0.446');
  });

  it('caps below the venue minimum notional become BELOW_MIN_NOTIONAL', () => {
    const set = policy(`  - id: cap\n    cap: { notional: 50 }\n`);
    const d = evaluate(makeCtx({ intent: { quantity: ds('1') } }), set);
    expect(d.kind).toBe('deny');
    expect(d.code).toBe('BELOW_MIN_NOTIONAL');
  });

  it('reads regime tables, and unknown uses critical, then the most restrictive entry', () => {
    const withCritical = policy(`  - id: cap\n    cap: { notional: { stable: 100000, critical: 10000 } }\n`);
    const noCritical = policy(
      `  - id: cap\n    cap: { notional: { stable: 100000, stressed: 20000, fragile: 30000 } }\n`,
    );
    const unknownAs = policy(
      `  - id: cap\n    unknown_as: stable\n    cap: { notional: { stable: 100000, critical: 10000 } }\n`,
    );
    const q = (s: typeof withCritical, regime: 'stable' | 'unknown', degraded = false) =>
      evaluate(makeCtx({ intent: { quantity: ds('2') }, regime, degraded }), s).approvedQuantity;
    expect(q(withCritical, 'stable')).toBe('0.892');
    expect(q(withCritical, 'unknown')).toBe('0.089');
    expect(q(withCritical, 'stable', true)).toBe('0.089'); // degraded snapshot = unknown
    expect(q(noCritical, 'unknown')).toBe('0.178'); // min(20000, 30000, 100000)
    expect(q(unknownAs, 'unknown')).toBe('0.892');
  });

  it('caps leverage against the margin balance', () => {
    const set = policy(`  - id: lev\n    cap: { leverage: 2 }\n`);
    // equity 100000, mark 112000, flat: max 200000 notional = 1.785 BTC
    const d = evaluate(makeCtx({ intent: { quantity: ds('3') } }), set);
    expect(d.code).toBe('LEVERAGE_LIMIT');
    expect(d.approvedQuantity).toBe('1.785');
  });

  it('splits by child notional with lot-exact children, derived ids and a seeded schedule', () => {
    const set = policy(
      `  - id: s\n    split: { child_notional: 20000, interval: 2s, jitter: 500ms, max_price_deviation_pct: 1 }\n`,
    );
    const d = evaluate(makeCtx({ intent: { quantity: ds('1') } }), set);
    expect(d.kind).toBe('split');
    const sum = d.children.reduce((a, c) => a.plus(c.quantity), new Decimal(0));
    expect(sum.toFixed()).toBe('1');
    expect(d.children.map((c) => c.clientOrderId)).toEqual([
      'bot-order-1-c1',
      'bot-order-1-c2',
      'bot-order-1-c3',
      'bot-order-1-c4',
      'bot-order-1-c5',
      'bot-order-1-c6',
    ]);
    expect(d.children.every((c) => c.price === '113120')).toBe(true); // 112000 * 1.01, on tick
    expect(d.children[0]!.notBefore).toBe(NOW);
    for (let i = 1; i < d.children.length; i++) {
      const dt = d.children[i]!.notBefore - NOW - i * 2000;
      expect(dt).toBeGreaterThanOrEqual(0);
      expect(dt).toBeLessThanOrEqual(500);
    }
    expect(evaluate(makeCtx({ intent: { quantity: ds('1') } }), set)).toEqual(d);
    expect(d.params).toMatchObject({ splitRule: 's', onEscalation: 'pause' });
  });

  it('splits the capped quantity when a cap and a split both match', () => {
    const set = policy(`  - id: cap\n    cap: { quantity: 0.5 }\n  - id: s\n    split: { count: 4, interval: 1s }\n`);
    const d = evaluate(makeCtx({ intent: { quantity: ds('1') } }), set);
    expect(d.kind).toBe('split');
    expect(d.code).toBe('MAX_ORDER_QUANTITY');
    expect(d.approvedQuantity).toBe('0.5');
    expect(d.children.map((c) => c.quantity)).toEqual(['0.125', '0.125', '0.125', '0.125']);
  });

  it('collects throttles from enforced rules only, keyed by the scope value', () => {
    const set = policy(
      `  - id: t1\n    throttle: { key: client, rate: { count: 1, per: 1s }, max_wait: 100ms }\n  - id: t2\n    mode: shadow\n    throttle: { key: symbol, max_concurrent: 1, max_wait: 1s }\n`,
    );
    const d = evaluate(makeCtx(), set);
    expect(d.kind).toBe('accept');
    expect(d.throttles).toEqual([{ ruleId: 't1', key: 'client:demo', maxWaitMs: 100 }]);
    expect(d.trace.map((t) => t.outcome)).toEqual(['throttle', 'throttle']);
  });

  it('shadow rules are traced with their own outcome but do not change the decision', () => {
    const set = policy(`  - id: r\n    mode: shadow\n    reject: { code: POLICY_REJECT, message: would block }\n`);
    const d = evaluate(makeCtx(), set);
    expect(d.kind).toBe('accept');
    expect(d.trace[0]).toMatchObject({
      ruleId: 'r',
      mode: 'shadow',
      matched: true,
      outcome: 'deny',
      code: 'POLICY_REJECT',
    });
  });

  it('a missing input fails closed unless the rule says on_missing: skip', () => {
    const closed = policy(`  - id: depth\n    when: { notional_vs: { depth_1: { gt: 0.1 } } }\n    reject: {}\n`);
    const skip = policy(
      `  - id: depth\n    on_missing: skip\n    when: { notional_vs: { depth_1: { gt: 0.1 } } }\n    reject: {}\n`,
    );
    expect(evaluate(makeCtx(), closed).kind).toBe('deny');
    expect(evaluate(makeCtx(), closed).params).toMatchObject({ missingData: true });
    expect(evaluate(makeCtx(), skip).kind).toBe('accept');
    expect(evaluate(makeCtx({ features: { depth_1: 1e6 } }), closed).kind).toBe('accept'); // 11200 / 1e6
    expect(evaluate(makeCtx({ features: { depth_1: 50000 } }), closed).kind).toBe('deny');
  });

  it('regime conditions read unknown as critical', () => {
    const set = policy(`  - id: crit\n    when: { regime: [critical] }\n    reject: {}\n`);
    expect(evaluate(makeCtx({ regime: 'unknown' }), set).kind).toBe('deny');
    expect(evaluate(makeCtx({ regime: 'fragile' }), set).kind).toBe('accept');
  });

  it('price collar against the mark', () => {
    const set = policy(
      `  - id: collar\n    when: { order_type: limit, price_deviation_pct: { gt: 5 } }\n    reject: { code: PRICE_COLLAR }\n`,
    );
    expect(evaluate(makeCtx({ intent: { type: 'limit', price: ds('100000') } }), set).kind).toBe('deny'); // 10.7%
    const ok = evaluate(makeCtx({ intent: { type: 'limit', price: ds('110000') } }), set);
    expect(ok.kind).toBe('accept');
    expect(ok.approvedPrice).toBe('110000');
  });

  it('stateful controls read the injected state: messages, duplicates, window collar, exposure', () => {
    const st = new InMemoryPolicyState();
    const set = policy(
      [
        `  - id: msgs\n    when: { message_rate: { window: 1s, gt: 2 } }\n    reject: { code: MAX_MESSAGE_RATE }`,
        `  - id: dup\n    when: { duplicate: { window: 2s } }\n    reject: { code: DUPLICATE_ORDER }`,
        `  - id: win\n    on_missing: skip\n    when: { window_price_move_pct: { window: 5m, gt: 5 } }\n    reject: { code: PRICE_COLLAR_WINDOW }`,
        `  - id: exp\n    when: { client_exposure: { gt: 50000 } }\n    reject: { code: EXPOSURE_LIMIT }`,
      ].join('\n') + '\n',
    );
    const ctx = makeCtx();
    expect(evaluate(ctx, set, st).kind).toBe('accept');
    st.recordOrder(ctx.intent, NOW - 1000);
    expect(evaluate(ctx, set, st).code).toBe('DUPLICATE_ORDER');
    expect(evaluate(makeCtx({ now: NOW + 5000 }), set, st).kind).toBe('accept');
    st.recordMessage('demo', NOW - 500);
    st.recordMessage('demo', NOW - 400);
    expect(evaluate(makeCtx({ intent: { quantity: ds('0.2') } }), set, st).code).toBe('MAX_MESSAGE_RATE');
    const st2 = new InMemoryPolicyState();
    st2.recordPrice('BTC/USDT:USDT', NOW - 120_000, 100000);
    expect(evaluate(ctx, set, st2).code).toBe('PRICE_COLLAR_WINDOW'); // 112000 vs 100000 = 12%
    const st3 = new InMemoryPolicyState();
    st3.openOrder('demo', 'int_x', '45000');
    expect(evaluate(ctx, set, st3).code).toBe('EXPOSURE_LIMIT'); // 11200 + 45000
    st3.closeOrder('demo', 'int_x');
    expect(evaluate(ctx, set, st3).kind).toBe('accept');
  });
});

describe('evaluate: trading state and precedence', () => {
  const empty = policy(`  - id: noop\n    when: { symbol: NONE }\n    reject: {}\n`);

  it('a kill denies new orders with KILL_SWITCH and lets reduce-only exits through', () => {
    const killed = { tradingState: 'HALTED' as const, tradingStateReason: 'kill all by alice: incident' };
    const d = evaluate(makeCtx(killed), empty);
    expect(d.code).toBe('KILL_SWITCH');
    expect(d.trace[0]!.ruleId).toBe(TRADING_STATE_RULE);
    const exit = makeCtx({
      ...killed,
      intent: { side: 'sell', reduceOnly: true, quantity: ds('0.1') },
      exposure: reducingExposure('0.1', '0.3'),
    });
    expect(evaluate(exit, empty).kind).toBe('accept');
    const strict = policy(
      `  - id: noop\n    when: { symbol: NONE }\n    reject: {}\n`,
      'settings: { kill_allows_reduce_only: false }\n',
    );
    expect(evaluate(exit, strict).code).toBe('KILL_SWITCH');
    expect(
      evaluate(makeCtx({ tradingState: 'HALTED', tradingStateReason: 'halt symbol:X by policy' }), empty).code,
    ).toBe('HALTED');
  });

  it('REDUCING allows only orders that reduce without flipping', () => {
    expect(evaluate(makeCtx({ tradingState: 'REDUCING' }), empty).code).toBe('REDUCE_ONLY_STATE');
    const reduce = makeCtx({
      tradingState: 'REDUCING',
      intent: { side: 'sell', quantity: ds('0.1') },
      exposure: reducingExposure('0.1', '0.3'),
    });
    expect(evaluate(reduce, empty).kind).toBe('accept');
    const flip = makeCtx({
      tradingState: 'REDUCING',
      intent: { side: 'sell', quantity: ds('0.5') },
      exposure: reducingExposure('0.5', '0.3'),
    });
    expect(evaluate(flip, empty).code).toBe('REDUCE_ONLY_STATE');
  });

  it('deny beats cap and split; between denials the state codes come first', () => {
    const set = policy(
      `  - id: a-cap\n    cap: { quantity: 0.05 }\n  - id: b-split\n    split: { count: 2, interval: 1s }\n  - id: c-rej\n    reject: { code: MAX_ORDER_NOTIONAL }\n`,
    );
    expect(evaluate(makeCtx(), set).code).toBe('MAX_ORDER_NOTIONAL');
    expect(evaluate(makeCtx({ tradingState: 'HALTED', tradingStateReason: 'kill all' }), set).code).toBe('KILL_SWITCH');
  });

  it('the smallest cap wins', () => {
    const set = policy(
      `  - id: a\n    cap: { quantity: 0.07 }\n  - id: b\n    cap: { quantity: 0.05 }\n  - id: c\n    cap: { notional: 7000 }\n`,
    );
    const d = evaluate(makeCtx(), set);
    expect(d.approvedQuantity).toBe('0.05');
    expect(d.params).toMatchObject({ rule: 'b' });
  });
});

describe('evaluate: split failures have their own codes', () => {
  it('a price-protected split of a market order with no mark is SPLIT_NO_PRICE, not a price collar', () => {
    const set = policy(`  - id: s\n    split: { count: 4, interval: 1s, max_price_deviation_pct: 1 }\n`);
    const d = evaluate(makeCtx({ intent: { quantity: ds('1') }, mark: null }), set);
    expect(d.kind).toBe('deny');
    expect(d.code).toBe('SPLIT_NO_PRICE');
    expect(d.detail).toBe('SPLIT_NO_PRICE: rule=s reason=no_reference_price');
  });

  it('a split sized by child notional with no price at all is SPLIT_NO_PRICE', () => {
    const set = policy(`  - id: s\n    split: { child_notional: 20000, interval: 1s }\n`);
    const d = evaluate(makeCtx({ intent: { quantity: ds('1') }, mark: null }), set);
    expect(d.code).toBe('SPLIT_NO_PRICE');
    expect(d.params).toMatchObject({ reason: 'no_price_for_child_notional' });
  });
});

describe('planSplit failures', () => {
  const base = {
    intentId: 'i',
    clientOrderId: 'c',
    side: 'sell' as const,
    instrument: INSTRUMENTS['BTC/USDT:USDT']!,
    now: NOW,
  };
  it('a quantity off the lot size is SPLIT_LOT_SIZE', () => {
    expect(
      planSplit({ ...base, quantity: new Decimal('0.0005') }, { count: 2, intervalMs: 1000 } as never),
    ).toMatchObject({ ok: false, code: 'SPLIT_LOT_SIZE' });
  });
  it('a protective sell price at or below zero is SPLIT_PROTECTION_PRICE', () => {
    const spec = { count: 2, intervalMs: 1000, max_price_deviation_pct: 100 } as never;
    expect(planSplit({ ...base, quantity: new Decimal('1'), refPrice: new Decimal('100') }, spec)).toMatchObject({
      ok: false,
      code: 'SPLIT_PROTECTION_PRICE',
    });
  });
});
