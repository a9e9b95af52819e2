/** Binance number formatting and payload shapes shared by REST and websocket answers. Binance
 * sends prices and sizes as strings with the instrument's precision; ids and times as numbers. */
import { decimalsOf } from './synthetic-book.js';
import type { Kline, Level, MarketDataSource, MarkState, Ticker24h } from './source.js';

export const INTERVALS: Readonly<Record<string, number>> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
};

export function intervalName(ms: number): string | undefined {
  for (const [k, v] of Object.entries(INTERVALS)) if (v === ms) return k;
  return undefined;
}

export const fix = (n: number, d: number): string => (Number.isFinite(n) ? n.toFixed(d) : '0');

/** Per-symbol decimals, derived once from the instrument's tick and lot sizes. */
export class Formatter {
  private readonly cache = new Map<string, { p: number; q: number }>();
  constructor(private readonly source: MarketDataSource) {}

  private dec(sym: string): { p: number; q: number } {
    let d = this.cache.get(sym);
    if (!d) {
      const inst = this.source.instrument(sym);
      d = { p: inst ? decimalsOf(inst.tickSize) : 8, q: inst ? decimalsOf(inst.stepSize) : 8 };
      this.cache.set(sym, d);
    }
    return d;
  }
  price(sym: string, n: number): string {
    return fix(n, this.dec(sym).p);
  }
  qty(sym: string, n: number): string {
    return fix(n, this.dec(sym).q);
  }
  levels(sym: string, levels: readonly Level[]): [string, string][] {
    return levels.map(([p, q]) => [this.price(sym, p), this.qty(sym, q)]);
  }

  premiumIndex(sym: string, m: MarkState) {
    return {
      symbol: sym,
      markPrice: fix(m.markPrice, 8),
      indexPrice: fix(m.indexPrice, 8),
      estimatedSettlePrice: fix(m.estimatedSettlePrice, 8),
      lastFundingRate: fix(m.fundingRate, 8),
      interestRate: fix(m.interestRate, 8),
      nextFundingTime: m.nextFundingTime,
      time: m.ts,
    };
  }

  markPriceEvent(sym: string, m: MarkState) {
    return {
      e: 'markPriceUpdate',
      E: m.ts,
      s: sym,
      p: fix(m.markPrice, 8),
      i: fix(m.indexPrice, 8),
      P: fix(m.estimatedSettlePrice, 8),
      r: fix(m.fundingRate, 8),
      T: m.nextFundingTime,
    };
  }

  klineRow(sym: string, k: Kline): (string | number)[] {
    return [
      k.openTime,
      this.price(sym, k.open),
      this.price(sym, k.high),
      this.price(sym, k.low),
      this.price(sym, k.close),
      this.qty(sym, k.volume),
      k.closeTime,
      fix(k.quoteVolume, 8),
      k.trades,
      this.qty(sym, k.takerBuyVolume),
      fix(k.takerBuyQuoteVolume, 8),
      '0',
    ];
  }

  ticker24h(sym: string, t: Ticker24h) {
    const change = t.last - t.open;
    return {
      symbol: sym,
      priceChange: this.price(sym, change),
      priceChangePercent: fix(t.open > 0 ? (change / t.open) * 100 : 0, 3),
      weightedAvgPrice: this.price(sym, t.volume > 0 ? t.quoteVolume / t.volume : t.last),
      lastPrice: this.price(sym, t.last),
      lastQty: this.qty(sym, t.lastQty),
      openPrice: this.price(sym, t.open),
      highPrice: this.price(sym, t.high),
      lowPrice: this.price(sym, t.low),
      volume: this.qty(sym, t.volume),
      quoteVolume: fix(t.quoteVolume, 2),
      openTime: t.openTime,
      closeTime: t.closeTime,
      firstId: t.firstId,
      lastId: t.lastId,
      count: t.count,
    };
  }

  tickerEvent(sym: string, t: Ticker24h, E: number) {
    const r = this.ticker24h(sym, t);
    return {
      e: '24hrTicker',
      E,
      s: sym,
      p: r.priceChange,
      P: r.priceChangePercent,
      w: r.weightedAvgPrice,
      c: r.lastPrice,
      Q: r.lastQty,
      o: r.openPrice,
      h: r.highPrice,
      l: r.lowPrice,
      v: r.volume,
      q: r.quoteVolume,
      O: t.openTime,
      C: t.closeTime,
      F: t.firstId,
      L: t.lastId,
      n: t.count,
    };
  }

  miniTickerEvent(sym: string, t: Ticker24h, E: number) {
    return {
      e: '24hrMiniTicker',
      E,
      s: sym,
      c: this.price(sym, t.last),
      o: this.price(sym, t.open),
      h: this.price(sym, t.high),
      l: this.price(sym, t.low),
      v: this.qty(sym, t.volume),
      q: fix(t.quoteVolume, 2),
    };
  }
}
