import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKlines } from '../../../src/market/replay/klines.js';
import { parseFunding } from '../../../src/market/replay/funding.js';
import { parseLiquidations, parseOpenInterest } from '../../../src/market/replay/series.js';
import { readKlineFile } from '../../../src/market/replay/sources.js';
import { readTextFile } from '../../../src/market/replay/csv.js';
import { LiqguardError } from '../../../src/core/errors.js';

const HOUR = 3_600_000;
const price = fc.double({ min: 0.0001, max: 1e6, noNaN: true });
const qty = fc.double({ min: 0, max: 1e7, noNaN: true });
const kline = fc.record({
  open: price,
  high: price,
  low: price,
  close: price,
  volume: qty,
  quote: qty,
  trades: fc.nat(1e6),
  taker: qty,
});
const t0s = fc.integer({ min: 1_500_000_000_000, max: 1_800_000_000_000 }).map((t) => t - (t % HOUR));

const HEADERS = [
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore',
  'openTime,open,high,low,close,volume,closeTime,quoteVolume,trades,takerBuyBase,takerBuyQuote,ignore',
  'timestamp,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore',
  'open_time_ms,open,high,low,close,volume,close_time_ms,quote_volume,number_of_trades,taker_buy_base_asset_volume,x,y',
];

function errorOf(f: () => unknown): LiqguardError {
  try {
    f();
  } catch (e) {
    if (e instanceof LiqguardError) return e;
    throw e;
  }
  throw new Error('expected a LiqguardError');
}

describe('kline parser', () => {
  it('round-trips generated rows in every layout (archive, named headers, µs timestamps)', () => {
    fc.assert(
      fc.property(
        fc.array(kline, { minLength: 1, maxLength: 30 }),
        t0s,
        fc.integer({ min: -1, max: HEADERS.length - 1 }),
        fc.boolean(),
        (rows, t0, h, micro) => {
          const unit = micro ? 1000 : 1;
          const lines = rows.map((r, i) => {
            const ot = t0 + i * HOUR;
            return [
              ot * unit,
              r.open,
              r.high,
              r.low,
              r.close,
              r.volume,
              (ot + HOUR - 1) * unit,
              r.quote,
              r.trades,
              r.taker,
              0,
              0,
            ].join(',');
          });
          const text = (h >= 0 ? [HEADERS[h], ...lines] : lines).join('\n') + '\n';
          const evs = parseKlines(text, { symbol: 'BTC/USDT:USDT', file: 'gen.csv' });
          expect(evs).toHaveLength(rows.length);
          evs.forEach((e, i) => {
            const r = rows[i]!;
            expect(e).toEqual({
              type: 'bar',
              symbol: 'BTC/USDT:USDT',
              openTime: t0 + i * HOUR,
              ts: t0 + (i + 1) * HOUR,
              intervalMs: HOUR,
              open: r.open,
              high: r.high,
              low: r.low,
              close: r.close,
              volume: r.volume,
              quoteVolume: r.quote,
              takerBuyVolume: r.taker,
              trades: r.trades,
            });
          });
        },
      ),
    );
  });

  it('infers the interval from the time step when there is no close time (group A layout)', () => {
    const text =
      'timestamp,datetime,open,high,low,close,volume\n1583020800000,2020-03-01 00:00:00,217.37,221.46,217.07,218.59,87780.77\n1583022600000,2020-03-01 00:30:00,1,2,0.5,1.5,3\n';
    const evs = parseKlines(text, { symbol: 'ETH/USDT:USDT', file: 'a.csv' });
    expect(evs.map((e) => e.intervalMs)).toEqual([1_800_000, 1_800_000]);
    expect(evs[0]!.takerBuyVolume).toBeUndefined();
  });

  it('rejects garbage with file, line and column', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 8 })
          .filter((s) => !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s.trim()) && !/[,"\n\r]/.test(s)),
        fc.integer({ min: 1, max: 5 }),
        (junk, col) => {
          const good = '1700000000000,1,2,0.5,1.5,10,1700003599999,15,3,4,6,0';
          const f = good.split(',');
          f[col] = junk;
          const err = errorOf(() =>
            parseKlines(
              `${good.replace('1700000000000', '1699996400000').replace('1700003599999', '1699999999999')}\n${f.join(',')}\n`,
              { symbol: 'X/USDT:USDT', file: 'bad.csv' },
            ),
          );
          expect(err.code).toBe('MARKET_DATA_INVALID');
          expect(err.message).toContain(`bad.csv:2:${col + 1}:`);
        },
      ),
    );
  });

  it('names the problem: wrong column count, duplicate time, missing header column', () => {
    expect(errorOf(() => parseKlines('1,2,3\n', { symbol: 'X/USDT:USDT', file: 'f.csv' })).message).toMatch(
      /f\.csv:1: .*12-column/,
    );
    const dup =
      '1700000000000,1,2,0.5,1.5,10,1700003599999,15,3,4,6,0\n1700000000000,1,2,0.5,1.5,10,1700003599999,15,3,4,6,0\n';
    expect(errorOf(() => parseKlines(dup, { symbol: 'X/USDT:USDT', file: 'f.csv' })).message).toMatch(
      /f\.csv:2:1: .*not after/,
    );
    expect(
      errorOf(() => parseKlines('time,open,high,low\n1,2,3,4\n', { symbol: 'X/USDT:USDT', file: 'f.csv' })).message,
    ).toMatch(/lacks close .*volume/);
    const ragged = 'open_time,open,high,low,close,volume\n1700000000000,1,2,0.5,1.5,10\n1700003600000,1,2,0.5\n';
    expect(errorOf(() => parseKlines(ragged, { symbol: 'X/USDT:USDT', file: 'f.csv' })).message).toMatch(
      /f\.csv:3: expected 6 columns/,
    );
  });

  it('reads the real gzipped BTC file: the 2025-10-10 21:00 wick (PROVENANCE sanity check)', async () => {
    const evs = await readKlineFile('data/binance_um_klines_1h/BTCUSDT_1h.csv.gz', { symbol: 'BTC/USDT:USDT' });
    expect(evs).toHaveLength(13_848);
    const b = evs.find((e) => e.openTime === Date.parse('2025-10-10T21:00:00Z'))!;
    expect(b.low).toBe(101_516.5);
    expect(Math.round(b.volume)).toBe(131_850);
    expect(Math.round(b.takerBuyVolume!)).toBe(61_601);
    expect(b.ts - b.openTime).toBe(HOUR);
  });

  it('reads the real ETH file (no taker flow): 2020-03-12 00:00 bar', async () => {
    const evs = await readKlineFile('data/binance_um_klines_1h/ETHUSDT_1h.csv.gz', { symbol: 'ETH/USDT:USDT' });
    const b = evs.find((e) => e.openTime === Date.parse('2020-03-12T00:00:00Z'))!;
    expect([b.open, b.high, b.low, b.close]).toEqual([194.77, 195.81, 192.46, 193.62]);
    expect(b.takerBuyVolume).toBeUndefined();
  });

  it('detects gzip by content and reports unreadable files clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lq-'));
    writeFileSync(join(dir, 'plain.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'zipped.csv'), gzipSync('a,b\n1,2\n'));
    expect(await readTextFile(join(dir, 'plain.csv'))).toBe(await readTextFile(join(dir, 'zipped.csv')));
    await expect(readTextFile(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: cannot read/);
  });
});

describe('funding parser', () => {
  const row = fc.record({
    t: fc.integer({ min: 1, max: 1000 }),
    rate: fc.double({ min: -0.03, max: 0.03, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
    h: fc.constantFrom(1, 2, 4, 8),
  });
  it('round-trips the long format, filtering symbols, and the monthly archive layout', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
        let t = 1_700_000_000_000;
        const times = rows.map((r) => (t += r.t * 1000));
        const body = rows.map((r, i) => `${times[i]},${r.h},${r.rate}`);
        const long = [
          'symbol,calc_time,funding_interval_hours,last_funding_rate',
          ...body.map((b) => `BTCUSDT,${b}`),
          ...body.map((b) => `ETHUSDT,${b}`),
        ].join('\n');
        const btc = parseFunding(long, { file: 'f.csv', symbols: ['BTC/USDT:USDT'] });
        const expected = rows.map((r, i) => ({
          type: 'funding',
          symbol: 'BTC/USDT:USDT',
          ts: times[i],
          rate: r.rate,
          intervalHours: r.h,
        }));
        expect(btc).toEqual(expected);
        expect(parseFunding(long, { file: 'f.csv' })).toHaveLength(2 * rows.length);
        const archive = ['calc_time,funding_interval_hours,last_funding_rate', ...body].join('\n');
        expect(parseFunding(archive, { file: '/x/BTCUSDT-fundingRate-2024-01.csv' })).toEqual(expected);
      }),
    );
  });
  it('rejects a bad rate with its position and a file without a symbol', () => {
    const bad = 'symbol,calc_time,funding_interval_hours,last_funding_rate\nBTCUSDT,1700000000000,8,abc\n';
    expect(errorOf(() => parseFunding(bad, { file: 'f.csv' })).message).toContain(
      'f.csv:2:4: last_funding_rate must be a number',
    );
    expect(
      errorOf(() =>
        parseFunding('calc_time,funding_interval_hours,last_funding_rate\n1700000000000,8,0.0001\n', {
          file: 'funding.csv',
        }),
      ).message,
    ).toMatch(/no symbol column/);
  });
});

describe('open interest and liquidation series', () => {
  it('stamps OI at the end of its bucket and reads both real layouts', async () => {
    const snap = parseOpenInterest(await readTextFile('data/binance_btcusdt_5m_snapshot/btcusdt_perp_5m.csv.gz'), {
      symbol: 'BTC/USDT:USDT',
      file: 'snap',
    });
    expect(snap).toHaveLength(8015);
    expect(snap[0]).toEqual({
      type: 'openInterest',
      symbol: 'BTC/USDT:USDT',
      ts: 1779724500000 + 300_000,
      openInterestValue: 7719003148.8787,
    });
    const cg = parseOpenInterest(await readTextFile('data/coinglass_btc_agg/regime_1h.csv.gz'), {
      symbol: 'BTC/USDT:USDT',
      file: 'cg',
    });
    expect(cg[0]).toEqual({
      type: 'openInterest',
      symbol: 'BTC/USDT:USDT',
      ts: 1764828000000 + HOUR,
      openInterestValue: 8248989576,
    });
  });

  it('turns each liquidation bucket into a long (sell) and a short (buy) aggregate event', () => {
    const amt = fc.double({ min: 0, max: 1e9, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(amt, amt), { minLength: 2, maxLength: 20 }), (rows) => {
        const t0 = 1_763_874_000_000;
        const text = [
          'timestamp_ms,datetime_utc,long_liq_usd,short_liq_usd,total_liq_usd',
          ...rows.map(([l, s], i) => `${t0 + i * HOUR},x,${l},${s},${l + s}`),
        ].join('\n');
        const evs = parseLiquidations(text, { symbol: 'BTC/USDT:USDT', file: 'l.csv' });
        expect(evs).toHaveLength(2 * rows.length);
        rows.forEach(([l, s], i) => {
          expect(evs[2 * i]).toMatchObject({ side: 'sell', notional: l, ts: t0 + (i + 1) * HOUR, aggregatedMs: HOUR });
          expect(evs[2 * i + 1]).toMatchObject({ side: 'buy', notional: s, ts: t0 + (i + 1) * HOUR });
          expect(Number.isNaN(evs[2 * i]!.price)).toBe(true);
        });
      }),
    );
  });

  it('rejects negative notional and missing columns', () => {
    const neg = 'timestamp_ms,long_liq_usd,short_liq_usd\n1700000000000,1,2\n1700003600000,-5,2\n';
    expect(errorOf(() => parseLiquidations(neg, { symbol: 'X/USDT:USDT', file: 'l.csv' })).message).toContain(
      'l.csv:3:2: liquidation notional must be >= 0',
    );
    expect(
      errorOf(() =>
        parseOpenInterest('timestamp_ms,price\n1700000000000,1\n', {
          symbol: 'X/USDT:USDT',
          file: 'o.csv',
          stepMs: HOUR,
        }),
      ).message,
    ).toMatch(/no open-interest column/);
  });
});
