/** The live market feed: per configured venue and symbol, ccxt.pro watch loops (order book, mark
 * price + funding, trades, liquidations) and REST polls (open interest, closed bars, funding where
 * there is no mark stream), normalised to core MarketEvents. Gaps resync, network errors back
 * off and reconnect, silence is detected and reported; nothing throws into the gateway. */
import type { MarketEvent } from '../../core/types.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import { createCcxtExchange } from './exchange.js';
import { createFeedMetrics, noMetrics, type FeedMetrics } from './feed-metrics.js';
import {
  FundingTracker,
  fundingRateToMarkEvent,
  toBookEvent,
  toClosedBars,
  toLiquidationEvents,
  toMarkEvent,
  toOpenInterestEvent,
  toTradeEvents,
} from './normalize.js';
import { runLoop, type ErrorKind } from './stream-loop.js';
import { StreamRegistry, streamKey } from './stream-registry.js';
import type {
  BackoffOptions,
  CcxtExchangeLike,
  FeedLogger,
  FeedStatsSnapshot,
  LiveFeed,
  LiveFeedOptions,
  LiveVenueConfig,
  StreamKind,
  StreamStatus,
} from './types.js';

const DEFAULT_SILENCE: Readonly<Record<StreamKind, number>> = {
  book: 10_000,
  mark: 10_000,
  trades: 120_000,
  liquidations: 0,
  openInterest: 0,
  bars: 0,
};

interface StreamPlan {
  readonly stream: StreamKind;
  readonly silenceAfterMs: number;
  readonly intervalMs?: number;
  readonly once: () => Promise<void>;
}

export function createLiveFeed(opts: LiveFeedOptions): LiveFeed {
  const { logger, clock } = opts;
  const registry = new StreamRegistry();
  const metrics: FeedMetrics = opts.registry ? createFeedMetrics(opts.registry) : noMetrics;
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...(opts.backoff ?? {}) };
  const random = opts.random ?? Math.random;
  const oiPollMs = opts.openInterestPollMs ?? 30_000;
  const fundingPollMs = opts.fundingPollMs ?? 60_000;
  const bars = opts.bars === undefined ? { timeframe: '1h', pollMs: 60_000 } : opts.bars;
  const depth = opts.bookDepth ?? 20;
  const totals = { listenerErrors: 0, silences: 0 };
  let abort = new AbortController();
  let loops: Promise<void>[] = [];
  let exchanges: CcxtExchangeLike[] = [];
  let timer: NodeJS.Timeout | undefined;

  const report = (s: StreamStatus | undefined): void => {
    if (!s) return;
    const fields = { venue: s.venue, symbol: s.symbol, stream: s.stream, state: s.state, reason: s.reason };
    if (s.state === 'silent') {
      totals.silences++;
      logger.warn(fields, 'market feed: stream silent');
    } else if (s.state === 'failed' || s.state === 'unsupported')
      logger.error(fields, 'market feed: stream not available');
    else logger.info(fields, 'market feed: stream state');
    metrics.silent(s.venue, s.symbol, s.stream, s.state === 'silent');
    try {
      opts.onStatus?.(s);
    } catch (err) {
      totals.listenerErrors++;
      logger.error({ err: errText(err) }, 'market feed: status listener threw');
    }
  };

  const emit = (venue: string, symbol: string, stream: StreamKind, events: readonly MarketEvent[]): void => {
    if (events.length === 0) return;
    report(registry.recordEvent(streamKey(venue, symbol, stream), clock.now()));
    for (const e of events) {
      metrics.event(venue, stream);
      try {
        opts.onEvent(e, { venue, stream });
      } catch (err) {
        totals.listenerErrors++;
        logger.error({ venue, symbol, stream, err: errText(err) }, 'market feed: event listener threw');
      }
    }
  };

  const silence = (v: LiveVenueConfig, stream: StreamKind, pollMs?: number): number =>
    opts.silenceAfterMs?.[stream] ?? (pollMs !== undefined ? 3 * pollMs : DEFAULT_SILENCE[stream]);

  function plans(v: LiveVenueConfig, ex: CcxtExchangeLike, symbol: string): StreamPlan[] {
    const on = (s: StreamKind) => v.streams?.[s] !== false;
    const has = (m: string) =>
      Boolean(ex.has[m]) && typeof (ex as unknown as Record<string, unknown>)[m] === 'function';
    const now = () => clock.now();
    const out: StreamPlan[] = [];
    if (on('book') && has('watchOrderBook')) {
      out.push({
        stream: 'book',
        silenceAfterMs: silence(v, 'book'),
        once: async () =>
          emit(v.id, symbol, 'book', [toBookEvent(symbol, await ex.watchOrderBook!(symbol), depth, now())]),
      });
    }
    if (on('mark')) {
      const funding = new FundingTracker();
      const withFunding = (m: ReturnType<typeof toMarkEvent>): MarketEvent[] => {
        if (!m) return [];
        const f = funding.observe(m);
        return f ? [f, m] : [m];
      };
      if (has('watchMarkPrice')) {
        out.push({
          stream: 'mark',
          silenceAfterMs: silence(v, 'mark'),
          once: async () =>
            emit(v.id, symbol, 'mark', withFunding(toMarkEvent(symbol, await ex.watchMarkPrice!(symbol), now()))),
        });
      } else if (has('fetchFundingRate')) {
        out.push({
          stream: 'mark',
          intervalMs: fundingPollMs,
          silenceAfterMs: silence(v, 'mark', fundingPollMs),
          once: async () =>
            emit(
              v.id,
              symbol,
              'mark',
              withFunding(fundingRateToMarkEvent(symbol, await ex.fetchFundingRate!(symbol), now())),
            ),
        });
      }
    }
    if (on('trades') && has('watchTrades')) {
      out.push({
        stream: 'trades',
        silenceAfterMs: silence(v, 'trades'),
        once: async () => emit(v.id, symbol, 'trades', toTradeEvents(symbol, await ex.watchTrades!(symbol), now())),
      });
    }
    if (on('bars') && bars && has('fetchOHLCV')) {
      const tfMs = (ex.parseTimeframe?.(bars.timeframe) ?? 3600) * 1000;
      let after = -Infinity;
      let backfill = bars.backfillDays ?? 31;
      out.push({
        stream: 'bars',
        intervalMs: bars.pollMs,
        silenceAfterMs: opts.silenceAfterMs?.bars ?? tfMs + 3 * bars.pollMs,
        once: async () => {
          const closed = toClosedBars(
            symbol,
            await fetchBars(ex, symbol, bars.timeframe, tfMs, backfill, now(), opts.logger, v.id),
            tfMs,
            now(),
            after,
          );
          backfill = 0; // once, at start: later polls fetch the last few bars
          if (closed.length > 0) after = closed[closed.length - 1]!.openTime;
          emit(v.id, symbol, 'bars', closed);
        },
      });
    }
    if (on('liquidations') && has('watchLiquidations')) {
      out.push({
        stream: 'liquidations',
        silenceAfterMs: silence(v, 'liquidations'),
        once: async () =>
          emit(v.id, symbol, 'liquidations', toLiquidationEvents(symbol, await ex.watchLiquidations!(symbol), now())),
      });
    }
    if (on('openInterest') && has('fetchOpenInterest')) {
      out.push({
        stream: 'openInterest',
        intervalMs: oiPollMs,
        silenceAfterMs: silence(v, 'openInterest', oiPollMs),
        once: async () => {
          const e = toOpenInterestEvent(symbol, await ex.fetchOpenInterest!(symbol), now());
          emit(v.id, symbol, 'openInterest', e ? [e] : []);
        },
      });
    }
    return out;
  }

  function hooks(venue: string, symbol: string, stream: StreamKind, signal: AbortSignal) {
    const key = streamKey(venue, symbol, stream);
    return {
      signal,
      backoff,
      random,
      onError(kind: ErrorKind, err: unknown, retryInMs: number | undefined, attempt: number) {
        const c = registry.counters(key);
        const fields = { venue, symbol, stream, kind, attempt, retryInMs, err: errText(err) };
        if (kind === 'gap') {
          if (c) c.gaps++;
          metrics.gap(venue, symbol, stream);
          logger.warn(fields, 'market feed: sequence gap, resyncing');
          return;
        }
        if (kind === 'unsupported') {
          if (c) c.errors++;
          metrics.error(venue, stream, kind);
          report(registry.set(key, 'unsupported', clock.now(), errText(err)));
          return;
        }
        if (c) {
          c.errors++;
          if (kind === 'network') c.reconnects++;
        }
        metrics.error(venue, stream, kind);
        if (kind === 'network') metrics.reconnect(venue, stream);
        logger.warn(
          fields,
          kind === 'network' ? 'market feed: connection lost, reconnecting' : 'market feed: error, retrying',
        );
      },
    };
  }

  async function runVenue(v: LiveVenueConfig, ex: CcxtExchangeLike, signal: AbortSignal): Promise<void> {
    // Markets first: every watch needs them; a failure here retries with the same backoff.
    const onError = (kind: ErrorKind, err: unknown, retryInMs: number | undefined) =>
      logger.warn({ venue: v.id, kind, retryInMs, err: errText(err) }, 'market feed: loadMarkets failed');
    await runLoop(
      async () => void (await ex.loadMarkets()),
      { signal, backoff, random, onError },
      { untilSuccess: true },
    );
    if (signal.aborted) return;
    const markets = (ex as unknown as { markets?: Record<string, unknown> }).markets ?? {};
    const started: Promise<void>[] = [];
    for (const symbol of v.symbols) {
      if (!(symbol in markets)) {
        for (const s of plans(v, ex, symbol))
          report(
            registry.set(
              streamKey(v.id, symbol, s.stream),
              'failed',
              clock.now(),
              `symbol ${symbol} is not listed by ${v.exchangeId}`,
            ),
          );
        continue;
      }
      for (const p of plans(v, ex, symbol))
        started.push(
          runLoop(
            p.once,
            hooks(v.id, symbol, p.stream, signal),
            p.intervalMs !== undefined ? { intervalMs: p.intervalMs } : {},
          ),
        );
    }
    await Promise.all(started);
  }

  return {
    async start() {
      if (timer) return;
      abort = new AbortController();
      exchanges = opts.venues.map((v) => (opts.createExchange ?? createCcxtExchange)(v));
      const now = clock.now();
      opts.venues.forEach((v, i) => {
        for (const symbol of v.symbols)
          for (const p of plans(v, exchanges[i]!, symbol))
            registry.register(v.id, symbol, p.stream, p.silenceAfterMs, now);
        logger.info(
          { venue: v.id, exchangeId: v.exchangeId, symbols: v.symbols, urls: v.urls ?? {} },
          'market feed: starting',
        );
      });
      loops = opts.venues.map((v, i) =>
        runVenue(v, exchanges[i]!, abort.signal).catch((err) =>
          logger.error({ venue: v.id, err: errText(err) }, 'market feed: venue loop ended'),
        ),
      );
      timer = setInterval(() => {
        for (const s of registry.checkSilence(clock.now())) report(s);
      }, opts.checkIntervalMs ?? 1_000);
      timer.unref();
    },
    async stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      abort.abort();
      await Promise.allSettled(exchanges.map((ex) => ex.close()));
      await Promise.allSettled(loops);
      for (const s of registry.statuses()) registry.set(streamKey(s.venue, s.symbol, s.stream), 'stopped', clock.now());
    },
    lastEventAt: (symbol, stream, venue) => registry.lastEventAt(venue, symbol, stream),
    status: () => registry.statuses(),
    stats(): FeedStatsSnapshot {
      const streams = registry.allCounters();
      const sum = { events: 0, gaps: 0, reconnects: 0, errors: 0 };
      for (const c of Object.values(streams)) {
        sum.events += c.events;
        sum.gaps += c.gaps;
        sum.reconnects += c.reconnects;
        sum.errors += c.errors;
      }
      return { totals: { ...sum, ...totals }, streams };
    },
  };
}

function errText(err: unknown): string {
  return err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err);
}

/** Closed bars for the poll; at start, `backfillDays` of history so that the long-window features
 * (30-day percentiles) are known from the first order instead of after a blind month. Binance
 * serves up to 1,500 bars per call; a venue that refuses the request gets the plain poll. */
async function fetchBars(
  ex: CcxtExchangeLike,
  symbol: string,
  timeframe: string,
  tfMs: number,
  backfillDays: number,
  now: number,
  logger: FeedLogger,
  venue: string,
): Promise<unknown> {
  if (backfillDays > 0) {
    const limit = Math.min(1500, Math.ceil((backfillDays * 86_400_000) / tfMs) + 2);
    try {
      return await ex.fetchOHLCV!(symbol, timeframe, now - (limit - 1) * tfMs, limit);
    } catch (err) {
      logger.warn(
        { venue, symbol, err: (err as Error).message },
        'bar backfill refused; features warm up from live bars',
      );
    }
  }
  return ex.fetchOHLCV!(symbol, timeframe, undefined, 3);
}
