/** `liqguard venue` without the CLI: real history from data/ replayed on a timer into a
 * SimulatedExchange and an EventDrivenMarketDataSource, served over the Binance USD-M-compatible
 * REST + websocket API with the private routes. Also used by tests and benchmarks. */
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { MarketEvent } from '../../core/types.js';
import { buildInstruments, SimulatedExchange } from '../../execution/simulated/index.js';
import { createReplayFeed, TimedReplay, type ReplaySpeed } from '../../market/replay/index.js';
import { EventDrivenMarketDataSource } from '../../binance-wire/event-driven-source.js';
import { buildBinanceServer, type BinanceServer } from '../../binance-wire/server.js';
import type { ApiKeyConfig } from './auth.js';
import { createPrivateApi, type OrderLimits, type PrivateApi } from './index.js';

export interface SimulatedVenueServerOptions {
  readonly dataDir: string;
  readonly symbols: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly warmupFrom?: string;
  readonly speed: ReplaySpeed;
  readonly loop?: boolean;
  readonly keys: readonly ApiKeyConfig[];
  readonly initialBalance?: string;
  readonly host?: string;
  readonly port?: number;
  readonly controlEndpoint?: boolean;
  /** New-order limits per account (Binance USD-M: 300 / 10 s, 1200 / min). */
  readonly orderLimits?: OrderLimits;
  /** X-MBX-USED-WEIGHT-1M limit per IP (Binance USD-M: 2400). */
  readonly weightLimitPerMinute?: number;
  readonly wallClock?: Clock;
  readonly venueId?: string;
  readonly onLoop?: (n: number) => void;
  readonly onEnd?: () => void;
}

export interface SimulatedVenueServer {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly exchange: SimulatedExchange;
  readonly api: PrivateApi;
  readonly server: BinanceServer;
  readonly replay: TimedReplay;
  readonly notes: readonly string[];
  /** Replay time (the exchange's clock). */
  readonly replayClock: Clock;
  close(): Promise<void>;
}

export async function startSimulatedVenueServer(o: SimulatedVenueServerOptions): Promise<SimulatedVenueServer> {
  const wall = o.wallClock ?? systemClock;
  const { feed, notes } = await createReplayFeed({
    dataDir: o.dataDir,
    symbols: o.symbols,
    from: o.from,
    to: o.to,
    ...(o.warmupFrom ? { warmupFrom: o.warmupFrom } : {}),
  });
  let replayClock: Clock = wall;
  const clockRef: Clock = { now: () => replayClock.now() };
  const venueId = o.venueId ?? 'binance-sim';
  const instruments = buildInstruments(venueId, o.symbols);
  const exchange = new SimulatedExchange({
    clock: clockRef,
    venueId,
    instruments,
    ...(o.initialBalance ? { initialBalance: o.initialBalance } : {}),
  });
  const source = new EventDrivenMarketDataSource({ instruments, synthesizeBook: {} });
  const sink = {
    ingest(e: MarketEvent) {
      exchange.ingest(e);
      source.ingest(e);
    },
    reset() {
      source.reset(); // a looping replay restarts: klines and tickers follow the new pass
    },
  };
  const replay = new TimedReplay(feed, sink, {
    clock: wall,
    speed: o.speed,
    loop: o.loop ?? false,
    ...(o.onLoop ? { onLoop: o.onLoop } : {}),
    ...(o.onEnd ? { onEnd: o.onEnd } : {}),
  });
  replayClock = replay.replayClock();
  const api = createPrivateApi({
    exchange,
    keys: o.keys,
    wallClock: wall,
    ...(o.controlEndpoint !== undefined ? { controlEndpoint: o.controlEndpoint } : {}),
    ...(o.orderLimits ? { orderLimits: o.orderLimits } : {}),
    ...(o.weightLimitPerMinute ? { weightLimitPerMinute: o.weightLimitPerMinute } : {}),
  });
  const server = await buildBinanceServer({
    source,
    clock: wall,
    routes: [api.routes],
    ...(o.weightLimitPerMinute ? { weightLimitPerMinute: o.weightLimitPerMinute } : {}),
  });
  const { httpUrl, wsUrl } = await server.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 0 });
  replay.start();
  return {
    httpUrl,
    wsUrl,
    exchange,
    api,
    server,
    replay,
    notes,
    replayClock: clockRef,
    async close() {
      replay.stop();
      await server.close();
    },
  };
}
