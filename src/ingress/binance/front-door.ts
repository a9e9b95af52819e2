/** The Binance USD-M-compatible front door: `binanceFrontDoor(deps).plugin` mounts /fapi/* on the
 * gateway's own HTTP app. Public endpoints reuse the route builders of src/binance-wire over
 * the gateway's market data; signed endpoints authenticate the gateway-issued key and secret and
 * send orders through the one pipeline. Its own fastify scope gives it Binance error bodies and a
 * form-urlencoded body parser (the raw text: the HMAC covers the bytes as sent), without changing
 * the rest of the gateway. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '../../core/clock.js';
import { isLiqguardError, LiqguardError } from '../../core/errors.js';
import type { MarketEvent } from '../../core/types.js';
import type { BinanceServerContext } from '../../binance-wire/context.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import { FaultState } from '../../binance-wire/faults.js';
import { Formatter } from '../../binance-wire/format.js';
import { registerPublicRoutes } from '../../binance-wire/public-routes.js';
import { keepRawBodies } from '../../binance-wire/raw-body.js';
import { MAX_RECV_WINDOW_MS } from '../../binance-wire/signed.js';
import { WeightMeter } from '../../binance-wire/weight.js';
import { WsHub, type HubStats } from '../../binance-wire/ws-hub.js';
import type { ApiKeyAuth } from '../auth.js';
import { toLiqguardError } from '../error-handler.js';
import { EventBus } from '../../core/events.js';
import { registerAccountRoutes } from './account-routes.js';
import { registerAmendOrder } from './amend-order.js';
import { registerBatchOrders } from './batch-orders.js';
import { registerHistoryRoutes } from './history-routes.js';
import { ListenKeys } from './listen-keys.js';
import { UserJournal } from './user-journal.js';
import { registerUserStream } from './user-stream.js';
import { attachWsDoor } from './ws-door.js';
import { LeverageBook, type FrontDoorContext, type FrontDoorStages } from './context.js';
import { GatewayMarketSource } from './market-source.js';
import { OrderIdMap } from './order-ids.js';
import { registerOrderRoutes } from './order-routes.js';
import { registerAlgoRoutes } from './algo-routes.js';

export interface BinanceFrontDoorDeps extends Omit<FrontDoorStages, 'wallClock'> {
  readonly wallClock?: Clock;
  /** Venue whose instruments the public endpoints list. Default: the first venue. Signed
   * endpoints always use the calling client's venue. */
  readonly venueId?: string;
  /** Public-endpoint request weight per IP per minute (X-MBX-USED-WEIGHT-1M; 429 / -1003 over). */
  readonly weightLimitPerMinute?: number;
  /** Largest recvWindow accepted (Binance: 60000). */
  readonly maxRecvWindowMs?: number;
  /** The gateway's event bus: the user-data stream and history are built from it. Without it
   * listenKeys are still issued but nothing is pushed and history stays empty. */
  readonly bus?: EventBus;
}

export interface BinanceFrontDoor {
  /** For buildApp's `plugins`. */
  readonly plugin: (app: FastifyInstance, auth: ApiKeyAuth) => Promise<void>;
  /** Feed market events (the gateway's market sink) so klines, funding, OI, book and tickers fill. */
  ingest(e: MarketEvent): void;
  readonly source: GatewayMarketSource;
  readonly orderIds: OrderIdMap;
  /** The door's websockets (market and user-data streams): open connections and counters. */
  readonly ws: {
    connectionCount(): number;
    readonly seen: readonly { path: string }[];
    readonly stats: Readonly<HubStats>;
  };
  /** A looping replay restarted: market history follows the new pass. */
  reset(): void;
}

export function binanceFrontDoor(deps: BinanceFrontDoorDeps): BinanceFrontDoor {
  const wallClock = deps.wallClock ?? systemClock;
  const venue = deps.venueId ? deps.venues.get(deps.venueId) : deps.venues.values().next().value;
  if (!venue) throw new Error(`binance front door: venue ${deps.venueId ?? '(first)'} is not configured`);
  const source = new GatewayMarketSource({
    instruments: venue.instruments(),
    market: deps.market,
    now: () => deps.clock.now(),
  });
  const orderIds = new OrderIdMap(Math.max(1, Math.floor(wallClock.now())));
  const journal = new UserJournal({
    wallNow: () => wallClock.now(),
    orderIdOf: (id) => orderIds.idFor(id),
    instrumentOf: (p) => deps.venues.get(p.intent.venue)?.instrument(p.intent.symbol),
  });
  const listenKeys = new ListenKeys(() => wallClock.now());
  const fmt = new Formatter(source);
  const faults = new FaultState();
  const hub = new WsHub(source, fmt, faults, 100, (name) => listenKeys.clientOf(name) !== undefined);

  const plugin = async (app: FastifyInstance, auth: ApiKeyAuth): Promise<void> => {
    const ctx: FrontDoorContext = {
      ...deps,
      wallClock,
      auth,
      source,
      orderIds,
      leverage: new LeverageBook(),
      maxRecvWindowMs: deps.maxRecvWindowMs ?? MAX_RECV_WINDOW_MS,
      journal,
    };
    const pub: BinanceServerContext = {
      source,
      clock: wallClock,
      fmt,
      faults,
      weights: new WeightMeter(() => wallClock.now(), deps.weightLimitPerMinute ?? 2400),
      hub,
    };
    await app.register(async (scope) => {
      keepRawBodies(scope);
      scope.setErrorHandler((err: FastifyError | Error, req, reply) => {
        const e = toBinanceError(err);
        if (e.status >= 500) req.log.error({ err }, 'binance front door request failed');
        void reply.status(e.status).send(e.body());
      });
      registerPublicRoutes(scope, pub);
      registerOrderRoutes(scope, ctx);
      registerAmendOrder(scope, ctx);
      registerAlgoRoutes(scope, ctx);
      registerAccountRoutes(scope, ctx);
      registerHistoryRoutes(scope, ctx);
      registerBatchOrders(scope, ctx);
      const stopStream = registerUserStream(scope, ctx, {
        bus: deps.bus ?? new EventBus(),
        hub: pub.hub,
        keys: listenKeys,
        journal,
      });
      scope.addHook('onClose', async () => stopStream());
      scope.all('/fapi/*', async (req) => {
        throw binanceErrors.notFound(req.method, req.url.split('?')[0]!);
      });
    });
    attachWsDoor(app, pub.hub, listenKeys);
  };
  return {
    plugin,
    ingest: (e) => source.ingest(e),
    source,
    orderIds,
    ws: { connectionCount: () => hub.connectionCount, seen: hub.seen, stats: hub.stats },
    reset: () => source.reset(),
  };
}

/** Any error in the front door's scope as a Binance body. Gateway faults hide their message. */
function toBinanceError(err: FastifyError | Error): BinanceApiError {
  if (err instanceof BinanceApiError) return err;
  const le: LiqguardError = isLiqguardError(err) ? err : toLiqguardError(err);
  switch (le.code) {
    case 'UNKNOWN_SYMBOL':
      return binanceErrors.invalidSymbol();
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      return new BinanceApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
    case 'BODY_TOO_LARGE':
      return new BinanceApiError(413, -1000, 'LIQGUARD BODY_TOO_LARGE');
    case 'INTERNAL':
      return binanceErrors.unknown();
  }
  if (le.statusCode >= 500) return binanceErrors.unknown();
  return new BinanceApiError(400, -1130, `LIQGUARD ${le.code}: ${le.message}`);
}
