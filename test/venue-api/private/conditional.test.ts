/** Conditional orders at `liqguard venue` (the simulated exchange over the Binance USD-M API),
 * driven by an unmodified ccxt binanceusdm: every conditional type through /fapi/v1/algoOrder
 * (where ccxt sends them) and through /fapi/v1/order (older clients), triggered by the
 * exchange's own last or mark price. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ccxtClient, startTestVenue, type TestVenue } from './support.js';

const BTC = 'BTC/USDT:USDT';
let v: TestVenue;
let ex: ReturnType<typeof ccxtClient>;
let n = 0;
const cid = (p: string) => `${p}-${process.pid}-${++n}`;
const position = () =>
  Number(v.exchange.accountStateSync('acct-1').positions.find((p) => p.symbol === BTC)?.quantity ?? 0);
const markHook = (markPrice: number, lastPrice = markPrice) =>
  fetch(`${v.httpUrl}/_liqguard/mark`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: 'BTCUSDT', markPrice: String(markPrice), lastPrice: String(lastPrice) }),
  });

beforeAll(async () => {
  v = await startTestVenue();
  ex = ccxtClient(v.urls);
  await ex.loadMarkets();
});
afterAll(async () => v?.close());

describe('conditional orders at liqguard venue through ccxt', () => {
  it('a reduce-only STOP_MARKET goes to /fapi/v1/algoOrder, waits, and closes the long when the price falls through it', async () => {
    await ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: cid('open') });
    expect(position()).toBeCloseTo(0.01);
    const id = cid('sl');
    const o = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
      triggerPrice: 59_000,
      reduceOnly: true,
      clientOrderId: id,
    });
    expect(v.requests.some((r) => r.method === 'POST' && r.url.startsWith('/fapi/v1/algoOrder'))).toBe(true);
    expect(o.status).toBe('open');
    expect(o.triggerPrice).toBe(59_000);
    const open = await ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true });
    expect(open.map((x) => x.clientOrderId)).toContain(id);
    v.bar(BTC, 60_010, 59_500); // above the stop: nothing happens
    expect(position()).toBeCloseTo(0.01);
    v.bar(BTC, 59_500, 58_800); // through it
    expect(position()).toBe(0);
    const after = await ex.fetchOrder(o.id!, BTC, { trigger: true });
    expect(after.status).toBe('closed');
    expect(after.info.algoStatus).toBe('FINISHED');
    expect(v.exchange.fetchOrderSync('acct-1', BTC, id)?.status).toBe('filled');
    expect(await ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).toHaveLength(0);
  });

  it('TAKE_PROFIT_MARKET, STOP (limit) and TAKE_PROFIT (limit) fire in the right direction only', async () => {
    // price now 58 800: a buy take-profit below, a buy stop above, a sell take-profit above.
    const tp = await ex.createOrder(BTC, 'market', 'buy', 0.01, undefined, {
      takeProfitPrice: 58_000,
      clientOrderId: cid('tp'),
    });
    const stopLimit = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 60_500, {
      triggerPrice: 60_000,
      clientOrderId: cid('stl'),
    });
    const tpLimit = await ex.createOrder(BTC, 'limit', 'sell', 0.01, 59_400, {
      takeProfitPrice: 59_500,
      clientOrderId: cid('tpl'),
    });
    expect([tp.info.orderType, stopLimit.info.orderType, tpLimit.info.orderType]).toEqual([
      'TAKE_PROFIT_MARKET',
      'STOP',
      'TAKE_PROFIT',
    ]);
    v.bar(BTC, 58_800, 57_900); // down: only the buy take-profit fires
    expect(position()).toBeCloseTo(0.01);
    expect((await ex.fetchOrder(stopLimit.id!, BTC, { trigger: true })).status).toBe('open');
    v.bar(BTC, 57_900, 60_200); // up: the sell take-profit (59 500) then the buy stop (60 000) fire
    expect(v.exchange.fetchOrderSync('acct-1', BTC, tpLimit.clientOrderId!)?.status).toBe('filled');
    expect(v.exchange.fetchOrderSync('acct-1', BTC, stopLimit.clientOrderId!)?.filledQuantity).toBe('0.01');
    expect(position()).toBeCloseTo(0.01);
  });

  it('TRAILING_STOP_MARKET arms at its activation price and fires on the callback from the high', async () => {
    const o = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
      trailingPercent: 1,
      trailingTriggerPrice: 61_000,
      reduceOnly: true,
      clientOrderId: cid('tr'),
    });
    expect(o.info.orderType).toBe('TRAILING_STOP_MARKET');
    v.bar(BTC, 60_200, 60_400); // not armed: a 1 % drop from here does nothing
    v.bar(BTC, 60_400, 60_300);
    expect(position()).toBeCloseTo(0.01);
    v.bar(BTC, 60_300, 62_000); // armed at 61 000, high 62 000 (×1.0005)
    expect(position()).toBeCloseTo(0.01);
    v.bar(BTC, 62_000, 61_000); // more than 1 % below the high
    expect(position()).toBe(0);
    expect(Number(v.exchange.fetchOrderSync('acct-1', BTC, o.clientOrderId!)?.avgPrice)).toBeLessThan(
      62_100 * 0.99 + 1,
    );
  });

  it('closePosition with workingType MARK_PRICE on /fapi/v1/order triggers on the mark, not the last price', async () => {
    await ex.createOrder(BTC, 'market', 'sell', 0.02, undefined, { clientOrderId: cid('short') });
    expect(position()).toBeCloseTo(-0.02);
    const id = cid('cp');
    const r = (await ex.fapiPrivatePostOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'STOP_MARKET',
      stopPrice: '62000',
      closePosition: 'true',
      workingType: 'MARK_PRICE',
      newClientOrderId: id,
    })) as Record<string, unknown>;
    expect(r).toMatchObject({
      type: 'STOP_MARKET',
      status: 'NEW',
      stopPrice: '62000.0',
      closePosition: true,
      workingType: 'MARK_PRICE',
    });
    const got = await ex.fetchOrder(undefined as unknown as string, BTC, { clientOrderId: id });
    expect(got.status).toBe('open');
    expect(got.info.type).toBe('STOP_MARKET');
    expect((await markHook(61_500, 62_600)).status).toBe(200); // last above the stop, mark below
    expect(position()).toBeCloseTo(-0.02);
    const res = await markHook(62_500);
    expect(res.status).toBe(200);
    expect(position()).toBe(0);
    const done = await ex.fetchOrder(String(r.orderId), BTC);
    expect(done.status).toBe('closed');
    expect(done.filled).toBeCloseTo(0.02);
  });

  it('cancels, and refuses what Binance refuses', async () => {
    const o = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, {
      triggerPrice: 50_000,
      clientOrderId: cid('c'),
    });
    const c = await ex.cancelOrder(o.id!, BTC, { trigger: true });
    expect(c.info.msg).toBe('success');
    expect((await ex.fetchOrder(o.id!, BTC, { trigger: true })).status).toBe('canceled');
    // Would trigger at once (a sell stop above the price): -2021.
    await expect(ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, { triggerPrice: 70_000 })).rejects.toThrow(
      /-2021|immediately trigger/,
    );
    await expect(
      ex.fapiPrivatePostOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', quantity: '0.01' }),
    ).rejects.toThrow(/stopPrice/);
    await expect(
      ex.fapiPrivatePostOrder({
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'STOP',
        stopPrice: '50000',
        closePosition: 'true',
        price: '49000',
      }),
    ).rejects.toThrow(/closePosition/);
    await expect(ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, { trailingPercent: 20 })).rejects.toThrow(
      /callBack rate/,
    );
  });
});
