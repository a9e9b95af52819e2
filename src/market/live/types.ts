/** Public types of the live ccxt / ccxt.pro market feed. */
import type { Registry } from 'prom-client';
import type { Clock } from '../../core/clock.js';
import type { MarketEvent } from '../../core/types.js';

/** One logical input stream per (venue, symbol). */
export type StreamKind = 'book' | 'mark' | 'trades' | 'bars' | 'liquidations' | 'openInterest';
const STREAM_KINDS: readonly StreamKind[] = ['book', 'mark', 'trades', 'bars', 'liquidations', 'openInterest'];

export interface LiveVenueConfig {
  /** Venue id from the gateway config. */
  readonly id: string;
  /** Any ccxt.pro exchange id (binanceusdm is first class). */
  readonly exchangeId: string;
  /** ccxt unified symbols, e.g. BTC/USDT:USDT. */
  readonly symbols: readonly string[];
  /** Overrides of `exchange.urls.api`, by dotted path: { fapiPublic: 'http://127.0.0.1:9/fapi/v1',
   * 'ws.future': 'ws://127.0.0.1:9/ws' }. See localBinanceUrls(). */
  readonly urls?: Readonly<Record<string, string>>;
  /** Merged into ccxt `options`. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Credentials: literal values (already read from env by the config loader) or env names.
   * Market data needs none; they are passed to ccxt and never logged. */
  readonly apiKey?: string;
  readonly secret?: string;
  readonly apiKeyEnv?: string;
  readonly secretEnv?: string;
  /** Turn streams off (all on by default where the exchange supports them). */
  readonly streams?: Partial<Record<StreamKind, boolean>>;
}

/** Minimal logger surface (pino's). */
export interface FeedLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export type StreamState = 'starting' | 'live' | 'silent' | 'unsupported' | 'failed' | 'stopped';

export interface StreamStatus {
  readonly venue: string;
  readonly symbol: string;
  readonly stream: StreamKind;
  readonly state: StreamState;
  readonly since: number;
  readonly lastEventAt?: number;
  readonly reason?: string;
}

export interface StreamCounters {
  events: number;
  gaps: number;
  reconnects: number;
  errors: number;
}

export interface FeedStatsSnapshot {
  readonly totals: Readonly<StreamCounters & { listenerErrors: number; silences: number }>;
  /** Keyed `${venue} ${symbol} ${stream}`. */
  readonly streams: Readonly<Record<string, Readonly<StreamCounters>>>;
}

export interface LiveFeedOptions {
  readonly venues: readonly LiveVenueConfig[];
  /** Every normalised event. A throwing listener is logged and counted, never propagated. */
  readonly onEvent: (event: MarketEvent, meta: { readonly venue: string; readonly stream: StreamKind }) => void;
  readonly onStatus?: (status: StreamStatus) => void;
  readonly logger: FeedLogger;
  readonly clock: Clock;
  /** Jitter source in [0, 1); injected for reproducible tests. */
  readonly random?: () => number;
  readonly backoff?: Partial<BackoffOptions>;
  readonly openInterestPollMs?: number;
  /** Used only where the venue has no mark-price stream. */
  readonly fundingPollMs?: number;
  /** Closed bars polled with fetchOHLCV; false turns it off. At start `backfillDays` (default 31)
   * of history are fetched once, so the 720-bar features are warm from the first order. */
  readonly bars?: { readonly timeframe: string; readonly pollMs: number; readonly backfillDays?: number } | false;
  /** Levels per side in each BookEvent. */
  readonly bookDepth?: number;
  /** Silence thresholds per stream (ms); 0 disables. Polled streams default to 3 poll periods. */
  readonly silenceAfterMs?: Partial<Record<StreamKind, number>>;
  /** How often silence is checked. */
  readonly checkIntervalMs?: number;
  readonly registry?: Registry;
  /** Injection point for tests and non-ccxt adapters. */
  readonly createExchange?: (venue: LiveVenueConfig) => CcxtExchangeLike;
}

export interface LiveFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Newest event time seen for a stream (clock time of receipt), by unified symbol. */
  lastEventAt(symbol: string, stream: StreamKind, venue?: string): number | undefined;
  status(): readonly StreamStatus[];
  stats(): FeedStatsSnapshot;
}

/** The slice of a ccxt.pro exchange the feed uses (kept loose: ccxt's own types are wide). */
export interface CcxtExchangeLike {
  readonly id: string;
  readonly has: Readonly<Record<string, unknown>>;
  loadMarkets(reload?: boolean): Promise<unknown>;
  close(): Promise<unknown>;
  watchOrderBook?(symbol: string, limit?: number): Promise<unknown>;
  watchMarkPrice?(symbol: string): Promise<unknown>;
  watchTrades?(symbol: string): Promise<unknown>;
  watchLiquidations?(symbol: string): Promise<unknown>;
  fetchFundingRate?(symbol: string): Promise<unknown>;
  fetchOpenInterest?(symbol: string): Promise<unknown>;
  fetchOHLCV?(symbol: string, timeframe?: string, since?: number, limit?: number): Promise<unknown>;
  parseTimeframe?(timeframe: string): number;
}
