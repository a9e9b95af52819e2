/** `liqguard venue`'s private API through unmodified clients: the official connector (signed
 * POST/DELETE with Content-Type: application/json and an empty body answered HTTP 500 before the
 * fix; user data by SUBSCRIBE [listenKey] on /private/stream) and ccxt.pro watchOrders /
 * watchMyTrades on /private/ws?listenKey=. A fill reaches the stream after the order was sent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialClient, proBot, type ProBot } from '../../ingress/binance/pro-support.js';
import { KEY, SECRET, startTestVenue, type TestVenue } from './support.js';

const BTC = 'BTC/USDT:USDT';
let v: TestVenue;
let pro: ProBot;

beforeAll(async () => {
  v = await startTestVenue();
  pro = proBot(v.httpUrl, KEY, SECRET);
  await pro.loadMarkets();
}, 60_000);
afterAll(async () => {
  await pro?.close().catch(() => undefined);
  await v?.close();
});

describe('liqguard venue with unmodified clients', () => {
  it('the official connector places and cancels (empty JSON body), reads history-free account calls', async () => {
    const c = officialClient(v.httpUrl, KEY, SECRET);
    const o = await (
      await c.restAPI.newOrder({ symbol: 'BTCUSDT', side: 'BUY' as never, type: 'MARKET' as never, quantity: 0.01 })
    ).data();
    expect(o).toMatchObject({ symbol: 'BTCUSDT', status: 'FILLED', executedQty: '0.010' });
    const lim = await (
      await c.restAPI.newOrder({
        symbol: 'BTCUSDT',
        side: 'BUY' as never,
        type: 'LIMIT' as never,
        quantity: 0.01,
        price: 50_000,
        timeInForce: 'GTC' as never,
      })
    ).data();
    expect(lim.status).toBe('NEW');
    const cancelled = await (await c.restAPI.cancelOrder({ symbol: 'BTCUSDT', orderId: lim.orderId! })).data();
    expect(cancelled.status).toBe('CANCELED');
    const { listenKey } = await (await c.restAPI.startUserDataStream()).data();
    expect(listenKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ccxt.pro watchOrders and watchMyTrades get the fill; the connector gets it by SUBSCRIBE [listenKey]', async () => {
    const c = officialClient(v.httpUrl, KEY, SECRET);
    const conn = await c.websocketStreams.connect();
    try {
      const { listenKey } = await (await c.restAPI.startUserDataStream()).data();
      const before = v.ws.subscribeRequests;
      const viaConnector: { e?: string; E?: number; o?: { x?: string; i?: number } }[] = [];
      conn.userData(listenKey!).on('message', (m) => void viaConnector.push(m as (typeof viaConnector)[number]));
      const orders = pro.watchOrders(BTC);
      const trades = pro.watchMyTrades(BTC);
      await expect
        .poll(() => v.wsConnections.filter((s) => s.path.startsWith('/private/ws')).length, { timeout: 30_000 })
        .toBeGreaterThan(0);
      await expect
        .poll(() => v.wsConnections.filter((s) => s.path.startsWith('/private/stream')).length, { timeout: 30_000 })
        .toBeGreaterThan(0);
      await expect.poll(() => v.ws.subscribeRequests - before, { timeout: 30_000 }).toBeGreaterThanOrEqual(1); // SUBSCRIBE [listenKey]
      const sentAt = Date.now();
      const placed = await pro.createOrder(BTC, 'market', 'sell', 0.01);
      const o = (await orders).find((x) => x.id === placed.id)!;
      expect(o.status).toBe('closed');
      const t = (await trades).find((x) => x.order === placed.id)!;
      expect(t.amount).toBe(0.01);
      await expect
        .poll(() => viaConnector.filter((m) => m.o?.i === Number(placed.id)).map((m) => m.o!.x), { timeout: 30_000 })
        .toContain('TRADE');
      const ev = viaConnector.find((m) => m.o?.i === Number(placed.id) && m.o.x === 'TRADE')!;
      expect(ev.E!).toBeGreaterThanOrEqual(sentAt); // causality: pushed after the order was sent
    } finally {
      await conn.disconnect();
    }
  });
});
