/** The door's user-data stream, driven by unmodified ccxt.pro (watchOrders, watchMyTrades,
 * watchBalance, watchPositions) and by a raw websocket on /ws/<listenKey>: every status change
 * and fill of the bot's orders, split parents as one order, account updates after fills. */
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import type { SimulatedVenue } from '../../../src/execution/simulated/index.js';
import { nextMessage, proBot, type ProBot } from './pro-support.js';
import { ccxtBot, policyDirWith, rawUserStream, startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const BTC = 'BTC/USDT:USDT';
const XRP = 'XRP/USDT:USDT';
const SPLIT_RULE = `  - id: split-xrp
    when: { symbol: ${XRP}, quantity: { gt: 1000 } }
    split: { count: 3, interval: 1s }
`;

let h: FrontDoorGateway;
let pro: ProBot;
const sim = () => h.gw.venues.get('sim') as SimulatedVenue;
const privateConns = () => h.fd.ws.seen.filter((s) => s.path.startsWith('/private/ws')).length;
const lastPrice = (symbol: string) => h.gw.market.snapshot(symbol, h.gw.clock.now()).last!;

type Ev = { e: string; o?: Record<string, unknown>; a?: Record<string, unknown>; E: number };

/** A raw user-data socket on /ws/<listenKey> that records every event. */
const userStream = () => rawUserStream<Ev>(h.url, DEMO_API_KEY);

beforeAll(async () => {
  h = await startFrontDoorGateway({ policyDir: policyDirWith(SPLIT_RULE) });
  pro = proBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
  // A ccxt option, not a code change: no REST positions snapshot racing the pushed update.
  (pro.options as { watchPositions: Record<string, unknown> }).watchPositions.fetchPositionsSnapshot = false;
  await pro.loadMarkets();
}, 60_000);
afterAll(async () => {
  await pro?.close().catch(() => undefined);
  await h?.gw.close();
});

describe('user-data stream on the door', () => {
  it('ccxt.pro watchOrders, watchMyTrades, watchBalance and watchPositions follow a market order', async () => {
    const orders = pro.watchOrders(BTC);
    const trades = pro.watchMyTrades(BTC);
    const balance = pro.watchBalance();
    const positions = pro.watchPositions([BTC]);
    await expect.poll(privateConns, { timeout: 30_000 }).toBeGreaterThan(0);
    const placed = await pro.createOrder(BTC, 'market', 'buy', 0.01, undefined, { clientOrderId: 'us-mkt-1' });
    const o = (await orders).find((x) => x.clientOrderId === 'us-mkt-1')!;
    expect(o.id).toBe(placed.id);
    const t = (await trades).find((x) => x.order === placed.id)!;
    expect(t.amount).toBe(0.01);
    expect(t.price).toBeCloseTo(placed.average!, 6);
    expect(t.fee?.cost).toBeGreaterThan(0);
    expect(Math.abs(t.timestamp! - Date.now())).toBeLessThan(60_000); // wall clock, not replay time
    // ccxt may first resolve with its REST snapshot: watch again until the pushed update is in.
    const wallet = Number(sim().accountStateSync('demo').walletBalance);
    let b = await balance;
    while (b.USDT?.total !== wallet) b = await pro.watchBalance();
    const held = Math.abs(
      Number(
        sim()
          .accountStateSync('demo')
          .positions.find((p) => p.symbol === BTC)!.quantity,
      ),
    );
    let pos = (await positions).find((p) => p.symbol === BTC);
    while (pos?.contracts !== held) pos = (await pro.watchPositions([BTC])).find((p) => p.symbol === BTC);
    expect(pos.side).toBe('long');
  });

  it('pushes NEW, then each fill of a split parent as one order, then ACCOUNT_UPDATE, in order', async () => {
    const s = await userStream();
    const bot = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
    await bot.loadMarkets();
    const placed = await bot.createOrder(XRP, 'market', 'buy', 1500, undefined, { clientOrderId: 'us-split-1' });
    await expect
      .poll(
        () =>
          s.events.filter((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o?.c === 'us-split-1' && e.o?.X === 'FILLED').length,
        { timeout: 30_000 },
      )
      .toBe(1);
    const mine = s.events.filter((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o?.c === 'us-split-1');
    expect(mine[0]!.o!.x).toBe('NEW');
    expect(mine[0]!.o!.z).toBe('0');
    const fills = mine.filter((e) => e.o!.x === 'TRADE');
    expect(fills.length).toBe(3); // three children, one Binance order
    expect(new Set(mine.map((e) => e.o!.i))).toEqual(new Set([Number(placed.id)]));
    // z grows by l with every fill and ends at the order's size.
    let cum = 0;
    for (const f of fills) {
      cum += Number(f.o!.l);
      expect(Number(f.o!.z)).toBeCloseTo(cum, 9);
    }
    expect(cum).toBe(1500);
    // Each fill is followed by an ACCOUNT_UPDATE for XRP; times never go backwards.
    const i = s.events.indexOf(fills[0]!);
    expect(
      s.events.slice(i).some((e) => e.e === 'ACCOUNT_UPDATE' && (e.a!.P as { s: string }[])[0]!.s === 'XRPUSDT'),
    ).toBe(true);
    for (let k = 1; k < s.events.length; k++) expect(s.events[k]!.E).toBeGreaterThanOrEqual(s.events[k - 1]!.E);
    s.ws.close();
  });

  it('a resting limit order is NEW, then CANCELED when the bot cancels it', async () => {
    const s = await userStream();
    const bot = ccxtBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
    await bot.loadMarkets();
    const px = Number((Math.round(lastPrice(BTC) * 0.97 * 10) / 10).toFixed(1));
    const o = await bot.createOrder(BTC, 'limit', 'buy', 0.01, px, { clientOrderId: 'us-lim-1' });
    await bot.cancelOrder(o.id!, BTC);
    await expect
      .poll(() => s.events.filter((e) => e.o?.c === 'us-lim-1').map((e) => e.o!.x), { timeout: 30_000 })
      .toEqual(['NEW', 'CANCELED']);
    const ev = s.events.find((e) => e.o?.c === 'us-lim-1')!;
    expect(ev.o).toMatchObject({ s: 'BTCUSDT', S: 'BUY', o: 'LIMIT', f: 'GTC', q: '0.01', p: String(px), X: 'NEW' });
    s.ws.close();
  });

  it('listenKey: PUT keeps it alive, DELETE ends it with listenKeyExpired, a dead key is refused with a reason', async () => {
    const s = await userStream();
    const put = await fetch(`${h.url}/fapi/v1/listenKey`, { method: 'PUT', headers: { 'X-MBX-APIKEY': DEMO_API_KEY } });
    expect(await put.json()).toEqual({ listenKey: s.key });
    const expired = nextMessage<Ev>(s.ws, (m) => m.e === 'listenKeyExpired');
    await fetch(`${h.url}/fapi/v1/listenKey`, { method: 'DELETE', headers: { 'X-MBX-APIKEY': DEMO_API_KEY } });
    expect((await expired).e).toBe('listenKeyExpired');
    s.ws.close();
    const again = await fetch(`${h.url}/fapi/v1/listenKey`, {
      method: 'PUT',
      headers: { 'X-MBX-APIKEY': DEMO_API_KEY },
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: -1125 });
    const dead = new WebSocket(`${h.url.replace(/^http/, 'ws')}/ws/${s.key}`);
    const [code, reason] = await new Promise<[number, string]>((r) =>
      dead.once('close', (c, why) => r([c, why.toString()])),
    );
    expect(code).toBe(1008);
    expect(reason).toMatch(/listenKey does not exist/);
    const noKey = await fetch(`${h.url}/fapi/v1/listenKey`, { method: 'POST' });
    expect(await noKey.json()).toMatchObject({ code: -2014 });
  });
});
