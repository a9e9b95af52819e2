/** Public USD-M market-data endpoints (/fapi/v1/*, /futures/data/*), answers shaped as Binance's. */
import type { FastifyInstance } from 'fastify';
import type { InstrumentSpec } from '../core/types.js';
import { charge, type BinanceServerContext } from './context.js';
import { binanceErrors } from './errors.js';
import { exchangeInfo } from './exchange-info.js';
import { fix, INTERVALS } from './format.js';
import { int, limit, optionalSymbol, requireSymbol, str, type Query } from './params.js';
import { depthWeight, klinesWeight } from './weight.js';

const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000];
const OI_PERIODS: Readonly<Record<string, number>> = {
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
};

export function registerPublicRoutes(app: FastifyInstance, ctx: BinanceServerContext): void {
  const { source, fmt, clock } = ctx;
  const all = (): readonly InstrumentSpec[] => source.instruments();
  const range = (q: Query, dflt: number, max: number) => {
    const startTime = int(q, 'startTime', undefined);
    const endTime = int(q, 'endTime', undefined);
    return {
      limit: limit(q, dflt, max),
      ...(startTime !== undefined ? { startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
    };
  };

  app.get('/fapi/v1/ping', async (req, reply) => (charge(ctx, req, reply, 1), {}));
  app.get('/fapi/v1/time', async (req, reply) => (charge(ctx, req, reply, 1), { serverTime: clock.now() }));
  app.get(
    '/fapi/v1/exchangeInfo',
    async (req, reply) => (charge(ctx, req, reply, 1), exchangeInfo(all(), clock.now(), ctx.weights.limitPerMinute)),
  );

  app.get<{ Querystring: Query }>('/fapi/v1/depth', async (req, reply) => {
    const inst = requireSymbol(req.query, source);
    const n = int(req.query, 'limit', 500, 1)!;
    if (!DEPTH_LIMITS.includes(n)) throw binanceErrors.invalidParam('limit');
    charge(ctx, req, reply, depthWeight(n));
    const s = inst.venueSymbol;
    const book = source.book(s, n) ?? { lastUpdateId: 0, ts: clock.now(), bids: [], asks: [] };
    return {
      lastUpdateId: book.lastUpdateId,
      E: book.ts || clock.now(),
      T: book.ts || clock.now(),
      bids: fmt.levels(s, book.bids),
      asks: fmt.levels(s, book.asks),
    };
  });

  app.get<{ Querystring: Query }>('/fapi/v1/premiumIndex', async (req, reply) => {
    const inst = optionalSymbol(req.query, source);
    charge(ctx, req, reply, inst ? 1 : 10);
    const one = (i: InstrumentSpec) => {
      const m = source.mark(i.venueSymbol);
      return m ? fmt.premiumIndex(i.venueSymbol, m) : undefined;
    };
    if (inst)
      return (
        one(inst) ??
        fmt.premiumIndex(inst.venueSymbol, {
          ts: clock.now(),
          markPrice: 0,
          indexPrice: 0,
          estimatedSettlePrice: 0,
          fundingRate: 0,
          interestRate: 0,
          nextFundingTime: 0,
        })
      );
    return all()
      .map(one)
      .filter((x) => x !== undefined);
  });

  app.get<{ Querystring: Query }>('/fapi/v1/fundingRate', async (req, reply) => {
    const inst = optionalSymbol(req.query, source);
    charge(ctx, req, reply, 1);
    const q = range(req.query, 100, 1000);
    const rows = (inst ? [inst] : all()).flatMap((i) =>
      source.fundingHistory(i.venueSymbol, q).map((f) => ({
        symbol: i.venueSymbol,
        fundingRate: fix(f.fundingRate, 8),
        fundingTime: f.fundingTime,
        markPrice: fix(f.markPrice ?? 0, 8),
      })),
    );
    return rows.sort((a, b) => a.fundingTime - b.fundingTime).slice(0, q.limit);
  });

  app.get<{ Querystring: Query }>('/fapi/v1/openInterest', async (req, reply) => {
    const inst = requireSymbol(req.query, source);
    charge(ctx, req, reply, 1);
    const oi = source.openInterest(inst.venueSymbol);
    return {
      openInterest: fmt.qty(inst.venueSymbol, oi?.openInterest ?? 0),
      symbol: inst.venueSymbol,
      time: oi?.ts ?? clock.now(),
    };
  });

  app.get<{ Querystring: Query }>('/fapi/v1/klines', async (req, reply) => {
    const inst = requireSymbol(req.query, source);
    const iv = str(req.query, 'interval');
    if (iv === undefined) throw binanceErrors.mandatory('interval');
    const ms = INTERVALS[iv];
    if (ms === undefined) throw binanceErrors.invalidInterval();
    const q = range(req.query, 500, 1500);
    charge(ctx, req, reply, klinesWeight(q.limit));
    return source.klines(inst.venueSymbol, ms, q).map((k) => fmt.klineRow(inst.venueSymbol, k));
  });

  app.get<{ Querystring: Query }>('/fapi/v1/ticker/24hr', async (req, reply) => {
    const inst = optionalSymbol(req.query, source);
    charge(ctx, req, reply, inst ? 1 : 40);
    const one = (i: InstrumentSpec) => {
      const t = source.ticker24h(i.venueSymbol);
      return t ? fmt.ticker24h(i.venueSymbol, t) : undefined;
    };
    if (inst) {
      const now = clock.now();
      return (
        one(inst) ??
        fmt.ticker24h(inst.venueSymbol, {
          ts: now,
          openTime: now,
          closeTime: now,
          open: 0,
          high: 0,
          low: 0,
          last: 0,
          lastQty: 0,
          volume: 0,
          quoteVolume: 0,
          firstId: 0,
          lastId: 0,
          count: 0,
        })
      );
    }
    return all()
      .map(one)
      .filter((x) => x !== undefined);
  });

  const lastPrice = (i: InstrumentSpec) => {
    const t = source.ticker24h(i.venueSymbol);
    const price = t?.last ?? source.mark(i.venueSymbol)?.markPrice;
    return price === undefined
      ? undefined
      : { symbol: i.venueSymbol, price: fmt.price(i.venueSymbol, price), time: t?.ts ?? clock.now() };
  };
  for (const path of ['/fapi/v1/ticker/price', '/fapi/v2/ticker/price']) {
    app.get<{ Querystring: Query }>(path, async (req, reply) => {
      const inst = optionalSymbol(req.query, source);
      charge(ctx, req, reply, inst ? 1 : 2);
      if (inst) return lastPrice(inst) ?? { symbol: inst.venueSymbol, price: '0', time: clock.now() };
      return all()
        .map(lastPrice)
        .filter((x) => x !== undefined);
    });
  }

  app.get<{ Querystring: Query }>('/fapi/v1/ticker/bookTicker', async (req, reply) => {
    const inst = optionalSymbol(req.query, source);
    charge(ctx, req, reply, inst ? 2 : 5);
    const one = (i: InstrumentSpec) => {
      const s = i.venueSymbol;
      const b = source.book(s, 1);
      const [bid] = b?.bids ?? [];
      const [ask] = b?.asks ?? [];
      return {
        symbol: s,
        bidPrice: fmt.price(s, bid?.[0] ?? 0),
        bidQty: fmt.qty(s, bid?.[1] ?? 0),
        askPrice: fmt.price(s, ask?.[0] ?? 0),
        askQty: fmt.qty(s, ask?.[1] ?? 0),
        time: b?.ts || clock.now(),
        lastUpdateId: b?.lastUpdateId ?? 0,
      };
    };
    return inst ? one(inst) : all().map(one);
  });

  app.get<{ Querystring: Query }>('/fapi/v1/aggTrades', async (req, reply) => {
    const inst = requireSymbol(req.query, source);
    charge(ctx, req, reply, 20);
    const s = inst.venueSymbol;
    return source.recentTrades(s, limit(req.query, 500, 1000)).map((t) => ({
      a: t.id,
      p: fmt.price(s, t.price),
      q: fmt.qty(s, t.qty),
      f: t.id,
      l: t.id,
      T: t.ts,
      m: t.isBuyerMaker,
    }));
  });

  app.get<{ Querystring: Query }>('/fapi/v1/trades', async (req, reply) => {
    const inst = requireSymbol(req.query, source);
    charge(ctx, req, reply, 5);
    const s = inst.venueSymbol;
    return source.recentTrades(s, limit(req.query, 500, 1000)).map((t) => ({
      id: t.id,
      price: fmt.price(s, t.price),
      qty: fmt.qty(s, t.qty),
      quoteQty: fix(t.price * t.qty, 8),
      time: t.ts,
      isBuyerMaker: t.isBuyerMaker,
    }));
  });

  app.get<{ Querystring: Query }>('/futures/data/openInterestHist', async (req, reply) => {
    const inst = requireSymbol(req.query, source);
    const period = str(req.query, 'period');
    if (period === undefined) throw binanceErrors.mandatory('period');
    const periodMs = OI_PERIODS[period];
    if (periodMs === undefined) throw binanceErrors.invalidParam('period');
    charge(ctx, req, reply, 1);
    const s = inst.venueSymbol;
    return source.openInterestHistory(s, periodMs, range(req.query, 30, 500)).map((p) => ({
      symbol: s,
      sumOpenInterest: fix(p.openInterest, 8),
      sumOpenInterestValue: fix(p.openInterestValue ?? 0, 8),
      timestamp: p.ts,
    }));
  });
}
