/** Real ccxt binanceusdm (REST and ccxt.pro websockets) against the local server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BTC, ETH, guardLoopback, localBinanceusdm, pump, startHarness, until, type Harness } from './support.js';

let h: Harness;
let ex: ReturnType<typeof localBinanceusdm>;
let guard: ReturnType<typeof guardLoopback>;

beforeAll(async () => {
  guard = guardLoopback();
  h = await startHarness();
  ex = localBinanceusdm(h);
  await ex.loadMarkets();
});
afterAll(async () => {
  await ex.close();
  await h.close();
  guard.restore();
});

describe('ccxt binanceusdm REST against the local server', () => {
  it('loadMarkets builds linear perpetuals with the served precision and limits', () => {
    const m = ex.market(ETH);
    expect(m).toMatchObject({ id: 'ETHUSDT', swap: true, linear: true, settle: 'USDT', contract: true, active: true });
    expect(m.precision).toMatchObject({ price: 0.01, amount: 0.001 });
    expect(m.limits.cost?.min).toBe(20);
    expect(ex.symbols.sort()).toEqual([BTC, ETH]);
  });

  it('fetchOrderBook, fetchFundingRate, fetchOpenInterest, fetchTicker', async () => {
    const ob = await ex.fetchOrderBook(BTC, 5);
    const book = h.source.book('BTCUSDT', 5)!;
    expect(ob.nonce).toBe(book.lastUpdateId);
    expect(ob.bids).toEqual(book.bids.map(([p, q]) => [p, q]));
    h.source.setMark(ETH, 3_050, 0.0002);
    const fr = await ex.fetchFundingRate(ETH);
    expect(fr).toMatchObject({ symbol: ETH, markPrice: 3050, fundingRate: 0.0002 });
    expect(fr.fundingTimestamp).toBe(h.source.mark('ETHUSDT')!.nextFundingTime);
    const oi = await ex.fetchOpenInterest(BTC);
    expect(oi.openInterestAmount).toBe(81_234.5);
    h.source.trade(BTC, 65_005, 0.3, 'sell');
    const t = await ex.fetchTicker(BTC);
    expect(t.last).toBe(65_005);
  });

  it('fetchOHLCV returns the ingested bars', async () => {
    const t0 = Date.UTC(2024, 5, 1);
    for (let i = 0; i < 5; i++) {
      h.source.ingest({
        type: 'bar',
        symbol: BTC,
        ts: t0 + (i + 1) * 3_600_000,
        openTime: t0 + i * 3_600_000,
        intervalMs: 3_600_000,
        open: 60_000 + i,
        high: 60_100 + i,
        low: 59_900 + i,
        close: 60_050 + i,
        volume: 12.5,
      });
    }
    const bars = await ex.fetchOHLCV(BTC, '1h', t0, 3);
    expect(bars).toEqual(
      [0, 1, 2].map((i) => [t0 + i * 3_600_000, 60_000 + i, 60_100 + i, 59_900 + i, 60_050 + i, 12.5]),
    );
  });

  it('maps Binance errors to ccxt exceptions', async () => {
    h.server.control.failRest({ path: '/fapi/v1/openInterest', status: 429, code: -1003, msg: 'Too many requests' });
    await expect(ex.fetchOpenInterest(BTC)).rejects.toThrow(/RateLimitExceeded|DDoSProtection|Too many/);
  });
});

describe('ccxt.pro binanceusdm websockets against the local server', () => {
  it('watchOrderBook under a moving market: nonces advance, the book stays uncrossed', async () => {
    const p = pump(h.source);
    try {
      const first = await ex.watchOrderBook(BTC);
      const n0 = first.nonce!;
      let ob = first;
      for (let i = 0; i < 5; i++) ob = await ex.watchOrderBook(BTC);
      expect(ob.nonce!).toBeGreaterThan(n0);
      expect(ob.bids[0]![0]!).toBeLessThan(ob.asks[0]![0]!);
    } finally {
      p.stop();
    }
  });

  it('watchOrderBook: REST snapshot + websocket diffs equal the server book', async () => {
    const ob0 = await ex.watchOrderBook(ETH); // resolves on the snapshot
    expect(ob0.symbol).toBe(ETH);
    const target = h.source.book('ETHUSDT', 1)!.lastUpdateId;
    h.source.setMark(ETH, 3_111.11);
    h.source.setMark(ETH, 3_112.22);
    const served = h.source.book('ETHUSDT', 1000)!;
    expect(served.lastUpdateId).toBeGreaterThan(target);
    // ccxt's live book for the symbol, once it has applied every diff the server sent.
    const ob = await until(() => {
      const b = (ex.orderbooks as Record<string, any>)[ETH];
      return b?.nonce === served.lastUpdateId ? b : undefined;
    }, 'ccxt book at the server update id');
    expect(ob.bids).toEqual(served.bids.map(([px, q]) => [px, q]));
    expect(ob.asks).toEqual(served.asks.map(([px, q]) => [px, q]));
  });

  it('watchMarkPrice carries funding in info.r and next funding time in info.T', async () => {
    const p = ex.watchMarkPrice(ETH);
    await until(() => (h.server.control.connectionCount() > 0 ? true : undefined), 'a connection');
    const t = setInterval(() => h.source.setMark(ETH, 3_033.5, 0.00042), 15);
    try {
      const mp = await p;
      expect(mp).toMatchObject({ symbol: ETH, markPrice: 3033.5 });
      expect(mp.info).toMatchObject({ e: 'markPriceUpdate', r: '0.00042000' });
      expect(mp.info['T']).toBe(h.source.mark('ETHUSDT')!.nextFundingTime);
    } finally {
      clearInterval(t);
    }
  });

  it('watchTicker and watchLiquidations', async () => {
    const p = pump(h.source);
    try {
      const t = await ex.watchTicker(BTC);
      expect(t.symbol).toBe(BTC);
      expect(t.last).toBeGreaterThan(64_000);
      const liqs = await ex.watchLiquidations(BTC);
      expect(liqs.length).toBeGreaterThan(0);
      expect(liqs[0]).toMatchObject({ symbol: BTC, side: 'sell', contracts: 0.25 });
    } finally {
      p.stop();
    }
  });

  it('nothing left 127.0.0.1: the urls ccxt uses are local and every connection went to loopback', () => {
    const api = ex.urls['api'] as Record<string, any>;
    for (const key of [
      'fapiPublic',
      'fapiPublicV2',
      'fapiPublicV3',
      'fapiPrivate',
      'fapiPrivateV2',
      'fapiPrivateV3',
      'fapiData',
    ])
      expect(api[key]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(api['ws']['future']).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(guard.refused).toEqual([]);
    expect(guard.hosts.length).toBeGreaterThan(0);
    expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
    expect(h.server.requests.every((r) => r.remoteAddress === '127.0.0.1')).toBe(true);
    expect(h.server.wsConnections.every((c) => c.remoteAddress === '127.0.0.1')).toBe(true);
    const paths = new Set(h.server.requests.map((r) => r.url.split('?')[0]));
    for (const p of [
      '/fapi/v1/exchangeInfo',
      '/fapi/v1/depth',
      '/fapi/v1/premiumIndex',
      '/fapi/v1/openInterest',
      '/fapi/v1/ticker/24hr',
      '/fapi/v1/klines',
    ])
      expect(paths).toContain(p);
    expect(h.server.wsConnections.length).toBeGreaterThan(0);
  });
});
