/** Market data of a gateway: one fan-out that hands every event, in the order the targets were
 * added, to the feature view, the simulated venues, the policy's price windows, the limit book,
 * the conditional-order holder and the Binance door; fed by a timed replay of history or by live
 * ccxt feeds (started with the gateway). */
import pino from 'pino';
import type { GatewayConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { AuditAppender } from '../core/stages.js';
import type { MarketEvent } from '../core/types.js';
import { createLiveFeed, type LiveFeed } from '../market/live/index.js';
import { createReplayFeed } from '../market/replay/sources.js';
import { TimedReplay } from '../market/replay/timed-replay.js';
import type { Metrics } from './metrics.js';

interface MarketTarget {
  ingest(e: MarketEvent): void;
}

export class MarketFanOut {
  private readonly targets: MarketTarget[] = [];
  private readonly resets: (() => void)[] = [];

  /** `resetsWith`: the target drops its state when a looping replay restarts in the past. */
  add(target: MarketTarget, resetsWith?: () => void): void {
    this.targets.push(target);
    if (resetsWith) this.resets.push(resetsWith);
  }

  ingest(e: MarketEvent): void {
    for (const t of this.targets) t.ingest(e);
  }

  reset(): void {
    for (const r of this.resets) r();
  }
}

/** The configured source (replay or live) feeding `sink`; nothing runs until start(). */
export async function openMarketSource(
  config: GatewayConfig,
  d: { sink: MarketFanOut; wallClock: Clock; audit: AuditAppender; metrics: Metrics; symbols: readonly string[] },
): Promise<{ replay?: TimedReplay; live?: LiveFeed }> {
  if (config.market.source === 'replay') {
    const r = config.market.replay;
    const window = { from: r.from, to: r.to, warmupFrom: r.warmupFrom };
    const { feed, notes } = await createReplayFeed({ dataDir: r.dataDir, symbols: d.symbols, ...window });
    const replay = new TimedReplay(feed, d.sink, {
      clock: d.wallClock,
      speed: { barsPerSecond: r.barsPerSecond },
      loop: r.loop,
    });
    d.audit.append('startup', { market: 'replay', notes, window, barsPerSecond: r.barsPerSecond });
    return { replay };
  }
  if (config.market.source !== 'live') return {};
  // Live market data through ccxt for every ccxt venue: events feed the same view and state.
  const ccxtVenues = config.venues.filter((v) => v.kind === 'ccxt');
  const live = createLiveFeed({
    venues: ccxtVenues.map((v) => ({
      id: v.id,
      exchangeId: v.exchangeId!,
      symbols: v.symbols,
      ...(v.urls ? { urls: v.urls } : {}),
      ...(v.apiKey ? { apiKey: v.apiKey } : {}),
      ...(v.secret ? { secret: v.secret } : {}),
    })),
    onEvent: (e) => d.sink.ingest(e),
    logger: pino({ level: config.server.logLevel, base: { component: 'market-live' } }),
    clock: d.wallClock,
    registry: d.metrics.registry,
  });
  d.audit.append('startup', { market: 'live', venues: ccxtVenues.map((v) => v.id) });
  return { live };
}
