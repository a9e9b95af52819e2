/** PUT /fapi/v1/order (amend) on the door, driven by unmodified ccxt.binanceusdm editOrder: a
 * decrease or price change is a cancel-and-replace, an increase goes through the policy like a new
 * order (denied: the original keeps working), and the user-data stream shows the CANCELED/NEW pair. */
import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import { ccxtBot, startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const BTC = 'BTC/USDT:USDT';
let h: FrontDoorGateway;
let bot: InstanceType<typeof ccxt.binanceusdm>;
const lastPrice = () => h.gw.market.snapshot(BTC, h.gw.clock.now()).last!;
const priceAt = (f: number) => Number((Math.round(lastPrice() * f * 10) / 10).toFixed(1));

type Ev = { e: string; o?: Record<string, unknown> };

beforeAll(async () => {
  h = await startFrontDoorGateway({});
  bot = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
  await bot.loadMarkets();
}, 60_000);
afterAll(async () => h?.gw.close());

describe('amend (PUT /fapi/v1/order) on the door', () => {
  it('a decrease with a new price replaces the order; the stream shows CANCELED then NEW', async () => {
    const res = await fetch(`${h.url}/fapi/v1/listenKey`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': DEMO_API_KEY },
    });
    const { listenKey } = (await res.json()) as { listenKey: string };
    const ws = new WebSocket(`${h.url.replace(/^http/, 'ws')}/ws/${listenKey}`);
    const events: Ev[] = [];
    ws.on('message', (d) => events.push(JSON.parse(d.toString()) as Ev));
    await new Promise((r, j) => ws.once('open', r).once('error', j));

    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.02, priceAt(0.97));
    const newPrice = priceAt(0.965);
    const e = await bot.editOrder(o.id!, BTC, 'limit', 'buy', 0.01, newPrice);
    expect(e.status).toBe('open');
    expect(e.amount).toBe(0.01);
    expect(e.price).toBe(newPrice);
    expect((await bot.fetchOrder(o.id!, BTC)).status).toBe('canceled');
    const open = await bot.fetchOpenOrders(BTC);
    expect(open.map((x) => x.id)).toEqual([e.id]);
    await expect
      .poll(() => events.filter((x) => x.e === 'ORDER_TRADE_UPDATE').map((x) => `${x.o!.i}:${x.o!.x}`))
      .toEqual(expect.arrayContaining([`${o.id}:CANCELED`, `${e.id}:NEW`]));
    ws.close();
    await bot.cancelAllOrders(BTC);
  });

  it('an increase is evaluated like a new order: allowed within policy, denied above it (original untouched)', async () => {
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, priceAt(0.97));
    const up = await bot.editOrder(o.id!, BTC, 'limit', 'buy', 0.03, priceAt(0.97));
    expect(up.amount).toBe(0.03);
    expect(up.status).toBe('open');
    expect((await bot.fetchOrder(o.id!, BTC)).status).toBe('canceled');
    const err = await bot.editOrder(up.id!, BTC, 'limit', 'buy', 6, priceAt(0.97)).catch((x: Error) => x);
    expect(err).toBeInstanceOf(ccxt.InvalidOrder);
    expect((err as Error).message).toMatch(/"code":-2010/);
    expect((err as Error).message).toMatch(/LIQGUARD MAX_ORDER_QUANTITY/);
    const still = await bot.fetchOrder(up.id!, BTC);
    expect(still.status).toBe('open');
    expect(still.amount).toBe(0.03);
    await bot.cancelAllOrders(BTC);
  });

  it('bad input gets Binance error bodies: malformed quantity, side change, market order, unknown order', async () => {
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, priceAt(0.97));
    const put = (p: Record<string, string>) =>
      bot.fapiPrivatePutOrder({ symbol: 'BTCUSDT', ...p }).catch((x: Error) => x.message);
    const base = { orderId: o.id!, side: 'BUY', quantity: '0.01', price: String(priceAt(0.97)) };
    expect(await put({ ...base, quantity: '1e3' })).toMatch(/"code":-1130/);
    expect(await put({ ...base, side: 'SELL' })).toMatch(/"code":-1130/);
    expect(await put({ ...base, price: '' })).toMatch(/"code":-1102/);
    expect(await put({ ...base, orderId: '1' })).toMatch(/"code":-2013/);
    expect(await put(base)).toMatch(/"code":-5027/);
    const m = await bot.createOrder(BTC, 'market', 'buy', 0.001);
    expect(await put({ ...base, orderId: m.id! })).toMatch(/"code":-2013/);
    await bot.cancelAllOrders(BTC);
  });
});
