/** Market streams on the door's port, from the gateway's market data, through unmodified clients
 * (ccxt.pro watch*, the official connector's websocket streams, a raw ws), and the refusal of any
 * path nobody serves: closed at once with a reason, never a hanging connection. */
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, DEMO_API_SECRET } from '../../../src/config/embedded-default.js';
import { nextMessage, officialClient, proBot, type ProBot } from './pro-support.js';
import { startFrontDoorGateway, type FrontDoorGateway } from './support.js';

const BTC = 'BTC/USDT:USDT';
let h: FrontDoorGateway;
let pro: ProBot;
let wsBase: string;

/** The next replayed bar for BTC, one hour after the last one the door holds. */
function nextBar(close: number): void {
  const last = h.fd.source.klines('BTCUSDT', 3_600_000, { limit: 1 }).at(-1)!;
  const openTime = last.openTime + 3_600_000;
  h.gw.ingest({
    type: 'bar',
    symbol: BTC,
    ts: openTime + 3_600_000,
    openTime,
    intervalMs: 3_600_000,
    open: close - 10,
    high: close + 20,
    low: close - 20,
    close,
    volume: 3,
  });
}

beforeAll(async () => {
  h = await startFrontDoorGateway();
  wsBase = h.url.replace(/^http/, 'ws');
  pro = proBot(h.url, DEMO_API_KEY, DEMO_API_SECRET);
  await pro.loadMarkets();
}, 60_000);
afterAll(async () => {
  await pro?.close().catch(() => undefined);
  await h?.gw.close();
});

describe('market streams on the door', () => {
  it('raw /ws/<stream> and combined /stream?streams= push markPrice, kline, ticker, bookTicker, depth5', async () => {
    const raw = new WebSocket(`${wsBase}/ws/btcusdt@markPrice`);
    await new Promise((r) => raw.once('open', r));
    const names = ['btcusdt@kline_1h', 'btcusdt@ticker', 'btcusdt@bookTicker', 'btcusdt@depth5'];
    const combined = new WebSocket(`${wsBase}/stream?streams=${names.join('/')}`);
    await new Promise((r) => combined.once('open', r));
    const mark = nextMessage<{ e: string; p: string }>(raw, (m) => m.e === 'markPriceUpdate');
    const got = names.map((n) =>
      nextMessage<{ stream: string; data: Record<string, unknown> }>(combined, (m) => m.stream === n),
    );
    nextBar(123_456.7);
    expect(Number((await mark).p)).toBe(123_456.7);
    const [kline, ticker, book, depth] = await Promise.all(got);
    expect((kline!.data.k as { c: string }).c).toBe('123456.7');
    expect(ticker!.data.c).toBe('123456.7');
    expect(Number(book!.data.b)).toBeLessThan(123_456.7);
    expect(Number(book!.data.a)).toBeGreaterThan(123_456.7);
    expect((depth!.data.b as unknown[]).length).toBe(5);
    raw.close();
    combined.close();
  });

  it('ccxt.pro watchTicker, watchOHLCV and watchOrderBook follow the gateway market', async () => {
    const ticker = pro.watchTicker(BTC);
    const ohlcv = pro.watchOHLCV(BTC, '1h');
    const book = pro.watchOrderBook(BTC, 5);
    const before = h.fd.ws.stats.subscribeRequests;
    // ccxt sends one SUBSCRIBE per stream once its socket is open.
    await expect.poll(() => h.fd.ws.stats.subscribeRequests - before, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    nextBar(120_000);
    expect((await ticker).last).toBe(120_000);
    expect((await ohlcv).at(-1)![4]).toBe(120_000);
    const b = await book;
    expect(b.bids.length).toBeGreaterThan(0);
    expect(b.asks[0]![0]!).toBeGreaterThan(b.bids[0]![0]!);
  });

  it('the official connector streams: markPrice on /market/stream, user data by SUBSCRIBE [listenKey]', async () => {
    const c = officialClient(h.url, DEMO_API_KEY, DEMO_API_SECRET);
    const before = h.fd.ws.stats.subscribeRequests;
    const conn = await c.websocketStreams.connect();
    try {
      const marks: number[] = [];
      conn.markPriceStream({ symbol: 'btcusdt' }).on('message', (m) => void marks.push(Number(m.p)));
      const { listenKey } = await (await c.restAPI.startUserDataStream()).data();
      const user: { e?: string; o?: { c?: string; x?: string } }[] = [];
      conn.userData(listenKey!).on('message', (m) => void user.push(m as (typeof user)[number]));
      await expect.poll(() => h.fd.ws.stats.subscribeRequests - before, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      nextBar(118_000);
      await expect.poll(() => marks, { timeout: 30_000 }).toContain(118_000);
      await (
        await c.restAPI.newOrder({
          symbol: 'BTCUSDT',
          side: 'BUY' as never,
          type: 'MARKET' as never,
          quantity: 0.01,
          newClientOrderId: 'oc-ws-1',
        })
      ).data();
      await expect
        .poll(() => user.filter((u) => u.o?.c === 'oc-ws-1').map((u) => u.o!.x), { timeout: 30_000 })
        .toEqual(['NEW', 'TRADE']);
    } finally {
      await conn.disconnect();
    }
  });

  it('any other websocket path is closed at once with a reason', async () => {
    for (const path of [
      '/nope',
      '/ws/btcusdt@nonsense',
      '/stream?streams=btcusdt@markPrice/zzz@x',
      '/private/ws?listenKey=unknown',
    ]) {
      const ws = new WebSocket(`${wsBase}${path}`);
      const [code, reason] = await new Promise<[number, string]>((r) =>
        ws.once('close', (c, why) => r([c, why.toString()])),
      );
      expect(code, path).toBe(1008);
      expect(reason, path).toMatch(/unknown websocket path|invalid stream name|listenKey does not exist/);
    }
    // The gateway's own websocket paths still work next to the fallback.
    const own = new WebSocket(`${wsBase}/v1/stream?key=${DEMO_API_KEY}`);
    const hello = await nextMessage<{ type: string }>(own, () => true);
    expect(hello.type).toBe('hello');
    own.close();
  });
});
