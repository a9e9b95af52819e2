/** Pure conversions from ccxt unified structures to core MarketEvents. ccxt values arrive as
 * loosely typed objects; anything non-finite is dropped rather than passed on as 0. */
import type {
  BarEvent,
  BookEvent,
  FundingEvent,
  LiquidationEvent,
  MarkEvent,
  OpenInterestEvent,
  Side,
  TradeEvent,
} from '../../core/types.js';

type Rec = Readonly<Record<string, unknown>>;

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' ? (v as Rec) : {});
const side = (v: unknown): Side | undefined => (v === 'buy' || v === 'sell' ? v : undefined);

function levels(v: unknown, depth: number): [number, number][] {
  const out: [number, number][] = [];
  if (!Array.isArray(v)) return out;
  for (const l of v) {
    if (out.length >= depth) break;
    const p = num(Array.isArray(l) ? l[0] : undefined);
    const q = num(Array.isArray(l) ? l[1] : undefined);
    if (p !== undefined && q !== undefined && p > 0 && q > 0) out.push([p, q]);
  }
  return out;
}

export function toBookEvent(symbol: string, ob: unknown, depth: number, now: number): BookEvent {
  const o = rec(ob);
  return {
    type: 'book',
    symbol,
    ts: num(o.timestamp) ?? now,
    bids: levels(o.bids, depth),
    asks: levels(o.asks, depth),
  };
}

/** From watchMarkPrice (a ccxt ticker whose info is Binance's markPriceUpdate: r funding, T next). */
export function toMarkEvent(symbol: string, t: unknown, now: number): MarkEvent | undefined {
  const o = rec(t);
  const info = rec(o.info);
  const markPrice = num(o.markPrice) ?? num(info.p);
  if (markPrice === undefined || markPrice <= 0) return undefined;
  const indexPrice = num(o.indexPrice) ?? num(info.i);
  const fundingRate = num(info.r);
  const nextFundingTime = num(info.T);
  const lastPrice = num(o.last);
  return {
    type: 'mark',
    symbol,
    ts: num(o.timestamp) ?? now,
    markPrice,
    ...(indexPrice !== undefined ? { indexPrice } : {}),
    ...(lastPrice !== undefined ? { lastPrice } : {}),
    ...(fundingRate !== undefined ? { fundingRate } : {}),
    ...(nextFundingTime !== undefined ? { nextFundingTime } : {}),
  };
}

/** From fetchFundingRate, for venues without a mark stream. */
export function fundingRateToMarkEvent(symbol: string, fr: unknown, now: number): MarkEvent | undefined {
  const o = rec(fr);
  const markPrice = num(o.markPrice);
  if (markPrice === undefined || markPrice <= 0) return undefined;
  const indexPrice = num(o.indexPrice);
  const fundingRate = num(o.fundingRate);
  const nextFundingTime = num(o.fundingTimestamp) ?? num(o.nextFundingTimestamp);
  return {
    type: 'mark',
    symbol,
    ts: num(o.timestamp) ?? now,
    markPrice,
    ...(indexPrice !== undefined ? { indexPrice } : {}),
    ...(fundingRate !== undefined ? { fundingRate } : {}),
    ...(nextFundingTime !== undefined ? { nextFundingTime } : {}),
  };
}

/** Settled funding, derived: when the next funding time moves forward, the last predicted rate
 * seen before the move is taken as the rate settled at the old time. An approximation (Binance
 * fixes the rate at settlement; our last sample may be up to one mark period older). */
export class FundingTracker {
  private nextTime?: number;
  private rate?: number;
  observe(e: MarkEvent): FundingEvent | undefined {
    let out: FundingEvent | undefined;
    if (
      e.nextFundingTime !== undefined &&
      this.nextTime !== undefined &&
      e.nextFundingTime > this.nextTime &&
      this.rate !== undefined
    ) {
      const intervalHours = (e.nextFundingTime - this.nextTime) / 3_600_000;
      out = { type: 'funding', symbol: e.symbol, ts: this.nextTime, rate: this.rate, intervalHours };
    }
    if (e.nextFundingTime !== undefined) this.nextTime = e.nextFundingTime;
    if (e.fundingRate !== undefined) this.rate = e.fundingRate;
    return out;
  }
}

export function toTradeEvents(symbol: string, trades: unknown, now: number): TradeEvent[] {
  if (!Array.isArray(trades)) return [];
  const out: TradeEvent[] = [];
  for (const t of trades) {
    const o = rec(t);
    const price = num(o.price);
    const quantity = num(o.amount);
    const takerSide = side(o.side);
    if (price === undefined || quantity === undefined || !takerSide) continue;
    out.push({ type: 'trade', symbol, ts: num(o.timestamp) ?? now, price, quantity, takerSide });
  }
  return out;
}

export function toLiquidationEvents(symbol: string, liqs: unknown, now: number): LiquidationEvent[] {
  if (!Array.isArray(liqs)) return [];
  const out: LiquidationEvent[] = [];
  for (const l of liqs) {
    const o = rec(l);
    const price = num(o.price);
    const s = side(o.side);
    const contracts = num(o.contracts) ?? num(o.baseValue);
    if (price === undefined || !s || contracts === undefined) continue;
    const quantity = contracts * (num(o.contractSize) ?? 1);
    out.push({
      type: 'liquidation',
      symbol,
      ts: num(o.timestamp) ?? now,
      side: s,
      price,
      quantity,
      notional: num(o.quoteValue) ?? price * quantity,
    });
  }
  return out;
}

export function toOpenInterestEvent(symbol: string, oi: unknown, now: number): OpenInterestEvent | undefined {
  const o = rec(oi);
  const openInterest = num(o.openInterestAmount) ?? num(o.baseVolume);
  const openInterestValue = num(o.openInterestValue) ?? num(o.quoteVolume);
  if (openInterest === undefined && openInterestValue === undefined) return undefined;
  return {
    type: 'openInterest',
    symbol,
    ts: num(o.timestamp) ?? now,
    ...(openInterest !== undefined ? { openInterest } : {}),
    ...(openInterestValue !== undefined ? { openInterestValue } : {}),
  };
}

/** Closed bars newer than `after` (open time), oldest first. A bar is closed once
 * openTime + interval ≤ now. */
export function toClosedBars(
  symbol: string,
  ohlcv: unknown,
  intervalMs: number,
  now: number,
  after: number,
): BarEvent[] {
  if (!Array.isArray(ohlcv)) return [];
  const out: BarEvent[] = [];
  for (const row of ohlcv) {
    if (!Array.isArray(row)) continue;
    const [t, o, h, l, c, v] = row.map(num);
    if (t === undefined || o === undefined || h === undefined || l === undefined || c === undefined || v === undefined)
      continue;
    if (t <= after || t + intervalMs > now) continue;
    out.push({
      type: 'bar',
      symbol,
      ts: t + intervalMs,
      openTime: t,
      intervalMs,
      open: o,
      high: h,
      low: l,
      close: c,
      volume: v,
    });
  }
  return out.sort((a, b) => a.openTime - b.openTime);
}
