/** The contract between the Binance-compatible server and whatever produces its market data
 * (the event-driven source fed by replay or the simulated venue, an in-memory test source).
 * Market data are numbers (never on the order path); the server formats them as Binance does.
 * Symbols here are venue ids (BTCUSDT); instruments carry both forms. */
import type { InstrumentSpec } from '../core/types.js';

export type Level = readonly [price: number, qty: number];

export interface BookSnapshot {
  readonly lastUpdateId: number;
  readonly ts: number; // E: event time of the last applied update
  readonly bids: readonly Level[]; // best first
  readonly asks: readonly Level[];
}

/** One futures diff-depth event: U first, u final update id in the event, pu = previous u. */
export interface DepthDiff {
  readonly ts: number;
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  readonly prevFinalUpdateId: number;
  readonly bids: readonly Level[]; // qty 0 = level removed
  readonly asks: readonly Level[];
}

export interface MarkState {
  readonly ts: number;
  readonly markPrice: number;
  readonly indexPrice: number;
  readonly estimatedSettlePrice: number;
  readonly fundingRate: number; // predicted rate for the current interval
  readonly interestRate: number;
  readonly nextFundingTime: number;
}

export interface FundingRecord {
  readonly fundingTime: number;
  readonly fundingRate: number;
  readonly markPrice?: number;
}

export interface Kline {
  readonly openTime: number;
  readonly closeTime: number; // openTime + interval - 1, as Binance
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quoteVolume: number;
  readonly trades: number;
  readonly takerBuyVolume: number;
  readonly takerBuyQuoteVolume: number;
}

export interface OpenInterestPoint {
  readonly ts: number;
  readonly openInterest: number; // base units
  readonly openInterestValue?: number; // quote
}

export interface Ticker24h {
  readonly ts: number;
  readonly openTime: number;
  readonly closeTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly last: number;
  readonly lastQty: number;
  readonly volume: number;
  readonly quoteVolume: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly count: number;
}

export interface TradePrint {
  readonly id: number; // aggregate trade id
  readonly ts: number;
  readonly price: number;
  readonly qty: number;
  readonly isBuyerMaker: boolean;
}

interface LiquidationPrint {
  readonly ts: number;
  readonly side: 'BUY' | 'SELL';
  readonly price: number;
  readonly avgPrice: number;
  readonly qty: number;
}

/** What a source pushes to the server's websocket hub. */
export type SourceUpdate =
  | { readonly kind: 'depth'; readonly symbol: string; readonly diff: DepthDiff }
  | { readonly kind: 'mark'; readonly symbol: string; readonly mark: MarkState }
  | {
      readonly kind: 'kline';
      readonly symbol: string;
      readonly intervalMs: number;
      readonly kline: Kline;
      readonly closed: boolean;
      readonly ts: number;
    }
  | { readonly kind: 'trade'; readonly symbol: string; readonly trade: TradePrint }
  | { readonly kind: 'liquidation'; readonly symbol: string; readonly print: LiquidationPrint }
  | { readonly kind: 'ticker'; readonly symbol: string; readonly ticker: Ticker24h };

export interface RangeQuery {
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

/** Everything the public Binance USD-M endpoints and streams need. Methods return undefined
 * when the symbol has no data yet (the server then answers as Binance does for a quiet market). */
export interface MarketDataSource {
  instruments(): readonly InstrumentSpec[];
  /** By venue symbol (BTCUSDT), case-sensitive as Binance. */
  instrument(venueSymbol: string): InstrumentSpec | undefined;
  book(venueSymbol: string, limit: number): BookSnapshot | undefined;
  mark(venueSymbol: string): MarkState | undefined;
  fundingHistory(venueSymbol: string, q: RangeQuery): readonly FundingRecord[];
  /** Bars of exactly intervalMs; a source may aggregate finer bars it holds. */
  klines(venueSymbol: string, intervalMs: number, q: RangeQuery): readonly Kline[];
  openInterest(venueSymbol: string): OpenInterestPoint | undefined;
  openInterestHistory(venueSymbol: string, periodMs: number, q: RangeQuery): readonly OpenInterestPoint[];
  ticker24h(venueSymbol: string): Ticker24h | undefined;
  recentTrades(venueSymbol: string, limit: number): readonly TradePrint[];
  subscribe(listener: (u: SourceUpdate) => void): () => void;
}
