/** Pure pieces of the front door: numeric order ids, Binance parameters → the REST order body,
 * the order object, and which outcomes become which Binance error. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision, InstrumentSpec, OrderIntent } from '../../../src/core/types.js';
import type { ParentOrder } from '../../../src/execution/order-store.js';
import { OrderIdMap, presentBinanceOrder, rejectionOf } from '../../../src/ingress/binance/index.js';
import { binanceOrderBody } from '../../../src/ingress/binance/order-wire.js';
import { parseOrderBody } from '../../../src/ingress/order-body.js';
import { BinanceApiError } from '../../../src/binance-wire/errors.js';
import { ds } from '../../support/decimals.js';

const INST: InstrumentSpec = {
  venue: 'sim',
  symbol: 'BTC/USDT:USDT',
  venueSymbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.1',
  stepSize: '0.001',
  minQty: '0.001',
  maxQty: '1000',
  minNotional: '100',
  maxLeverage: 125,
  brackets: [],
};

const intent: OrderIntent = {
  intentId: 'ord_1',
  clientOrderId: 'c1',
  clientId: 'demo',
  account: 'demo',
  venue: 'sim',
  symbol: INST.symbol,
  side: 'buy',
  type: 'limit',
  quantity: ds('2'),
  price: ds('100'),
  reduceOnly: false,
  postOnly: false,
  timeInForce: 'GTC',
  receivedAt: 1,
  transport: 'binance',
};
// Presenter inputs of any kind; a loose shape, so each case sets only the fields it reads.
const decision = (over: Partial<Record<keyof Decision, unknown>>): Decision =>
  ({
    kind: 'accept',
    originalQuantity: '2',
    approvedQuantity: '2',
    children: [],
    throttles: [],
    trace: [],
    policySetId: 'p',
    policySha256: 'x',
    ...over,
  }) as Decision;
const parent = (d: Decision, over: Partial<ParentOrder> = {}): ParentOrder => ({
  intentId: 'ord_1',
  intent,
  decision: d,
  regime: 'stable',
  children: [],
  status: 'new',
  filledQuantity: '0',
  createdAt: 1,
  updatedAt: 2,
  ...over,
});

describe('OrderIdMap', () => {
  it('gives each intent one id, distinct ids to distinct intents, and resolves them back', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 50 }), (intents) => {
        const m = new OrderIdMap(1000);
        const ids = intents.map((i) => m.idFor(i));
        intents.forEach((i, k) => expect(m.idFor(i)).toBe(ids[k]));
        expect(new Set(ids).size).toBe(new Set(intents).size);
        intents.forEach((i, k) => expect(m.intentOf(ids[k]!)).toBe(i));
      }),
    );
  });
  it('forgets the oldest mapping past its bound', () => {
    const m = new OrderIdMap(1, 2);
    const a = m.idFor('a');
    m.idFor('b');
    m.idFor('c');
    expect(m.intentOf(a)).toBeUndefined();
    expect(m.intentOf(a + 2)).toBe('c');
    expect(() => new OrderIdMap(0)).toThrow(RangeError);
  });
});

describe('binanceOrderBody', () => {
  const body = (p: Record<string, string>, lev?: string) => binanceOrderBody(p, INST, lev);
  it('maps GTX to post-only, reduceOnly, the unified symbol and the recorded leverage; the strict parser accepts it', () => {
    const r = body(
      {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'LIMIT',
        quantity: '0.010',
        price: '65000.5',
        timeInForce: 'GTX',
        reduceOnly: 'true',
        newClientOrderId: 'x-abc/1',
      },
      '7',
    );
    expect(r).toEqual({
      body: {
        symbol: INST.symbol,
        side: 'sell',
        type: 'limit',
        quantity: '0.010',
        price: '65000.5',
        reduceOnly: true,
        postOnly: true,
        leverage: '7',
      },
      clientOrderId: 'x-abc/1',
    });
    const parsed = parseOrderBody(r.body);
    expect(parsed.ok && parsed.value).toMatchObject({
      postOnly: true,
      timeInForce: 'GTX',
      reduceOnly: true,
      leverage: '7',
    });
  });
  it('drops timeInForce on MARKET orders and refuses what it does not route', () => {
    expect(body({ side: 'BUY', type: 'MARKET', quantity: '1', timeInForce: 'GTC' }).body).toEqual({
      symbol: INST.symbol,
      side: 'buy',
      type: 'market',
      quantity: '1',
      reduceOnly: false,
    });
    const code = (p: Record<string, string>) => {
      try {
        body(p);
        return 0;
      } catch (e) {
        return (e as BinanceApiError).code;
      }
    };
    const base = { side: 'BUY', type: 'LIMIT', quantity: '1', price: '1', timeInForce: 'GTC' };
    expect(code({ ...base, side: 'LONG' })).toBe(-1117);
    expect(code({ ...base, type: 'STOP' })).toBe(-1116);
    expect(code({ ...base, timeInForce: 'GTD' })).toBe(-1115);
    expect(code({ ...base, positionSide: 'LONG' })).toBe(-4061);
    expect(code({ ...base, reduceOnly: 'yes' })).toBe(-1130);
    expect(code({ ...base, stopPrice: '1' })).toBe(-1130);
    expect(code({ ...base, closePosition: 'true' })).toBe(-1130);
    expect(code({ ...base, newClientOrderId: 'has space' })).toBe(-1100);
    expect(code({ side: 'BUY', type: 'LIMIT', quantity: '1', timeInForce: 'GTC' })).toBe(-1102);
    expect(code({ side: 'BUY', type: 'MARKET', quantity: '1', price: '2' })).toBe(-1106);
    expect(code({ ...base, positionSide: 'BOTH' })).toBe(0);
  });
});

describe('presentBinanceOrder and rejectionOf', () => {
  it('shows a split parent as one order with aggregate fills, and a cap as the approved size', () => {
    const d = decision({ kind: 'modify', code: 'REGIME_NOTIONAL_CAP', approvedQuantity: '1.5' });
    const o = presentBinanceOrder(
      parent(d, { status: 'partially_filled', filledQuantity: '0.5', avgPrice: '101' }),
      42,
      INST,
    );
    expect(o).toMatchObject({
      orderId: 42,
      symbol: 'BTCUSDT',
      status: 'PARTIALLY_FILLED',
      origQty: '1.5',
      executedQty: '0.5',
      cumQuote: '50.5',
      avgPrice: '101',
      side: 'BUY',
      type: 'LIMIT',
      positionSide: 'BOTH',
    });
    expect(o.liqguard).toMatchObject({
      decision: 'modify',
      code: 'REGIME_NOTIONAL_CAP',
      originalQuantity: '2',
      approvedQuantity: '1.5',
    });
    expect(presentBinanceOrder(parent(decision({}), { status: 'pending' }), 1, INST).status).toBe('NEW');
  });
  it('a denial is -2010 with the rendered code, a throttle -1015, a venue rejection -2010 with the venue code', () => {
    const deny = rejectionOf(
      parent(
        decision({
          kind: 'deny',
          code: 'MAX_ORDER_QUANTITY',
          detail: 'MAX_ORDER_QUANTITY: quantity=6 max=5',
          approvedQuantity: '0',
        }),
        { status: 'rejected' },
      ),
    )!;
    expect(deny.body()).toEqual({ code: -2010, msg: 'LIQGUARD MAX_ORDER_QUANTITY: quantity=6 max=5 intentId=ord_1' });
    expect(deny.status).toBe(400);
    expect(
      rejectionOf(
        parent(decision({ kind: 'deny', code: 'RATE_LIMIT_EXCEEDED', detail: 'RATE_LIMIT_EXCEEDED: rule=t' }), {
          status: 'rejected',
        }),
      )!.code,
    ).toBe(-1015);
    expect(rejectionOf(parent(decision({ kind: 'deny', code: 'HALTED' }), { status: 'rejected' }))!.message).toBe(
      'LIQGUARD HALTED: intentId=ord_1',
    );
    const venue = rejectionOf(
      parent(decision({}), {
        status: 'rejected',
        children: [
          {
            plan: { index: 0, clientOrderId: 'c1', quantity: ds('2'), notBefore: 0 },
            status: 'rejected',
            filledQuantity: '0',
            code: 'INSUFFICIENT_FUNDS',
            reason: 'margin is insufficient',
          },
        ],
      }),
    )!;
    expect(venue.body()).toEqual({
      code: -2010,
      msg: 'LIQGUARD INSUFFICIENT_FUNDS: reason="margin is insufficient" intentId=ord_1',
    });
    expect(rejectionOf(parent(decision({}), { status: 'new' }))).toBeUndefined();
  });
});
