/** A MarketDataSource whose state is built only from core MarketEvents, so any feed (file
 * replay, the simulated venue, a test script) can drive the Binance-compatible server.
 * Where a feed lacks a stream the server needs, the source derives it and says so:
 * mark from bar closes (`markFromBars`), a book synthesised around the mark (`synthesizeBook`). */
import type { InstrumentSpec, MarketEvent } from '../core/types.js';
import { BookState } from './book-state.js';
import { KlineStore, selectRange } from './kline-store.js';
import { synthesizeLevels, type SyntheticBookOptions } from './synthetic-book.js';
import type {
  BookSnapshot,
  FundingRecord,
  Kline,
  MarketDataSource,
  MarkState,
  OpenInterestPoint,
  RangeQuery,
  SourceUpdate,
  Ticker24h,
  TradePrint,
} from './source.js';

export interface EventDrivenSourceOptions {
  readonly instruments: readonly InstrumentSpec[];
  /** Build a book around the mark for symbols that never receive a BookEvent. Default off. */
  readonly synthesizeBook?: SyntheticBookOptions | false;
  /** Derive the mark (and index) from bar closes until a MarkEvent arrives. Default true. */
  readonly markFromBars?: boolean;
  /** Default funding interval when no FundingEvent says otherwise. */
  readonly fundingIntervalHours?: number;
  readonly interestRate?: number;
  readonly maxHistory?: number;
}

interface SymbolState {
  readonly inst: InstrumentSpec;
  readonly book: BookState;
  klines: KlineStore;
  realBook: boolean;
  sawMarkEvent: boolean;
  mark?: MarkState;
  fundingRate?: number;
  fundingIntervalHours: number;
  readonly funding: FundingRecord[];
  oi?: OpenInterestPoint;
  readonly oiHistory: OpenInterestPoint[];
  readonly trades: TradePrint[];
  nextTradeId: number;
  firstTradeId: number;
  lastQty: number;
}

export class EventDrivenMarketDataSource implements MarketDataSource {
  private readonly byVenue = new Map<string, SymbolState>();
  private readonly byUnified = new Map<string, SymbolState>();
  private readonly listeners = new Set<(u: SourceUpdate) => void>();
  private readonly maxHistory: number;

  constructor(private readonly opts: EventDrivenSourceOptions) {
    this.maxHistory = opts.maxHistory ?? 5_000;
    for (const inst of opts.instruments) {
      const st: SymbolState = {
        inst,
        book: new BookState(),
        klines: new KlineStore(this.maxHistory),
        realBook: false,
        sawMarkEvent: false,
        fundingIntervalHours: opts.fundingIntervalHours ?? 8,
        funding: [],
        oiHistory: [],
        trades: [],
        nextTradeId: 1,
        firstTradeId: 1,
        lastQty: 0,
      };
      this.byVenue.set(inst.venueSymbol, st);
      this.byUnified.set(inst.symbol, st);
    }
  }

  /** A looping replay restarts (time goes backwards): drop the history so klines, tickers and
   * funding follow the new pass instead of staying frozen at the last bar of the old one. The
   * book and the trade ids continue, so depth-stream clients keep a valid update-id chain. */
  reset(): void {
    for (const st of this.byVenue.values()) {
      st.klines = new KlineStore(this.maxHistory);
      st.funding.length = 0;
      st.oiHistory.length = 0;
      st.trades.length = 0;
      st.firstTradeId = st.nextTradeId;
      st.sawMarkEvent = false;
      st.mark = undefined;
      st.oi = undefined;
      st.fundingRate = undefined;
    }
  }

  /** Apply one event; events for symbols without an instrument are ignored (returns false). */
  ingest(e: MarketEvent): boolean {
    const st = this.byUnified.get(e.symbol) ?? this.byVenue.get(e.symbol);
    if (!st) return false;
    const sym = st.inst.venueSymbol;
    switch (e.type) {
      case 'book': {
        st.realBook = true;
        this.publishDiff(st, st.book.replace(e.ts, e.bids, e.asks));
        break;
      }
      case 'mark':
        st.sawMarkEvent = true;
        this.updateMark(st, e.ts, e.markPrice, e.indexPrice, e.fundingRate, e.nextFundingTime);
        break;
      case 'funding': {
        st.fundingRate = e.rate;
        st.fundingIntervalHours = e.intervalHours;
        push(
          st.funding,
          { fundingTime: e.ts, fundingRate: e.rate, ...(st.mark ? { markPrice: st.mark.markPrice } : {}) },
          this.maxHistory,
        );
        break;
      }
      case 'openInterest': {
        const markPrice = st.mark?.markPrice;
        const oi =
          e.openInterest ??
          (e.openInterestValue !== undefined && markPrice ? e.openInterestValue / markPrice : undefined);
        if (oi === undefined) break;
        const value = e.openInterestValue ?? (markPrice ? oi * markPrice : undefined);
        st.oi = { ts: e.ts, openInterest: oi, ...(value !== undefined ? { openInterestValue: value } : {}) };
        push(st.oiHistory, st.oi, this.maxHistory);
        break;
      }
      case 'liquidation': {
        const qty = e.quantity > 0 ? e.quantity : e.price > 0 ? e.notional / e.price : 0;
        this.emit({
          kind: 'liquidation',
          symbol: sym,
          print: { ts: e.ts, side: e.side === 'buy' ? 'BUY' : 'SELL', price: e.price, avgPrice: e.price, qty },
        });
        break;
      }
      case 'trade': {
        const trade: TradePrint = {
          id: st.nextTradeId++,
          ts: e.ts,
          price: e.price,
          qty: e.quantity,
          isBuyerMaker: e.takerSide === 'sell',
        };
        push(st.trades, trade, this.maxHistory);
        st.lastQty = e.quantity;
        this.emit({ kind: 'trade', symbol: sym, trade });
        const k = st.klines.addTrade(e.ts, e.price, e.quantity, e.takerSide === 'buy');
        if (k) this.emit({ kind: 'kline', symbol: sym, intervalMs: 60_000, kline: k, closed: false, ts: e.ts });
        this.emitTicker(st, e.ts);
        break;
      }
      case 'bar': {
        const k = st.klines.addBar(e);
        this.emit({ kind: 'kline', symbol: sym, intervalMs: e.intervalMs, kline: k, closed: true, ts: e.ts });
        this.emitTicker(st, e.ts);
        if (!st.sawMarkEvent && this.opts.markFromBars !== false)
          this.updateMark(st, e.ts, e.close, e.close, undefined, undefined);
        break;
      }
    }
    return true;
  }

  instruments(): readonly InstrumentSpec[] {
    return this.opts.instruments;
  }
  instrument(venueSymbol: string): InstrumentSpec | undefined {
    return this.byVenue.get(venueSymbol)?.inst;
  }
  book(venueSymbol: string, limit: number): BookSnapshot | undefined {
    const st = this.byVenue.get(venueSymbol);
    return st ? st.book.snapshot(limit) : undefined;
  }
  mark(venueSymbol: string): MarkState | undefined {
    return this.byVenue.get(venueSymbol)?.mark;
  }
  fundingHistory(venueSymbol: string, q: RangeQuery): readonly FundingRecord[] {
    return selectRange(this.byVenue.get(venueSymbol)?.funding ?? [], (f) => f.fundingTime, q);
  }
  klines(venueSymbol: string, intervalMs: number, q: RangeQuery): readonly Kline[] {
    return this.byVenue.get(venueSymbol)?.klines.query(intervalMs, q) ?? [];
  }
  openInterest(venueSymbol: string): OpenInterestPoint | undefined {
    return this.byVenue.get(venueSymbol)?.oi;
  }
  openInterestHistory(venueSymbol: string, periodMs: number, q: RangeQuery): readonly OpenInterestPoint[] {
    const buckets: OpenInterestPoint[] = [];
    for (const p of this.byVenue.get(venueSymbol)?.oiHistory ?? []) {
      const ts = Math.floor(p.ts / periodMs) * periodMs;
      const last = buckets[buckets.length - 1];
      if (last && last.ts === ts) buckets[buckets.length - 1] = { ...p, ts };
      else buckets.push({ ...p, ts });
    }
    return selectRange(buckets, (p) => p.ts, q);
  }
  ticker24h(venueSymbol: string): Ticker24h | undefined {
    const st = this.byVenue.get(venueSymbol);
    return st ? st.klines.ticker(st.lastQty, st.firstTradeId, st.nextTradeId - 1) : undefined;
  }
  recentTrades(venueSymbol: string, limit: number): readonly TradePrint[] {
    const t = this.byVenue.get(venueSymbol)?.trades ?? [];
    return t.slice(Math.max(0, t.length - limit));
  }
  subscribe(listener: (u: SourceUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private updateMark(
    st: SymbolState,
    ts: number,
    markPrice: number,
    indexPrice?: number,
    fundingRate?: number,
    nextFundingTime?: number,
  ): void {
    if (fundingRate !== undefined) st.fundingRate = fundingRate;
    const index = indexPrice ?? st.mark?.indexPrice ?? markPrice;
    const mark: MarkState = {
      ts,
      markPrice,
      indexPrice: index,
      estimatedSettlePrice: index,
      fundingRate: st.fundingRate ?? 0,
      interestRate: this.opts.interestRate ?? 0.0001,
      nextFundingTime: nextFundingTime ?? nextBoundary(ts, st.fundingIntervalHours),
    };
    st.mark = mark;
    this.emit({ kind: 'mark', symbol: st.inst.venueSymbol, mark });
    if (this.opts.synthesizeBook && !st.realBook) {
      const { bids, asks } = synthesizeLevels(st.inst, markPrice, this.opts.synthesizeBook);
      this.publishDiff(st, st.book.replace(ts, bids, asks));
    }
  }

  private publishDiff(st: SymbolState, diff: ReturnType<BookState['replace']>): void {
    if (diff) this.emit({ kind: 'depth', symbol: st.inst.venueSymbol, diff });
  }

  /** Stamped with the event time: Binance's E is when the ticker was pushed, not the bar close. */
  private emitTicker(st: SymbolState, ts: number): void {
    const ticker = this.ticker24h(st.inst.venueSymbol);
    if (ticker) this.emit({ kind: 'ticker', symbol: st.inst.venueSymbol, ticker: { ...ticker, ts } });
  }

  private emit(u: SourceUpdate): void {
    for (const l of this.listeners) l(u);
  }
}

function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

function nextBoundary(ts: number, hours: number): number {
  const step = Math.max(1, hours) * 3_600_000;
  return (Math.floor(ts / step) + 1) * step;
}
