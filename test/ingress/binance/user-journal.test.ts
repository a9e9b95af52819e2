/** Pure parts of the door's user-data stream and history: realized PnL accounting (property
 * tested), listen-key lifetimes on an injected clock, the batchOrders parser and the websocket
 * path check. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/core/decimal.js';
import { parseBatch, parseCancelRefs } from '../../../src/binance-wire/batch-params.js';
import { ListenKeys } from '../../../src/ingress/binance/listen-keys.js';
import { applyFill, FLAT } from '../../../src/ingress/binance/position-ledger.js';
import { refusalOf } from '../../../src/ingress/binance/ws-door.js';
import { BinanceApiError } from '../../../src/binance-wire/errors.js';

const fill = fc.record({
  side: fc.constantFrom('buy' as const, 'sell' as const),
  quantity: fc.integer({ min: 1, max: 5000 }).map((n) => new Decimal(n).div(1000).toFixed()),
  price: fc.integer({ min: 1, max: 2_000_000 }).map((n) => new Decimal(n).div(10).toFixed()),
});

describe('applyFill (realized PnL, average entry)', () => {
  it('realized PnL plus the open position marked at the last price equals the cash flow of all fills', () => {
    fc.assert(
      fc.property(
        fc.array(fill, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 2_000_000 }),
        (fills, lastTenth) => {
          const last = new Decimal(lastTenth).div(10);
          let pos = FLAT;
          let realized = new Decimal(0);
          let cash = new Decimal(0);
          for (const f of fills) {
            const r = applyFill(pos, f.side, f.quantity, f.price);
            pos = r.position;
            realized = realized.plus(r.realizedPnl);
            cash = cash.plus(new Decimal(f.quantity).mul(f.price).mul(f.side === 'buy' ? -1 : 1));
          }
          const held = new Decimal(pos.quantity);
          const unrealized = held.mul(last.minus(pos.entryPrice));
          const marked = cash.plus(held.mul(last));
          // Entry prices are rounded to 20 significant digits: compare to well below a cent.
          expect(realized.plus(unrealized).minus(marked).abs().lt('1e-6')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('closing a long at a higher price realizes the gain; a flip opens the rest at the fill price', () => {
    const long = applyFill(FLAT, 'buy', '2', '100').position;
    expect(applyFill(long, 'sell', '1', '110')).toEqual({
      position: { quantity: '1', entryPrice: '100' },
      realizedPnl: '10',
    });
    expect(applyFill(long, 'sell', '3', '90')).toEqual({
      position: { quantity: '-1', entryPrice: '90' },
      realizedPnl: '-20',
    });
    expect(applyFill(applyFill(long, 'buy', '2', '110').position, 'sell', '4', '105').realizedPnl).toBe('0');
  });
});

describe('ListenKeys', () => {
  it('one live key per client, extended by open and keepAlive, swept after 60 minutes of silence', () => {
    let now = 1_000;
    let n = 0;
    const keys = new ListenKeys(
      () => now,
      60 * 60_000,
      () => `key${++n}`,
    );
    const k = keys.open('bot');
    expect(keys.open('bot')).toBe(k);
    expect(keys.clientOf(k)).toBe('bot');
    now += 59 * 60_000;
    expect(keys.keepAlive('bot')).toBe(k);
    now += 59 * 60_000;
    expect(keys.sweep()).toEqual([]);
    now += 2 * 60_000;
    expect(keys.clientOf(k)).toBeUndefined();
    expect(keys.sweep()).toEqual([{ key: k, clientId: 'bot' }]);
    expect(keys.keepAlive('bot')).toBeUndefined();
    expect(keys.open('bot')).not.toBe(k);
    expect(keys.close('bot')).toBe('key2');
    expect(keys.keyOf('bot')).toBeUndefined();
  });
});

describe('parseCancelRefs', () => {
  it('1..10 ids from orderIdList or origClientOrderIdList (any case), else a Binance code', () => {
    expect(parseCancelRefs({ orderidlist: '[1,2]' })).toEqual([{ orderId: '1' }, { orderId: '2' }]);
    expect(parseCancelRefs({ origClientOrderIdList: '["a"]' })).toEqual([{ origClientOrderId: 'a' }]);
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
        (ids, cids) => {
          try {
            const refs = parseCancelRefs({ orderIdList: ids, origClientOrderIdList: cids });
            expect(refs.length).toBeGreaterThanOrEqual(1);
            expect(refs.length).toBeLessThanOrEqual(10);
            for (const r of refs) expect(Object.keys(r)).toHaveLength(1);
          } catch (e) {
            expect(e).toBeInstanceOf(BinanceApiError);
            expect([-1102, -1130]).toContain((e as BinanceApiError).code);
          }
        },
      ),
    );
  });
});

describe('parseBatch', () => {
  it('accepts 1..5 objects of scalar values as string params, refuses anything else with a Binance code', () => {
    expect(parseBatch('[{"symbol":"BTCUSDT","quantity":0.01,"reduceOnly":true}]', 5)).toEqual([
      { symbol: 'BTCUSDT', quantity: '0.01', reduceOnly: 'true' },
    ]);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        try {
          const out = parseBatch(raw, 5);
          expect(out.length).toBeGreaterThanOrEqual(1);
          expect(out.length).toBeLessThanOrEqual(5);
          for (const p of out) for (const v of Object.values(p)) expect(typeof v).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(BinanceApiError);
          expect([-1102, -1130]).toContain((e as BinanceApiError).code);
        }
      }),
      { numRuns: 500 },
    );
    expect(() => parseBatch(JSON.stringify(Array(6).fill({ symbol: 'X' })), 5)).toThrow(/1 to 5 orders/);
    expect(() => parseBatch('[{"a":{"b":1}}]', 5)).toThrow(BinanceApiError);
  });
});

describe('refusalOf (which websocket upgrades the door serves)', () => {
  const keys = { clientOf: (k: string) => (k === 'a'.repeat(64) ? 'bot' : undefined) };
  const why = (path: string) => refusalOf(new URL(path, 'http://x'), keys);
  it('serves streams, live listen keys and empty connections that subscribe later; names the reason otherwise', () => {
    for (const ok of [
      '/ws',
      '/ws/btcusdt@markPrice',
      '/ws/btcusdt@kline_1m/ethusdt@depth5',
      '/stream?streams=btcusdt@ticker',
      '/market/stream?streams=',
      '/private/stream?streams=',
      `/ws/${'a'.repeat(64)}`,
      `/private/ws?listenKey=${'a'.repeat(64)}`,
      '/public/ws/1',
    ]) {
      expect(why(ok), ok).toBeUndefined();
    }
    expect(why('/foo')).toMatch(/unknown websocket path/);
    expect(why('/ws/btcusdt@nope')).toMatch(/invalid stream name/);
    expect(why(`/ws/${'b'.repeat(64)}`)).toMatch(/listenKey does not exist/);
    expect(why('/private/ws?listenKey=zzz')).toMatch(/listenKey does not exist/);
    expect(why('/stream?streams=btcusdt@ticker/x!y')).toMatch(/invalid stream name/);
  });
});
