/** `liqguard venue` PUT /fapi/v1/order through unmodified ccxt editOrder: a LIMIT order is amended
 * as cancel-and-replace on the simulated exchange (up or down), bad input gets Binance errors. */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ccxtClient, startTestVenue, type TestVenue } from './support.js';

const BTC = 'BTC/USDT:USDT';
let v: TestVenue;
let bot: InstanceType<typeof ccxt.binanceusdm>;

beforeAll(async () => {
  v = await startTestVenue();
  bot = ccxtClient(v.urls);
  await bot.loadMarkets();
}, 60_000);
afterAll(async () => v?.close());

describe('liqguard venue amend', () => {
  it('editOrder decreases, then increases, a resting LIMIT order; the original is cancelled each time', async () => {
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.02, 58_000);
    const down = await bot.editOrder(o.id!, BTC, 'limit', 'buy', 0.01, 57_500);
    expect(down).toMatchObject({ status: 'open', amount: 0.01, price: 57_500 });
    expect((await bot.fetchOrder(o.id!, BTC)).status).toBe('canceled');
    const up = await bot.editOrder(down.id!, BTC, 'limit', 'buy', 0.05, 57_600);
    expect(up).toMatchObject({ status: 'open', amount: 0.05, price: 57_600 });
    expect((await bot.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([up.id]);
    const open = v.exchange.openOrdersSync('acct-1', BTC);
    expect(open.map((r) => r.quantity)).toEqual(['0.05']);
  });

  it('bad input: malformed quantity, side change, unknown order, market order, nothing to change', async () => {
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, 58_000);
    const put = (p: Record<string, string>) =>
      bot.fapiPrivatePutOrder({ symbol: 'BTCUSDT', ...p }).catch((x: Error) => x.message);
    const base = { orderId: o.id!, side: 'BUY', quantity: '0.01', price: '58000' };
    expect(await put({ ...base, quantity: 'abc' })).toMatch(/"code":-1130/);
    expect(await put({ ...base, side: 'SELL' })).toMatch(/"code":-1130/);
    expect(await put({ ...base, price: '' })).toMatch(/"code":-1102/);
    expect(await put({ ...base, orderId: '999999' })).toMatch(/"code":-2013/);
    expect(await put(base)).toMatch(/"code":-5027/);
    const m = await bot.createOrder(BTC, 'market', 'buy', 0.002);
    expect(await put({ ...base, orderId: m.id! })).toMatch(/"code":-2013/);
  });
});
