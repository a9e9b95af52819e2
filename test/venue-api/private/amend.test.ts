/** `liqguard venue` PUT /fapi/v1/order and PUT /fapi/v1/batchOrders: a resting LIMIT order is
 * amended IN PLACE on the simulated exchange (same orderId and clientOrderId, like Binance), through
 * unmodified ccxt editOrder / editOrders and the official connector's modifyOrder /
 * modifyMultipleOrders; the user stream shows execution type AMENDMENT; bad input gets Binance errors. */
import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { officialClient } from '../../ingress/binance/pro-support.js';
import { KEY, SECRET, withVenueAndBot, type TestVenue } from './support.js';

const BTC = 'BTC/USDT:USDT';
let v: TestVenue;
let bot: InstanceType<typeof ccxt.binanceusdm>;
const as = <T>(x: string) => x as unknown as T;

withVenueAndBot((venue, b) => ((v = venue), (bot = b)));

describe('liqguard venue amend', () => {
  it('editOrder decreases, then increases, a resting LIMIT order in place; the stream shows AMENDMENT', async () => {
    const { listenKey } = (await bot.fapiPrivatePostListenKey()) as { listenKey: string };
    const ws = new WebSocket(`${v.httpUrl.replace(/^http/, 'ws')}/ws/${listenKey}`);
    const events: { e: string; o?: Record<string, unknown> }[] = [];
    ws.on('message', (d) => events.push(JSON.parse(d.toString())));
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.02, 58_000, { clientOrderId: 'amend-a' });
    const down = await bot.editOrder(o.id!, BTC, 'limit', 'buy', 0.01, 57_500);
    expect(down).toMatchObject({ id: o.id, clientOrderId: 'amend-a', status: 'open', amount: 0.01, price: 57_500 });
    const up = await bot.editOrder(o.id!, BTC, 'limit', 'buy', 0.05, 57_600);
    expect(up).toMatchObject({ id: o.id, status: 'open', amount: 0.05, price: 57_600 });
    // updateTime is the venue's wall clock (its exchange runs on replay time, here 2025).
    expect(up.lastUpdateTimestamp).toBeGreaterThanOrEqual(o.timestamp!);
    expect(up.lastUpdateTimestamp).toBeGreaterThan(v.clock.now());
    const f = await bot.fetchOrder(o.id!, BTC);
    expect(f).toMatchObject({ id: o.id, status: 'open', amount: 0.05, price: 57_600 });
    expect((await bot.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([o.id]);
    expect(v.exchange.openOrdersSync('acct-1', BTC).map((r) => [r.venueOrderId, r.quantity])).toEqual([[o.id, '0.05']]);
    await expect
      .poll(() => events.filter((e) => e.e === 'ORDER_TRADE_UPDATE').map((e) => `${e.o!.x}:${e.o!.q}:${e.o!.p}`))
      .toEqual(['NEW:0.020:58000.0', 'AMENDMENT:0.010:57500.0', 'AMENDMENT:0.050:57600.0']);
    ws.close();
    await bot.cancelAllOrders(BTC);
  });

  it('the official connector modifies an order and a batch in place (orderId unchanged)', async () => {
    const c = officialClient(v.httpUrl, KEY, SECRET);
    const a = await bot.createOrder(BTC, 'limit', 'buy', 0.01, 58_000);
    const b = await bot.createOrder(BTC, 'limit', 'sell', 0.01, 62_000);
    const m = await (
      await c.restAPI.modifyOrder({
        symbol: 'BTCUSDT',
        orderId: Number(a.id),
        side: as('BUY'),
        quantity: 0.02,
        price: 58_100,
      })
    ).data();
    expect(m).toMatchObject({ orderId: Number(a.id), origQty: '0.020', price: '58100.0', status: 'NEW' });
    const batch = await (
      await c.restAPI.modifyMultipleOrders({
        batchOrders: [
          { symbol: 'BTCUSDT', orderId: Number(a.id), side: as('BUY'), quantity: 0.03, price: 58_200 },
          { symbol: 'BTCUSDT', orderId: Number(b.id), side: as('SELL'), quantity: 0.02, price: 61_900 },
          { symbol: 'BTCUSDT', orderId: 424242, side: as('SELL'), quantity: 0.02, price: 61_900 },
        ],
      })
    ).data();
    expect(batch).toHaveLength(3);
    expect(batch[0]).toMatchObject({ orderId: Number(a.id), origQty: '0.030', price: '58200.0' });
    expect(batch[1]).toMatchObject({ orderId: Number(b.id), origQty: '0.020', price: '61900.0' });
    expect(batch[2]).toMatchObject({ code: -2013 });
    await bot.cancelAllOrders(BTC);
  });

  it('ccxt editOrders amends a batch through PUT batchOrders', async () => {
    const a = await bot.createOrder(BTC, 'limit', 'buy', 0.01, 58_000);
    const b = await bot.createOrder(BTC, 'limit', 'buy', 0.01, 57_000);
    // ccxt reads `id` from each entry (its OrderRequest type does not list it).
    const out = await bot.editOrders([
      { id: a.id!, symbol: BTC, type: 'limit', side: 'buy', amount: 0.02, price: 58_050 },
      { id: b.id!, symbol: BTC, type: 'limit', side: 'buy', amount: 0.03, price: 57_050 },
    ] as never);
    expect(out.map((o) => [o.id, o.amount, o.price])).toEqual([
      [a.id, 0.02, 58_050],
      [b.id, 0.03, 57_050],
    ]);
    await bot.cancelAllOrders(BTC);
  });

  it('bad input: malformed quantity, side change, unknown order, market order, nothing to change, crossing', async () => {
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, 58_000);
    const put = (p: Record<string, string>) =>
      bot.fapiPrivatePutOrder({ symbol: 'BTCUSDT', ...p }).catch((x: Error) => x.message);
    const base = { orderId: o.id!, side: 'BUY', quantity: '0.01', price: '58000' };
    expect(await put({ ...base, quantity: 'abc' })).toMatch(/"code":-1130/);
    expect(await put({ ...base, side: 'SELL' })).toMatch(/"code":-1130/);
    expect(await put({ ...base, price: '' })).toMatch(/"code":-1102/);
    expect(await put({ ...base, orderId: '999999' })).toMatch(/"code":-2013/);
    expect(await put(base)).toMatch(/"code":-5027/);
    expect(await put({ ...base, price: '70000' })).toMatch(/"code":-5022/);
    const m = await bot.createOrder(BTC, 'market', 'buy', 0.002);
    expect(await put({ ...base, orderId: m.id! })).toMatch(/"code":-2013/);
    expect((await bot.fetchOrder(o.id!, BTC)).price).toBe(58_000);
    await bot.cancelAllOrders(BTC);
  });
});
