/** The market data behind the front door's public endpoints: what the gateway itself has, never
 * a made-up value. Two inputs:
 * - MarketEvents fed through `ingest()` (the gateway's market sink: replay or live feeds) build
 *   klines, mark/funding, open interest, trades and a book exactly as `liqguard venue` serves them
 *   (the EventDrivenMarketDataSource of src/binance-wire);
 * - until events arrive for a symbol, its mark falls back to the feature view's snapshot (mark,
 *   else last trade/close), so premiumIndex and ticker/price answer from the data the risk checks
 *   use. Everything else then answers as Binance does for a quiet market (empty lists, zeros).
 * The simulated venue has no order book of its own (it fills on an intra-bar price path), so the
 * book is the documented synthetic one of src/binance-wire/synthetic-book.ts around the mark:
 * 20 levels a side, best bid/ask 1 bp from the mark, 50k USDT at the best level growing 25 % per
 * level. A real BookEvent in the feed replaces it. Pushes (subscribe) feed the door's market streams. */
import type { MarketView } from '../../core/stages.js';
import type { InstrumentSpec, MarketEvent } from '../../core/types.js';
import { EventDrivenMarketDataSource } from '../../binance-wire/event-driven-source.js';
import { synthesizeLevels } from '../../binance-wire/synthetic-book.js';
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
} from '../../binance-wire/source.js';

export interface GatewayMarketSourceOptions {
  readonly instruments: readonly InstrumentSpec[];
  readonly market: MarketView;
  /** Decision clock: the feature view answers "as of now" on it (replay time in replay mode). */
  readonly now: () => number;
}

export class GatewayMarketSource implements MarketDataSource {
  private readonly events: EventDrivenMarketDataSource;
  private readonly byVenue = new Map<string, InstrumentSpec>();

  constructor(private readonly o: GatewayMarketSourceOptions) {
    this.events = new EventDrivenMarketDataSource({
      instruments: o.instruments,
      markFromBars: true,
      synthesizeBook: {},
    });
    for (const i of o.instruments) this.byVenue.set(i.venueSymbol, i);
  }

  /** Feed one market event (wire into the gateway's market sink). */
  ingest(e: MarketEvent): void {
    this.events.ingest(e);
  }

  /** A looping replay restarted: history follows the new pass (see EventDrivenMarketDataSource.reset). */
  reset(): void {
    this.events.reset();
  }

  instruments(): readonly InstrumentSpec[] {
    return this.o.instruments;
  }
  instrument(venueSymbol: string): InstrumentSpec | undefined {
    return this.byVenue.get(venueSymbol);
  }
  book(venueSymbol: string, limit: number): BookSnapshot | undefined {
    const b = this.events.book(venueSymbol, limit);
    if (b && (b.bids.length > 0 || b.asks.length > 0)) return b;
    // No event yet for this symbol: the same synthetic book around the feature view's mark.
    const inst = this.byVenue.get(venueSymbol);
    const m = this.mark(venueSymbol);
    if (!inst || !m) return b;
    const { bids, asks } = synthesizeLevels(inst, m.markPrice, {});
    return { lastUpdateId: b?.lastUpdateId ?? 0, ts: m.ts, bids: bids.slice(0, limit), asks: asks.slice(0, limit) };
  }
  mark(venueSymbol: string): MarkState | undefined {
    const fromEvents = this.events.mark(venueSymbol);
    if (fromEvents) return fromEvents;
    const inst = this.byVenue.get(venueSymbol);
    if (!inst) return undefined;
    const s = this.o.market.snapshot(inst.symbol, this.o.now());
    const price = s.mark ?? s.last;
    if (price === undefined || !(price > 0)) return undefined;
    const funding = s.features.funding_rate;
    return {
      ts: s.asOf,
      markPrice: price,
      indexPrice: price,
      estimatedSettlePrice: price,
      fundingRate: funding !== undefined && Number.isFinite(funding) ? funding : 0,
      interestRate: 0.0001,
      nextFundingTime: (Math.floor(s.asOf / 28_800_000) + 1) * 28_800_000,
    };
  }
  fundingHistory(venueSymbol: string, q: RangeQuery): readonly FundingRecord[] {
    return this.events.fundingHistory(venueSymbol, q);
  }
  klines(venueSymbol: string, intervalMs: number, q: RangeQuery): readonly Kline[] {
    return this.events.klines(venueSymbol, intervalMs, q);
  }
  openInterest(venueSymbol: string): OpenInterestPoint | undefined {
    return this.events.openInterest(venueSymbol);
  }
  openInterestHistory(venueSymbol: string, periodMs: number, q: RangeQuery): readonly OpenInterestPoint[] {
    return this.events.openInterestHistory(venueSymbol, periodMs, q);
  }
  ticker24h(venueSymbol: string): Ticker24h | undefined {
    return this.events.ticker24h(venueSymbol);
  }
  recentTrades(venueSymbol: string, limit: number): readonly TradePrint[] {
    return this.events.recentTrades(venueSymbol, limit);
  }
  subscribe(listener: (u: SourceUpdate) => void): () => void {
    return this.events.subscribe(listener);
  }
}
