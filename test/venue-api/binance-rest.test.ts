import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { BTC, ETH, startHarness, type Harness } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ weightLimitPerMinute: 100_000 });
});
afterAll(async () => h.close());

async function get(path: string): Promise<{ status: number; body: any; headers: Headers }> {
  const r = await fetch(h.httpUrl + path);
  return { status: r.status, body: await r.json(), headers: r.headers };
}

describe('Binance USD-M public REST', () => {
  it('ping, time and exchangeInfo with the filters ccxt reads', async () => {
    expect((await get('/fapi/v1/ping')).body).toEqual({});
    expect(typeof (await get('/fapi/v1/time')).body.serverTime).toBe('number');
    const info = (await get('/fapi/v1/exchangeInfo')).body;
    expect(info.timezone).toBe('UTC');
    const eth = info.symbols.find((s: any) => s.symbol === 'ETHUSDT');
    expect(eth).toMatchObject({
      contractType: 'PERPETUAL',
      marginAsset: 'USDT',
      baseAsset: 'ETH',
      quoteAsset: 'USDT',
      status: 'TRADING',
      pricePrecision: 2,
      quantityPrecision: 3,
      requiredMarginPercent: '1.0000',
    });
    const f = Object.fromEntries(eth.filters.map((x: any) => [x.filterType, x]));
    expect(f.PRICE_FILTER.tickSize).toBe('0.01');
    expect(f.LOT_SIZE).toMatchObject({ stepSize: '0.001', minQty: '0.001' });
    expect(f.MARKET_LOT_SIZE.stepSize).toBe('0.001');
    expect(f.MIN_NOTIONAL.notional).toBe('20');
  });

  it('depth: lastUpdateId equals the book state, levels as strings with tick precision', async () => {
    const { body, headers } = await get('/fapi/v1/depth?symbol=BTCUSDT&limit=5');
    const book = h.source.book('BTCUSDT', 5)!;
    expect(body.lastUpdateId).toBe(book.lastUpdateId);
    expect(body.bids).toHaveLength(5);
    expect(body.bids[0]).toEqual([book.bids[0]![0].toFixed(1), book.bids[0]![1].toFixed(3)]);
    expect(Number(body.bids[0][0])).toBeLessThan(Number(body.asks[0][0]));
    expect(Number(headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(0);
  });

  it('answers Binance error bodies with Binance statuses', async () => {
    expect(await get('/fapi/v1/depth')).toMatchObject({ status: 400, body: { code: -1102 } });
    expect(await get('/fapi/v1/depth?symbol=NOPEUSDT')).toMatchObject({
      status: 400,
      body: { code: -1121, msg: 'Invalid symbol.' },
    });
    expect(await get('/fapi/v1/depth?symbol=btc%20usdt')).toMatchObject({ status: 400, body: { code: -1100 } });
    expect(await get('/fapi/v1/depth?symbol=BTCUSDT&limit=7')).toMatchObject({ status: 400, body: { code: -1130 } });
    expect(await get('/fapi/v1/klines?symbol=BTCUSDT&interval=7m')).toMatchObject({
      status: 400,
      body: { code: -1120 },
    });
    expect((await get('/fapi/v1/nothing')).status).toBe(404);
  });

  it('premiumIndex, openInterest and ticker/price reflect the source', async () => {
    h.source.setMark(ETH, 3_010.5, 0.00025);
    const p = (await get('/fapi/v1/premiumIndex?symbol=ETHUSDT')).body;
    expect(p).toMatchObject({ symbol: 'ETHUSDT', markPrice: '3010.50000000', lastFundingRate: '0.00025000' });
    expect(p.nextFundingTime).toBeGreaterThan(p.time);
    const all = (await get('/fapi/v1/premiumIndex')).body;
    expect(all.map((x: any) => x.symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect((await get('/fapi/v1/openInterest?symbol=BTCUSDT')).body).toMatchObject({
      symbol: 'BTCUSDT',
      openInterest: '81234.500',
    });
    expect((await get('/fapi/v1/ticker/price?symbol=ETHUSDT')).body.price).toBe('3010.50');
  });

  it('klines: bars as ingested, coarser intervals aggregated, range and limit applied', async () => {
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 120; i++) {
      const o = 100 + i;
      h.source.ingest({
        type: 'bar',
        symbol: ETH,
        ts: t0 + (i + 1) * 60_000,
        openTime: t0 + i * 60_000,
        intervalMs: 60_000,
        open: o,
        high: o + 2,
        low: o - 1,
        close: o + 1,
        volume: 10,
        takerBuyVolume: 4,
      });
    }
    const m1 = (await get(`/fapi/v1/klines?symbol=ETHUSDT&interval=1m&startTime=${t0}&limit=3`)).body;
    expect(m1.map((r: any) => r[0])).toEqual([t0, t0 + 60_000, t0 + 120_000]);
    expect(m1[0]).toEqual([
      t0,
      '100.00',
      '102.00',
      '99.00',
      '101.00',
      '10.000',
      t0 + 59_999,
      expect.any(String),
      0,
      '4.000',
      expect.any(String),
      '0',
    ]);
    const h1 = (await get(`/fapi/v1/klines?symbol=ETHUSDT&interval=1h&startTime=${t0}&endTime=${t0 + 3_600_000}`)).body;
    expect(h1).toHaveLength(2);
    expect(h1[0].slice(0, 6)).toEqual([t0, '100.00', '161.00', '99.00', '160.00', '600.000']);
    expect(h1[1].slice(0, 6)).toEqual([t0 + 3_600_000, '160.00', '221.00', '159.00', '220.00', '600.000']);
  });

  it('fundingRate history and openInterestHist', async () => {
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 4; i++)
      h.source.ingest({
        type: 'funding',
        symbol: BTC,
        ts: t0 + i * 28_800_000,
        rate: 0.0001 * (i + 1),
        intervalHours: 8,
      });
    const fr = (await get('/fapi/v1/fundingRate?symbol=BTCUSDT&limit=2')).body;
    expect(fr.map((x: any) => [x.fundingTime, x.fundingRate])).toEqual([
      [t0 + 2 * 28_800_000, '0.00030000'],
      [t0 + 3 * 28_800_000, '0.00040000'],
    ]);
    for (let i = 0; i < 6; i++)
      h.source.ingest({ type: 'openInterest', symbol: BTC, ts: t0 + i * 150_000, openInterest: 1000 + i });
    const oi = (
      await get(`/futures/data/openInterestHist?symbol=BTCUSDT&period=5m&startTime=${t0}&endTime=${t0 + 900_000}`)
    ).body;
    expect(oi.map((x: any) => [x.timestamp, x.sumOpenInterest])).toEqual([
      [t0, '1001.00000000'],
      [t0 + 300_000, '1003.00000000'],
      [t0 + 600_000, '1005.00000000'],
    ]);
    expect((await get('/futures/data/openInterestHist?symbol=BTCUSDT')).body.code).toBe(-1102);
  });

  it('ticker/24hr and bookTicker', async () => {
    h.source.trade(BTC, 65_001, 0.5, 'buy');
    const t = (await get('/fapi/v1/ticker/24hr?symbol=BTCUSDT')).body;
    expect(t).toMatchObject({ symbol: 'BTCUSDT', lastPrice: '65001.0', lastQty: '0.500' });
    expect(Number(t.count)).toBeGreaterThan(0);
    const bt = (await get('/fapi/v1/ticker/bookTicker?symbol=BTCUSDT')).body;
    const book = h.source.book('BTCUSDT', 1)!;
    expect(bt).toMatchObject({
      bidPrice: book.bids[0]![0].toFixed(1),
      askPrice: book.asks[0]![0].toFixed(1),
      lastUpdateId: book.lastUpdateId,
    });
  });

  it('injected REST faults answer the given Binance error, then clear', async () => {
    h.server.control.failRest({
      path: '/fapi/v1/openInterest',
      status: 503,
      code: -1001,
      msg: 'Internal error; unable to process your request. Please try again.',
      times: 1,
    });
    expect(await get('/fapi/v1/openInterest?symbol=BTCUSDT')).toMatchObject({ status: 503, body: { code: -1001 } });
    expect((await get('/fapi/v1/openInterest?symbol=BTCUSDT')).status).toBe(200);
  });
});

describe('request weight', () => {
  it('reports X-MBX-USED-WEIGHT-1M and answers 429 / -1003 over the limit', async () => {
    // A manual clock keeps both requests in one weight window.
    const clock = new ManualClock(Date.UTC(2024, 0, 1, 0, 0, 30));
    const small = await startHarness({ weightLimitPerMinute: 12, clock });
    try {
      const r1 = await fetch(`${small.httpUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=500`);
      expect(r1.headers.get('x-mbx-used-weight-1m')).toBe('10');
      const r2 = await fetch(`${small.httpUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=100`);
      expect(r2.status).toBe(429);
      expect(await r2.json()).toMatchObject({ code: -1003 });
      clock.advance(60_000); // next minute: the window resets
      const r3 = await fetch(`${small.httpUrl}/fapi/v1/ping`);
      expect([r3.status, r3.headers.get('x-mbx-used-weight-1m')]).toEqual([200, '1']);
    } finally {
      await small.close();
    }
  });
});
