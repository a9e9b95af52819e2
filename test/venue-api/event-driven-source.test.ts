import { describe, expect, it } from 'vitest';
import { EventDrivenMarketDataSource } from '../../src/binance-wire/event-driven-source.js';
import { perpInstrument } from '../../src/binance-wire/in-memory-source.js';
import type { SourceUpdate } from '../../src/binance-wire/source.js';

const BTC = 'BTC/USDT:USDT';
const inst = perpInstrument('sim', 'BTCUSDT');

function source(o: Partial<ConstructorParameters<typeof EventDrivenMarketDataSource>[0]> = {}) {
  const s = new EventDrivenMarketDataSource({ instruments: [inst], ...o });
  const updates: SourceUpdate[] = [];
  s.subscribe((u) => updates.push(u));
  return { s, updates };
}

const bar = (i: number, close: number) => ({
  type: 'bar' as const,
  symbol: BTC,
  ts: (i + 1) * 3_600_000,
  openTime: i * 3_600_000,
  intervalMs: 3_600_000,
  open: close - 10,
  high: close + 5,
  low: close - 20,
  close,
  volume: 3,
});

describe('EventDrivenMarketDataSource', () => {
  it('derives the mark from bar closes until a MarkEvent arrives, then follows the marks', () => {
    const { s } = source();
    s.ingest(bar(0, 100));
    expect(s.mark('BTCUSDT')).toMatchObject({ markPrice: 100, indexPrice: 100, nextFundingTime: 8 * 3_600_000 });
    s.ingest({ type: 'mark', symbol: BTC, ts: 7_300_000, markPrice: 101, fundingRate: 0.0003 });
    s.ingest(bar(1, 200));
    expect(s.mark('BTCUSDT')).toMatchObject({ markPrice: 101, fundingRate: 0.0003 });
  });

  it('with markFromBars off, bars leave the mark unset', () => {
    const { s } = source({ markFromBars: false });
    s.ingest(bar(0, 100));
    expect(s.mark('BTCUSDT')).toBeUndefined();
  });

  it('synthesises a book around the mark on the tick grid, until a real BookEvent arrives', () => {
    const { s, updates } = source({ synthesizeBook: { levels: 5 } });
    s.ingest({ type: 'mark', symbol: BTC, ts: 1, markPrice: 50_000.05 });
    const b = s.book('BTCUSDT', 10)!;
    expect(b.bids).toHaveLength(5);
    expect(b.bids[0]![0]).toBeLessThan(50_000.05);
    expect(b.asks[0]![0]).toBeGreaterThan(50_000.05);
    for (const [p] of [...b.bids, ...b.asks]) expect(Math.abs(p * 10 - Math.round(p * 10))).toBeLessThan(1e-6);
    expect(updates.filter((u) => u.kind === 'depth')).toHaveLength(1);
    s.ingest({ type: 'book', symbol: BTC, ts: 2, bids: [[49_000, 1]], asks: [[51_000, 2]] });
    s.ingest({ type: 'mark', symbol: BTC, ts: 3, markPrice: 50_100 });
    expect(s.book('BTCUSDT', 10)).toMatchObject({ bids: [[49_000, 1]], asks: [[51_000, 2]] });
  });

  it('liquidations without a quantity take notional / price; unknown symbols are ignored', () => {
    const { s, updates } = source();
    s.ingest({ type: 'liquidation', symbol: BTC, ts: 5, side: 'buy', price: 50_000, quantity: 0, notional: 100_000 });
    expect(updates.at(-1)).toEqual({
      kind: 'liquidation',
      symbol: 'BTCUSDT',
      print: { ts: 5, side: 'BUY', price: 50_000, avgPrice: 50_000, qty: 2 },
    });
    expect(s.ingest({ type: 'mark', symbol: 'DOGE/USDT:USDT', ts: 1, markPrice: 1 })).toBe(false);
  });

  it('open interest value is derived from the mark when the event has none', () => {
    const { s } = source();
    s.ingest({ type: 'mark', symbol: BTC, ts: 1, markPrice: 40_000 });
    s.ingest({ type: 'openInterest', symbol: BTC, ts: 2, openInterest: 10 });
    expect(s.openInterest('BTCUSDT')).toEqual({ ts: 2, openInterest: 10, openInterestValue: 400_000 });
  });

  it('trades build 1m klines and the 24h ticker', () => {
    const { s } = source();
    s.ingest({ type: 'trade', symbol: BTC, ts: 60_000, price: 10, quantity: 1, takerSide: 'buy' });
    s.ingest({ type: 'trade', symbol: BTC, ts: 60_500, price: 12, quantity: 2, takerSide: 'sell' });
    s.ingest({ type: 'trade', symbol: BTC, ts: 120_000, price: 11, quantity: 1, takerSide: 'buy' });
    const k = s.klines('BTCUSDT', 60_000, { limit: 10 });
    expect(k.map((x) => [x.openTime, x.open, x.high, x.low, x.close, x.volume, x.trades, x.takerBuyVolume])).toEqual([
      [60_000, 10, 12, 10, 12, 3, 2, 1],
      [120_000, 11, 11, 11, 11, 1, 1, 1],
    ]);
    expect(s.ticker24h('BTCUSDT')).toMatchObject({
      open: 10,
      high: 12,
      low: 10,
      last: 11,
      volume: 4,
      count: 3,
      firstId: 1,
      lastId: 3,
      lastQty: 1,
    });
  });
});
