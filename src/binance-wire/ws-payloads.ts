/** Websocket event bodies, shaped exactly as Binance USD-M sends them. */
import { intervalName, type Formatter } from './format.js';
import type { MarketDataSource, SourceUpdate } from './source.js';
import type { StreamSpec } from './ws-streams.js';

/** The event for one stream and one update, or undefined when the update does not apply. */
export function payloadFor(spec: StreamSpec, u: SourceUpdate, fmt: Formatter, source: MarketDataSource): unknown {
  const s = u.symbol;
  switch (u.kind) {
    case 'depth': {
      const d = u.diff;
      if (spec.channel === 'depth') {
        return {
          e: 'depthUpdate',
          E: d.ts,
          T: d.ts,
          s,
          U: d.firstUpdateId,
          u: d.finalUpdateId,
          pu: d.prevFinalUpdateId,
          b: fmt.levels(s, d.bids),
          a: fmt.levels(s, d.asks),
        };
      }
      const book = source.book(s, spec.channel === 'depthPartial' ? (spec.levels ?? 5) : 1);
      if (!book) return undefined;
      if (spec.channel === 'depthPartial') {
        return {
          e: 'depthUpdate',
          E: d.ts,
          T: d.ts,
          s,
          U: d.firstUpdateId,
          u: d.finalUpdateId,
          pu: d.prevFinalUpdateId,
          b: fmt.levels(s, book.bids),
          a: fmt.levels(s, book.asks),
        };
      }
      const [bid] = book.bids;
      const [ask] = book.asks;
      return {
        e: 'bookTicker',
        u: d.finalUpdateId,
        E: d.ts,
        T: d.ts,
        s,
        b: fmt.price(s, bid?.[0] ?? 0),
        B: fmt.qty(s, bid?.[1] ?? 0),
        a: fmt.price(s, ask?.[0] ?? 0),
        A: fmt.qty(s, ask?.[1] ?? 0),
      };
    }
    case 'mark': {
      const ev = fmt.markPriceEvent(s, u.mark);
      return spec.array ? [ev] : ev;
    }
    case 'ticker': {
      const ev =
        spec.channel === 'ticker'
          ? fmt.tickerEvent(s, u.ticker, u.ticker.ts)
          : fmt.miniTickerEvent(s, u.ticker, u.ticker.ts);
      return spec.array ? [ev] : ev;
    }
    case 'trade': {
      const t = u.trade;
      if (spec.channel === 'trade')
        return {
          e: 'trade',
          E: t.ts,
          T: t.ts,
          s,
          t: t.id,
          p: fmt.price(s, t.price),
          q: fmt.qty(s, t.qty),
          X: 'MARKET',
          m: t.isBuyerMaker,
        };
      return {
        e: 'aggTrade',
        E: t.ts,
        s,
        a: t.id,
        p: fmt.price(s, t.price),
        q: fmt.qty(s, t.qty),
        f: t.id,
        l: t.id,
        T: t.ts,
        m: t.isBuyerMaker,
      };
    }
    case 'liquidation': {
      const p = u.print;
      const q = fmt.qty(s, p.qty);
      return {
        e: 'forceOrder',
        E: p.ts,
        o: {
          s,
          S: p.side,
          o: 'LIMIT',
          f: 'IOC',
          q,
          p: fmt.price(s, p.price),
          ap: fmt.price(s, p.avgPrice),
          X: 'FILLED',
          l: q,
          z: q,
          T: p.ts,
        },
      };
    }
    case 'kline':
      return klinePayload(spec, u, fmt, source);
  }
}

function klinePayload(
  spec: StreamSpec,
  u: Extract<SourceUpdate, { kind: 'kline' }>,
  fmt: Formatter,
  source: MarketDataSource,
): unknown {
  const want = spec.intervalMs ?? 0;
  if (want < u.intervalMs || want % u.intervalMs !== 0) return undefined;
  let k = u.kline;
  let closed = u.closed;
  if (want !== u.intervalMs) {
    // A coarser stream over finer updates: the source aggregates its current bar.
    const agg = source.klines(u.symbol, want, { limit: 1 })[0];
    if (!agg) return undefined;
    k = agg;
    closed = u.closed && (u.kline.closeTime + 1) % want === 0;
  }
  const s = u.symbol;
  return {
    e: 'kline',
    E: u.ts,
    s,
    k: {
      t: k.openTime,
      T: k.closeTime,
      s,
      i: intervalName(want),
      f: 0,
      L: Math.max(0, k.trades - 1),
      o: fmt.price(s, k.open),
      c: fmt.price(s, k.close),
      h: fmt.price(s, k.high),
      l: fmt.price(s, k.low),
      v: fmt.qty(s, k.volume),
      n: k.trades,
      x: closed,
      q: k.quoteVolume.toFixed(8),
      V: fmt.qty(s, k.takerBuyVolume),
      Q: k.takerBuyQuoteVolume.toFixed(8),
      B: '0',
    },
  };
}
