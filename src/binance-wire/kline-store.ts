/** Kline history per interval for one symbol: bars as ingested, 1m bars built from trades, and
 * coarser intervals aggregated on demand from the finest series that divides them. */
import type { Kline, RangeQuery, Ticker24h } from './source.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface BarInput {
  readonly openTime: number;
  readonly intervalMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quoteVolume?: number;
  readonly takerBuyVolume?: number;
  readonly trades?: number;
}

export class KlineStore {
  private readonly series = new Map<number, Kline[]>();
  private readonly externalIntervals = new Set<number>();

  constructor(private readonly maxBars = 5_000) {}

  /** A bar from a feed; replaces a bar with the same open time. */
  addBar(b: BarInput): Kline {
    this.externalIntervals.add(b.intervalMs);
    const quoteVolume = b.quoteVolume ?? b.volume * b.close;
    const takerBuyVolume = b.takerBuyVolume ?? 0;
    const k: Kline = {
      openTime: b.openTime,
      closeTime: b.openTime + b.intervalMs - 1,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
      quoteVolume,
      trades: b.trades ?? 0,
      takerBuyVolume,
      takerBuyQuoteVolume: b.volume > 0 ? (takerBuyVolume / b.volume) * quoteVolume : 0,
    };
    this.upsert(b.intervalMs, k);
    return k;
  }

  /** A trade extends the current 1m bar, unless a feed supplies 1m bars itself. */
  addTrade(ts: number, price: number, qty: number, takerBuy: boolean): Kline | undefined {
    if (this.externalIntervals.has(MINUTE)) return undefined;
    const openTime = Math.floor(ts / MINUTE) * MINUTE;
    const list = this.series.get(MINUTE);
    const last = list?.[list.length - 1];
    const buyQty = takerBuy ? qty : 0;
    const k: Kline =
      last && last.openTime === openTime
        ? {
            ...last,
            high: Math.max(last.high, price),
            low: Math.min(last.low, price),
            close: price,
            volume: last.volume + qty,
            quoteVolume: last.quoteVolume + qty * price,
            trades: last.trades + 1,
            takerBuyVolume: last.takerBuyVolume + buyQty,
            takerBuyQuoteVolume: last.takerBuyQuoteVolume + buyQty * price,
          }
        : {
            openTime,
            closeTime: openTime + MINUTE - 1,
            open: price,
            high: price,
            low: price,
            close: price,
            volume: qty,
            quoteVolume: qty * price,
            trades: 1,
            takerBuyVolume: buyQty,
            takerBuyQuoteVolume: buyQty * price,
          };
    this.upsert(MINUTE, k);
    return k;
  }

  query(intervalMs: number, q: RangeQuery): Kline[] {
    const bars = this.bars(intervalMs);
    return selectRange(bars, (k) => k.openTime, q);
  }

  /** Rolling 24h statistics from the finest series held, ending at its newest bar. */
  ticker(lastQty: number, firstId: number, lastId: number): Ticker24h | undefined {
    const finest = [...this.series.keys()].sort((a, b) => a - b)[0];
    if (finest === undefined) return undefined;
    const bars = this.series.get(finest)!;
    const newest = bars[bars.length - 1];
    if (!newest) return undefined;
    const from = newest.closeTime + 1 - DAY;
    const window = bars.filter((k) => k.openTime >= from);
    const first = window[0] ?? newest;
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    let quoteVolume = 0;
    let count = 0;
    for (const k of window) {
      high = Math.max(high, k.high);
      low = Math.min(low, k.low);
      volume += k.volume;
      quoteVolume += k.quoteVolume;
      count += k.trades;
    }
    return {
      ts: newest.closeTime,
      openTime: first.openTime,
      closeTime: newest.closeTime,
      open: first.open,
      high,
      low,
      last: newest.close,
      lastQty,
      volume,
      quoteVolume,
      firstId,
      lastId,
      count,
    };
  }

  private bars(intervalMs: number): readonly Kline[] {
    const exact = this.series.get(intervalMs);
    if (exact && exact.length > 0) return exact;
    const base = [...this.series.keys()].filter((i) => i < intervalMs && intervalMs % i === 0).sort((a, b) => b - a)[0];
    if (base === undefined) return [];
    return aggregate(this.series.get(base)!, intervalMs);
  }

  private upsert(intervalMs: number, k: Kline): void {
    let list = this.series.get(intervalMs);
    if (!list) this.series.set(intervalMs, (list = []));
    const last = list[list.length - 1];
    if (!last || last.openTime < k.openTime) list.push(k);
    else if (last.openTime === k.openTime) list[list.length - 1] = k;
    else {
      const i = list.findIndex((x) => x.openTime >= k.openTime);
      if (list[i]!.openTime === k.openTime) list[i] = k;
      else list.splice(i, 0, k);
    }
    if (list.length > this.maxBars) list.splice(0, list.length - this.maxBars);
  }
}

function aggregate(bars: readonly Kline[], intervalMs: number): Kline[] {
  const out: Kline[] = [];
  for (const k of bars) {
    const openTime = Math.floor(k.openTime / intervalMs) * intervalMs;
    const cur = out[out.length - 1];
    if (cur && cur.openTime === openTime) {
      out[out.length - 1] = {
        ...cur,
        high: Math.max(cur.high, k.high),
        low: Math.min(cur.low, k.low),
        close: k.close,
        volume: cur.volume + k.volume,
        quoteVolume: cur.quoteVolume + k.quoteVolume,
        trades: cur.trades + k.trades,
        takerBuyVolume: cur.takerBuyVolume + k.takerBuyVolume,
        takerBuyQuoteVolume: cur.takerBuyQuoteVolume + k.takerBuyQuoteVolume,
      };
    } else out.push({ ...k, openTime, closeTime: openTime + intervalMs - 1 });
  }
  return out;
}

/** Binance range semantics: within [startTime, endTime]; with a start the oldest `limit`
 * items from it, otherwise the newest `limit`. */
export function selectRange<T>(items: readonly T[], time: (t: T) => number, q: RangeQuery): T[] {
  const inRange = items.filter(
    (t) => (q.startTime === undefined || time(t) >= q.startTime) && (q.endTime === undefined || time(t) <= q.endTime),
  );
  return q.startTime !== undefined ? inRange.slice(0, q.limit) : inRange.slice(Math.max(0, inRange.length - q.limit));
}
