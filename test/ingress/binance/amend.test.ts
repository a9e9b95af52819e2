/** PUT /fapi/v1/order and PUT /fapi/v1/batchOrders (amend) on the door, driven by unmodified ccxt
 * editOrder / editOrders and the official connector's modifyOrder / modifyMultipleOrders: the order
 * is amended in place at the venue (same orderId and clientOrderId, new origQty / price,
 * ORDER_TRADE_UPDATE with x=AMENDMENT); an increase goes through the policy like a new
 * order first (audited; denied: the original keeps working as it was). */
import ccxt from 'ccxt';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../../../src/audit/query.js';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import type { SimulatedVenue } from '../../../src/execution/simulated/index.js';
import { officialClient } from './pro-support.js';
import { ccxtBot, rawUserStream, startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const BTC = 'BTC/USDT:USDT';
let h: FrontDoorGateway;
let bot: InstanceType<typeof ccxt.binanceusdm>;
const lastPrice = () => h.gw.market.snapshot(BTC, h.gw.clock.now()).last!;
const priceAt = (f: number) => Number((Math.round(lastPrice() * f * 10) / 10).toFixed(1));
const sim = () => h.gw.venues.get('sim') as SimulatedVenue;
const as = <T>(x: string) => x as unknown as T;

type Ev = { e: string; o?: Record<string, unknown> };

beforeAll(async () => {
  h = await startFrontDoorGateway({});
  bot = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
  await bot.loadMarkets();
}, 60_000);
afterAll(async () => h?.gw.close());

describe('amend (PUT /fapi/v1/order) on the door', () => {
  it('editOrder amends in place: same ids, new size and price; the stream shows NEW then AMENDMENT', async () => {
    const { ws, events } = await rawUserStream<Ev>(h.url, DEMO_API_KEY);

    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.02, priceAt(0.97), { clientOrderId: 'amend-door-1' });
    const venueChild = sim().openOrdersSync('demo', BTC);
    expect(venueChild).toHaveLength(1);
    const newPrice = priceAt(0.965);
    const e = await bot.editOrder(o.id!, BTC, 'limit', 'buy', 0.01, newPrice);
    expect(e).toMatchObject({ id: o.id, clientOrderId: 'amend-door-1', status: 'open', amount: 0.01, price: newPrice });
    expect((await bot.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([o.id]);
    // The venue's order was amended, not replaced.
    const venueNow = sim().openOrdersSync('demo', BTC);
    expect(venueNow.map((r) => [r.venueOrderId, r.clientOrderId, r.quantity])).toEqual([
      [venueChild[0]!.venueOrderId, venueChild[0]!.clientOrderId, '0.01'],
    ]);
    await expect
      .poll(() => events.filter((x) => x.e === 'ORDER_TRADE_UPDATE').map((x) => `${x.o!.i}:${x.o!.x}:${x.o!.q}`))
      .toEqual([`${o.id}:NEW:0.02`, `${o.id}:AMENDMENT:0.01`]);
    ws.close();
    await bot.cancelAllOrders(BTC);
  });

  it('an increase is evaluated like a new order: allowed within policy, denied above it (original untouched, audited)', async () => {
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, priceAt(0.97));
    const up = await bot.editOrder(o.id!, BTC, 'limit', 'buy', 0.03, priceAt(0.97));
    expect(up).toMatchObject({ id: o.id, amount: 0.03, status: 'open' });
    const err = await bot.editOrder(o.id!, BTC, 'limit', 'buy', 6, priceAt(0.97)).catch((x: Error) => x);
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
    expect((err as Error).message).toMatch(/"code":-2010/);
    expect((err as Error).message).toMatch(/LIQGUARD MAX_ORDER_QUANTITY/);
    const still = await bot.fetchOrder(o.id!, BTC);
    expect(still).toMatchObject({ status: 'open', amount: 0.03 });
    expect(
      sim()
        .openOrdersSync('demo', BTC)
        .map((r) => r.quantity),
    ).toEqual(['0.03']);
    // The increase's evaluation is a decision record of its own (never an order).
    const probeId = /intentId=(ord_[A-Za-z0-9_-]+)/.exec((err as Error).message)![1]!;
    const records = (await queryAudit(join(h.varDir, 'audit'), {} as never)).records as any[];
    const probe = records.filter((r) => r.type === 'decision' && r.intentId === probeId);
    expect(probe).toHaveLength(1);
    expect(probe[0].decision.kind).toBe('deny');
    expect(h.gw.orders.get(probeId)).toBeUndefined();
    await bot.cancelAllOrders(BTC);
  });

  it('the official connector modifies an order and a batch; ccxt editOrders uses PUT batchOrders', async () => {
    const c = officialClient(h.url, DEMO_API_KEY, DEMO_API_SECRET);
    const a = await bot.createOrder(BTC, 'limit', 'buy', 0.01, priceAt(0.97));
    const b = await bot.createOrder(BTC, 'limit', 'buy', 0.01, priceAt(0.96));
    const side = as<never>('BUY');
    const m = await (
      await c.restAPI.modifyOrder({
        symbol: 'BTCUSDT',
        orderId: Number(a.id),
        side,
        quantity: 0.02,
        price: priceAt(0.969),
      })
    ).data();
    expect(m).toMatchObject({ orderId: Number(a.id), origQty: '0.02', status: 'NEW' });
    const batch = await (
      await c.restAPI.modifyMultipleOrders({
        batchOrders: [
          { symbol: 'BTCUSDT', orderId: Number(a.id), side, quantity: 0.03, price: priceAt(0.968) },
          { symbol: 'BTCUSDT', orderId: Number(b.id), side, quantity: 9, price: priceAt(0.96) },
          { symbol: 'BTCUSDT', orderId: 1, side, quantity: 0.02, price: priceAt(0.96) },
        ],
      })
    ).data();
    expect(batch).toHaveLength(3);
    expect(batch[0]).toMatchObject({ orderId: Number(a.id), origQty: '0.03' });
    expect(batch[1]).toMatchObject({ code: -2010 }); // the increase is denied: b stays as it was
    expect(batch[2]).toMatchObject({ code: -2013 });
    expect((await bot.fetchOrder(b.id!, BTC)).amount).toBe(0.01);
    const out = await bot.editOrders([
      { id: a.id!, symbol: BTC, type: 'limit', side: 'buy', amount: 0.02, price: priceAt(0.967) },
      { id: b.id!, symbol: BTC, type: 'limit', side: 'buy', amount: 0.02, price: priceAt(0.959) },
    ] as never);
    expect(out.map((x) => [x.id, x.amount])).toEqual([
      [a.id, 0.02],
      [b.id, 0.02],
    ]);
    await bot.cancelAllOrders(BTC);
  });

  it('bad input gets Binance error bodies: malformed quantity, side change, market order, unknown order, crossing', async () => {
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, priceAt(0.97));
    const put = (p: Record<string, string>) =>
      bot.fapiPrivatePutOrder({ symbol: 'BTCUSDT', ...p }).catch((x: Error) => x.message);
    const base = { orderId: o.id!, side: 'BUY', quantity: '0.01', price: String(priceAt(0.97)) };
    expect(await put({ ...base, quantity: '1e3' })).toMatch(/"code":-1130/);
    expect(await put({ ...base, side: 'SELL' })).toMatch(/"code":-1130/);
    expect(await put({ ...base, price: '' })).toMatch(/"code":-1102/);
    expect(await put({ ...base, orderId: '1' })).toMatch(/"code":-2013/);
    expect(await put(base)).toMatch(/"code":-5027/);
    // A bid amended above the market would cross: the simulated venue refuses (-5022).
    expect(await put({ ...base, price: String(priceAt(1.01)) })).toMatch(/"code":-5022/);
    expect((await bot.fetchOrder(o.id!, BTC)).price).toBe(priceAt(0.97));
    const m = await bot.createOrder(BTC, 'market', 'buy', 0.001);
    expect(await put({ ...base, orderId: m.id! })).toMatch(/"code":-2013/);
    await bot.cancelAllOrders(BTC);
  });
});
