/** Position limits, desk limits across strategies, order-to-trade and cancel ratios, self-trade
 * prevention: evaluate() over a real LimitBook view. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, decimalString } from '../../src/core/decimal.js';
import type { Exposure, RiskContext } from '../../src/core/types.js';
import type { LimitBook } from '../../src/limits/index.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { makeCtx, NOW, reducingExposure } from '../policy/fixtures.js';
import { makeBook, policy } from './support.js';
import { ds } from '../support/decimals.js';

const BTC = 'BTC/USDT:USDT';
const MARK = 112000; // fixtures' BTC mark

function ctxFor(book: LimitBook, o: Parameters<typeof makeCtx>[0] & { clientId: string }): RiskContext {
  const c = makeCtx({ ...o, intent: { clientId: o.clientId, ...o.intent } });
  return { ...c, limits: book.view(c.intent, c.now) };
}

describe('position limits', () => {
  const SET = policy(`
  - id: bot-btc-position
    when: { symbol: [BTC/USDT:USDT] }
    position_limit: { level: client, quantity: 1 }
`);

  it('resizes an order to what the limit leaves and never blocks a reducing order', () => {
    const { book } = makeBook();
    book.onMark(BTC, MARK, NOW);
    book.onFill('bot-a', BTC, 'buy', '0.8', String(MARK), '0', NOW);
    const d = evaluate(ctxFor(book, { clientId: 'bot-a', intent: { quantity: ds('0.5') } }), SET);
    expect(d).toMatchObject({ kind: 'modify', code: 'POSITION_LIMIT', approvedQuantity: '0.2' });
    expect(d.params).toMatchObject({ level: 'client', scope: 'bot-a', quantityLimit: '1', position: '0.8' });
    // Selling through zero to a short: the short side may use the whole limit.
    const flip = evaluate(
      ctxFor(book, {
        clientId: 'bot-a',
        intent: { side: 'sell', quantity: ds('3') },
        exposure: { postFillQuantity: '-2.2' },
      }),
      SET,
    );
    expect(flip).toMatchObject({ kind: 'modify', approvedQuantity: '1.8' });
    // Above the limit already (the limit was lowered): a reducing sell still passes untouched.
    book.onFill('bot-a', BTC, 'buy', '0.7', String(MARK), '0', NOW);
    const exit = evaluate(
      ctxFor(book, {
        clientId: 'bot-a',
        intent: { side: 'sell', reduceOnly: true, quantity: ds('0.1') },
        exposure: reducingExposure('0.1', '1.5'),
      }),
      SET,
    );
    expect(exit.kind).toBe('accept');
    // Nothing left: a buy is denied with the code.
    expect(evaluate(ctxFor(book, { clientId: 'bot-a', intent: { quantity: ds('0.1') } }), SET)).toMatchObject({
      kind: 'deny',
      code: 'POSITION_LIMIT',
    });
  });

  it('a desk limit binds across two strategies, and the trace names the desk', () => {
    const set = policy(`
  - id: macro-gross
    position_limit: { level: desk, ids: [macro], gross_notional: 168000 }
  - id: strategy-gross
    position_limit: { level: strategy, gross_notional: 1000000 }
`);
    const { book } = makeBook();
    book.onMark(BTC, MARK, NOW);
    book.onFill('bot-a', BTC, 'buy', '1', String(MARK), '0', NOW); // strategy trend
    // bot-b (strategy carry, same desk): 56k left on the desk = 0.5 BTC.
    const d = evaluate(ctxFor(book, { clientId: 'bot-b', intent: { quantity: ds('1') } }), set);
    expect(d).toMatchObject({ kind: 'modify', code: 'POSITION_LIMIT', approvedQuantity: '0.5' });
    expect(d.params).toMatchObject({
      rule: 'macro-gross',
      level: 'desk',
      scope: 'macro',
      grossNotionalLimit: '168000',
    });
    expect(d.trace.find((t) => t.ruleId === 'strategy-gross')).toMatchObject({
      outcome: 'pass',
      params: { level: 'strategy', scope: 'carry' },
    });
    // bot-c is on desk arb: not bound by the macro limit.
    expect(evaluate(ctxFor(book, { clientId: 'bot-c', intent: { quantity: ds('1') } }), set).kind).toBe('accept');
  });

  it('property: a capped order never takes the position past the limit; a reducing order is never denied', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -30, max: 30 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.integer({ min: 0, max: 25 }),
        (pos10, qty10, side, lim10) => {
          const { book } = makeBook();
          const cur = new Decimal(pos10).div(10);
          if (!cur.isZero())
            book.onFill('bot-a', BTC, cur.isNeg() ? 'sell' : 'buy', cur.abs().toFixed(), String(MARK), '0', NOW);
          const set = policy(`
  - id: cap
    position_limit: { level: client, quantity: ${new Decimal(lim10).div(10).toFixed()} }
`);
          const q = new Decimal(qty10).div(10);
          const s = side === 'buy' ? 1 : -1;
          const after = cur.plus(q.mul(s));
          const reduces =
            !cur.isZero() && after.abs().lt(cur.abs()) && (after.isZero() || after.isNeg() === cur.isNeg());
          const exposure: Partial<Exposure> = {
            position: {
              account: 'main',
              symbol: BTC,
              quantity: cur.toFixed(),
              entryPrice: String(MARK),
              leverage: '5',
              marginMode: 'cross',
              isolatedMargin: '0',
              unrealizedPnl: '0',
            },
            postFillQuantity: after.toFixed(),
            reducesPosition: reduces,
          };
          const d = evaluate(
            ctxFor(book, { clientId: 'bot-a', intent: { side, quantity: decimalString(q) }, exposure }),
            set,
          );
          if (reduces) expect(d.kind).toBe('accept');
          if (d.kind === 'deny') return;
          const fin = cur.plus(new Decimal(d.approvedQuantity).mul(s)).abs();
          expect(fin.lte(lim10 / 10) || fin.lte(cur.abs())).toBe(true);
          if (d.kind === 'modify') expect(new Decimal(d.approvedQuantity).lt(q)).toBe(true);
        },
      ),
    );
  });
});

describe('order-to-trade and cancel ratios (RTS 9)', () => {
  const SET = policy(`
  - id: otr
    when: { order_to_trade_ratio: { window: 1h, gt: 5, min_orders: 5 } }
    reject: { code: ORDER_TO_TRADE_RATIO }
  - id: cancels
    when: { cancel_ratio: { window: 1h, gt: 0.9, min_orders: 10 } }
    reject: { code: CANCEL_RATIO }
`);

  it('denies with ORDER_TO_TRADE_RATIO past 5 orders per trade', () => {
    const { book } = makeBook();
    for (let i = 0; i < 5; i++) book.counters.record('order', 'bot-a', NOW - 1000 + i);
    book.onFill('bot-a', BTC, 'buy', '0.1', String(MARK), '0', NOW - 500);
    // 5 earlier orders + this one = 6 per 1 trade.
    const d = evaluate(ctxFor(book, { clientId: 'bot-a' }), SET);
    expect(d).toMatchObject({ kind: 'deny', code: 'ORDER_TO_TRADE_RATIO' });
    expect(d.detail).toContain('orderToTrade=6');
    // Orders older than the window do not count; another client is unaffected.
    expect(evaluate({ ...ctxFor(book, { clientId: 'bot-a' }), now: NOW + 3_600_000 }, SET).kind).toBe('accept');
    expect(evaluate(ctxFor(book, { clientId: 'bot-b' }), SET).kind).toBe('accept');
  });

  it('denies with CANCEL_RATIO when nearly every order is cancelled', () => {
    const { book } = makeBook();
    for (let i = 0; i < 10; i++) {
      book.counters.record('order', 'bot-a', NOW - 1000 + i);
      book.counters.record('cancel', 'bot-a', NOW - 900 + i);
      book.onFill('bot-a', BTC, 'buy', '0.001', String(MARK), '0', NOW - 800 + i); // OTR stays low
    }
    expect(evaluate(ctxFor(book, { clientId: 'bot-a' }), SET)).toMatchObject({ kind: 'deny', code: 'CANCEL_RATIO' });
  });
});

describe('self-trade prevention', () => {
  const resting = [{ intentId: 'ord_rest', clientId: 'bot-b', side: 'sell' as const, price: '112500' }];
  const limitBuy = (price: string) => ({ clientId: 'bot-a', intent: { type: 'limit' as const, price: ds(price) } });

  it('denies with SELF_TRADE when the order would cross a resting order of the same desk', () => {
    const set = policy(`
  - id: stp-desk
    self_trade: { level: desk, on_cross: deny }
`);
    const { book } = makeBook({ resting });
    expect(evaluate(ctxFor(book, limitBuy('112600')), set)).toMatchObject({
      kind: 'deny',
      code: 'SELF_TRADE',
      params: { level: 'desk', resting: 'ord_rest' },
    });
    expect(evaluate(ctxFor(book, limitBuy('112400')), set).kind).toBe('accept'); // does not cross
    expect(evaluate(ctxFor(book, { clientId: 'bot-a' }), set).kind).toBe('deny'); // a market order crosses
    expect(evaluate(ctxFor(book, { ...limitBuy('112600'), clientId: 'bot-c' }), set).kind).toBe('accept'); // other desk
  });

  it('cancel mode names the resting orders to cancel first and passes the venue mode on', () => {
    const set = policy(`
  - id: stp-client
    self_trade: { level: client, on_cross: cancel_resting, venue_mode: EXPIRE_MAKER }
`);
    const { book } = makeBook({ resting: [{ ...resting[0]!, clientId: 'bot-a' }] });
    const d = evaluate(ctxFor(book, limitBuy('112600')), set);
    expect(d).toMatchObject({ kind: 'accept', cancelResting: ['ord_rest'], selfTradePreventionMode: 'EXPIRE_MAKER' });
  });
});
