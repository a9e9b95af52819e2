/** The live feed through real ccxt / ccxt.pro against the local Binance USD-M-compatible server:
 * every stream kind, a dropped connection, a sequence gap, a silent feed, an outage with backoff. */
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import type { MarketEvent } from '../../../src/core/types.js';
import {
  createLiveFeed,
  localBinanceUrls,
  type LiveFeed,
  type LiveFeedOptions,
  type LiveVenueConfig,
  type StreamStatus,
} from '../../../src/market/live/index.js';
import { BTC, ETH, guardLoopback, pump, startHarness, until, type Harness } from '../../venue-api/support.js';

interface LogEntry {
  level: string;
  msg?: string;
  obj: Record<string, unknown>;
}

let h: Harness;
let guard: ReturnType<typeof guardLoopback>;
let feeds: LiveFeed[] = [];
let pumps: ReturnType<typeof pump>[] = [];

beforeAll(async () => {
  guard = guardLoopback();
  h = await startHarness();
  // Closed 1m bars for ETH (trades then leave ETH's 1m series alone).
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 5; i++)
    h.source.ingest({
      type: 'bar',
      symbol: ETH,
      ts: t0 + (i + 1) * 60_000,
      openTime: t0 + i * 60_000,
      intervalMs: 60_000,
      open: 2_000 + i,
      high: 2_010 + i,
      low: 1_990 + i,
      close: 2_005 + i,
      volume: 7,
    });
});
afterEach(async () => {
  pumps.forEach((p) => p.stop());
  pumps = [];
  h.server.control.clear();
  await Promise.all(feeds.map((f) => f.stop()));
  feeds = [];
});
afterAll(async () => {
  await h.close();
  guard.restore();
});

function startFeed(
  extra: Partial<LiveFeedOptions> & { streams?: LiveVenueConfig['streams'] } = {},
  symbols: readonly string[] = [BTC],
) {
  const { streams, ...rest } = extra;
  const events: MarketEvent[] = [];
  const statuses: StreamStatus[] = [];
  const logs: LogEntry[] = [];
  const log = (level: string) => (obj: object, msg?: string) =>
    logs.push({ level, obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) });
  const feed = createLiveFeed({
    venues: [
      {
        id: 'local',
        exchangeId: 'binanceusdm',
        symbols,
        urls: localBinanceUrls(h.httpUrl, h.wsUrl),
        ...(streams ? { streams } : {}),
      },
    ],
    onEvent: (e) => void events.push(e),
    onStatus: (s) => void statuses.push(s),
    logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') },
    clock: systemClock,
    backoff: { initialMs: 20, maxMs: 200, factor: 2 },
    random: () => 0.5,
    openInterestPollMs: 50,
    bars: { timeframe: '1m', pollMs: 50 },
    checkIntervalMs: 25,
    ...rest,
  });
  feeds.push(feed);
  return { feed, events, statuses, logs };
}

const movingMarket = () => {
  const p = pump(h.source);
  pumps.push(p);
  return p;
};
const ofType = <T extends MarketEvent['type']>(events: readonly MarketEvent[], type: T, symbol = BTC) =>
  events.filter((e): e is Extract<MarketEvent, { type: T }> => e.type === type && e.symbol === symbol);
const seen = (events: readonly MarketEvent[], type: MarketEvent['type'], symbol = BTC) =>
  ofType(events, type, symbol).length > 0 ? true : undefined;

describe('live feed against the local Binance USD-M server', () => {
  it('emits book, mark, trade, liquidation, open-interest and bar events', async () => {
    const { feed, events } = startFeed({}, [BTC, ETH]);
    await feed.start();
    movingMarket();
    for (const type of ['book', 'mark', 'trade', 'liquidation', 'openInterest'] as const)
      await until(() => seen(events, type), `${type} event`);
    await until(() => seen(events, 'bar', ETH), 'ETH bars');

    const mark = ofType(events, 'mark').at(-1)!;
    expect(mark.markPrice).toBeGreaterThanOrEqual(65_000);
    expect(mark.fundingRate).toBe(0.0001);
    expect(mark.nextFundingTime).toBe(h.source.mark('BTCUSDT')!.nextFundingTime);
    const book = ofType(events, 'book').at(-1)!;
    expect(book.bids.length).toBeGreaterThan(0);
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0]);
    expect(ofType(events, 'liquidation')[0]).toMatchObject({ side: 'sell', quantity: 0.25 });
    expect(ofType(events, 'openInterest')[0]).toMatchObject({ openInterest: 81_234.5 });
    const bars = ofType(events, 'bar', ETH);
    expect(bars.map((b) => [b.openTime, b.close])).toEqual(
      [2, 3, 4].map((i) => [Date.UTC(2024, 0, 1) + i * 60_000, 2_005 + i]),
    );
    expect(feed.lastEventAt(BTC, 'book')).toBeGreaterThan(0);
    expect(feed.lastEventAt(BTC, 'liquidations')).toBeGreaterThan(0);
    expect(feed.stats().totals).toMatchObject({ gaps: 0, reconnects: 0, listenerErrors: 0 });
  });

  it('a dropped connection: every watch reconnects (counted) and events resume', async () => {
    const { feed, events, logs } = startFeed();
    await feed.start();
    movingMarket();
    await until(() => (seen(events, 'book') && seen(events, 'mark') ? true : undefined), 'book and mark');
    const dropped = h.server.control.dropConnections();
    expect(dropped).toBeGreaterThan(0);
    const mark = events.length;
    await until(() => (feed.stats().totals.reconnects >= 1 ? true : undefined), 'a reconnect');
    await until(
      () => (seen(events.slice(mark), 'book') && seen(events.slice(mark), 'mark') ? true : undefined),
      'events after the drop',
    );
    expect(
      logs.some((l) => l.msg === 'market feed: connection lost, reconnecting' && l.obj['kind'] === 'network'),
    ).toBe(true);
    expect(feed.stats().totals.listenerErrors).toBe(0);
  });

  it('a sequence gap: counted, resynced from a new snapshot, and the book matches the server again', async () => {
    const { feed, events, logs } = startFeed({
      streams: { trades: false, liquidations: false, openInterest: false, bars: false, mark: false },
    });
    await feed.start();
    const p = movingMarket();
    await until(() => seen(events, 'book'), 'book');
    const snapshots = () => h.server.requests.filter((r) => r.url.startsWith('/fapi/v1/depth')).length;
    const before = snapshots();
    h.server.control.injectDepthGap('BTCUSDT');
    await until(() => (feed.stats().totals.gaps >= 1 ? true : undefined), 'a gap');
    expect(logs.some((l) => l.msg === 'market feed: sequence gap, resyncing')).toBe(true);
    expect(h.server.control.faultCounts.depthDiffsDropped).toBe(1);
    await until(() => (snapshots() > before ? true : undefined), 'a fresh REST snapshot');
    p.stop();
    // One more move at rest: the last book event must equal the server's book.
    const count = events.length;
    h.source.setMark(BTC, 65_432.1);
    const served = h.source.book('BTCUSDT', 20)!;
    const last = await until(() => {
      const b = ofType(events.slice(count), 'book').at(-1);
      return b && b.bids[0]![0] === served.bids[0]![0] ? b : undefined;
    }, 'book after resync');
    expect(last.bids).toEqual(served.bids);
    expect(last.asks).toEqual(served.asks);
    expect(feed.stats().streams[`local ${BTC} book`]!.gaps).toBeGreaterThanOrEqual(1);
  });

  it('a silent stream is detected and reported, then reported live again when it resumes', async () => {
    const { feed, events, statuses } = startFeed({
      silenceAfterMs: { mark: 200 },
      streams: { trades: false, liquidations: false, openInterest: false, bars: false },
    });
    await feed.start();
    movingMarket();
    await until(() => statuses.find((s) => s.stream === 'mark' && s.state === 'live'), 'mark live');
    const id = h.server.control.silence({ channel: 'markPrice' });
    const silent = await until(() => statuses.find((s) => s.stream === 'mark' && s.state === 'silent'), 'mark silent');
    expect(silent).toMatchObject({ venue: 'local', symbol: BTC, stream: 'mark' });
    expect(silent.reason).toMatch(/no event for \d+ ms \(threshold 200 ms\)/);
    expect(feed.status().find((s) => s.stream === 'mark')!.state).toBe('silent');
    expect(feed.lastEventAt(BTC, 'mark')).toBe(silent.lastEventAt);
    expect(feed.stats().totals.silences).toBeGreaterThanOrEqual(1);
    const n = statuses.indexOf(silent);
    h.server.control.resume(id);
    await until(() => statuses.slice(n + 1).find((s) => s.stream === 'mark' && s.state === 'live'), 'mark live again');
    expect(feed.lastEventAt(BTC, 'mark')!).toBeGreaterThan(silent.lastEventAt!);
    expect(seen(events, 'book')).toBe(true);
  });

  it('an outage that outlasts reconnects: exponential backoff, no throw, recovery', async () => {
    const { feed, events, logs } = startFeed({
      streams: { trades: false, liquidations: false, openInterest: false, bars: false, mark: false },
    });
    await feed.start();
    movingMarket();
    await until(() => seen(events, 'book'), 'book');
    h.server.control.rejectConnections(true);
    h.server.control.dropConnections();
    const retries = () =>
      logs.filter((l) => l.obj['stream'] === 'book' && l.obj['kind'] === 'network').map((l) => l.obj['retryInMs']);
    await until(() => (retries().length >= 4 ? true : undefined), '4 failed reconnects');
    // random() = 0.5 → delay = 0.75 · min(max, initial · 2ⁿ).
    expect(retries().slice(0, 4)).toEqual([15, 30, 60, 120]);
    h.server.control.rejectConnections(false);
    const mark = events.length;
    await until(() => seen(events.slice(mark), 'book'), 'book after the outage');
    expect(h.server.control.ws.connectionsRejected).toBeGreaterThanOrEqual(3);
  });

  it('a throwing listener is logged and counted; the feed keeps going', async () => {
    let calls = 0;
    const { feed, logs } = startFeed({
      onEvent: () => {
        if (++calls % 2 === 0) throw new Error('listener bug');
      },
      streams: { trades: false, liquidations: false, bars: false },
    });
    await feed.start();
    movingMarket();
    await until(() => (calls >= 10 ? true : undefined), '10 events');
    expect(feed.stats().totals.listenerErrors).toBeGreaterThanOrEqual(4);
    expect(logs.some((l) => l.level === 'error' && l.msg === 'market feed: event listener threw')).toBe(true);
  });

  it('a symbol the venue does not list is reported failed; disabled streams are not started', async () => {
    const { feed, statuses } = startFeed({}, ['DOGE/USDT:USDT']);
    await feed.start();
    const failed = await until(() => statuses.find((s) => s.state === 'failed'), 'failed status');
    expect(failed.reason).toMatch(/DOGE\/USDT:USDT is not listed by binanceusdm/);
    const { feed: f2 } = startFeed({ streams: { trades: false, bars: false } });
    expect(f2.status()).toEqual([]);
    await f2.start();
    expect(
      f2
        .status()
        .map((s) => s.stream)
        .sort(),
    ).toEqual(['book', 'liquidations', 'mark', 'openInterest']);
  });

  it('counts on a passed prom-client Registry', async () => {
    const registry = new Registry();
    const { feed, events } = startFeed({
      registry,
      streams: { trades: false, liquidations: false, bars: false, openInterest: false },
    });
    await feed.start();
    movingMarket();
    await until(() => seen(events, 'book'), 'book');
    h.server.control.injectDepthGap('BTCUSDT');
    await until(() => (feed.stats().totals.gaps >= 1 ? true : undefined), 'a gap');
    const text = await registry.metrics();
    expect(text).toMatch(/liqguard_feed_events_total\{venue="local",stream="book"\} [1-9]/);
    expect(text).toMatch(/liqguard_feed_gaps_total\{venue="local",symbol="BTC\/USDT:USDT",stream="book"\} 1/);
  });

  it('stop() ends every loop and closes every connection', async () => {
    const { feed, events } = startFeed();
    await feed.start();
    movingMarket();
    await until(() => seen(events, 'book'), 'book');
    await feed.stop();
    expect(feed.status().every((s) => s.state === 'stopped')).toBe(true);
    await until(() => (h.server.control.connectionCount() === 0 ? true : undefined), 'connections closed');
    const n = events.length;
    h.source.setMark(BTC, 65_111);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.length).toBe(n);
  });

  it('no request left 127.0.0.1', () => {
    expect(guard.refused).toEqual([]);
    expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
    expect(h.server.requests.length).toBeGreaterThan(0);
    expect(h.server.requests.every((r) => r.remoteAddress === '127.0.0.1')).toBe(true);
    expect(h.server.wsConnections.every((c) => c.remoteAddress === '127.0.0.1')).toBe(true);
  });
  it('backfills bars at start (the 720-bar features are not blind for a month), then polls the last few', async () => {
    const m = 60_000;
    const last = Math.floor(Date.now() / m) * m - 2 * m; // opens of closed bars, newest two minutes ago
    const opens = Array.from({ length: 200 }, (_, k) => last - (199 - k) * m);
    for (const o of opens)
      h.source.ingest({
        type: 'bar',
        symbol: BTC,
        ts: o + m,
        openTime: o,
        intervalMs: m,
        open: 60_000,
        high: 60_010,
        low: 59_990,
        close: 60_005,
        volume: 1,
      });
    const only = { book: false, mark: false, trades: false, liquidations: false, openInterest: false } as const;
    const { feed, events } = startFeed({ streams: only, bars: { timeframe: '1m', pollMs: 50, backfillDays: 1 } });
    await feed.start();
    await until(() => (ofType(events, 'bar').length >= 200 ? true : undefined), '200 backfilled bars');
    const got = ofType(events, 'bar')
      .map((b) => b.openTime)
      .filter((t) => t >= opens[0]!);
    expect(got.slice(0, 200)).toEqual(opens); // in order, none twice, none missing
    // without a backfill the first poll would have delivered the last 3 bars only
    const { feed: f2, events: e2 } = startFeed({
      streams: only,
      bars: { timeframe: '1m', pollMs: 50, backfillDays: 0 },
    });
    await f2.start();
    await until(() => (ofType(e2, 'bar').length > 0 ? true : undefined), 'polled bars');
    expect(ofType(e2, 'bar').length).toBeLessThanOrEqual(3);
  });
});
