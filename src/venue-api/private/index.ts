/** Private (signed) Binance USD-M routes over a SimulatedExchange, plus fault injection. Pass
 * `api.routes` to buildBinanceServer({ routes: [api.routes] }). See ../../README.md. */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { SimulatedExchange } from '../../execution/simulated/index.js';
import type { BinanceServerContext, RouteModule } from '../../binance-wire/context.js';
import { keepRawBodies } from '../../binance-wire/raw-body.js';
import { registerAccountRoutes } from './account-routes.js';
import { registerAlgoRoutes } from './algo-routes.js';
import { registerBatchRoutes } from './batch-routes.js';
import { registerHistoryRoutes, VenueHistory } from './history.js';
import { KeyStore, type ApiKeyConfig } from './auth.js';
import { SymbolSettings, type PrivateContext } from './context.js';
import { installFaultHooks } from './fault-hooks.js';
import { PrivateFaults } from './faults.js';
import { OrderBookKeeping } from './order-book-keeping.js';
import { DEFAULT_ORDER_LIMITS, OrderCounter, type OrderLimits } from './order-counter.js';
import { registerOrderRoutes } from './order-routes.js';
import { registerUserStream } from './user-stream.js';

export { CONTROL_PATH } from './fault-hooks.js';
export { type OrderLimits } from './order-counter.js';

export interface PrivateApiOptions {
  readonly exchange: SimulatedExchange;
  /** API keys accepted, each mapped to an exchange account (default: the key). */
  readonly keys: readonly ApiKeyConfig[];
  /** Clock for HMAC timestamps, order-count windows, listen keys and bans. Default: system. */
  readonly wallClock?: Clock;
  readonly orderLimits?: OrderLimits;
  /** Serve GET/POST/DELETE /_liqguard/faults. Default true (the server binds 127.0.0.1). */
  readonly controlEndpoint?: boolean;
  /** Margin asset shown in balances. Default USDT. */
  readonly asset?: string;
  /** Leverage shown for symbols never set (the exchange's default). Default '20'. */
  readonly defaultLeverage?: string;
  /** Weight limit quoted in injected 429 bodies. Default 2400. */
  readonly weightLimitPerMinute?: number;
}

export interface PrivateApi {
  readonly routes: RouteModule;
  /** Programmatic fault injection (same as POST /_liqguard/faults). */
  readonly faults: PrivateFaults;
  readonly keys: KeyStore;
}

export function createPrivateApi(opts: PrivateApiOptions): PrivateApi {
  const wall = opts.wallClock ?? systemClock;
  const faults = new PrivateFaults(() => wall.now());
  const keys = new KeyStore(opts.keys);
  const byVenueSymbol = new Map(opts.exchange.instruments().map((i) => [i.venueSymbol, i]));
  const pc: PrivateContext = {
    exchange: opts.exchange,
    keys,
    wall,
    book: new OrderBookKeeping(),
    counter: new OrderCounter(() => wall.now(), opts.orderLimits ?? DEFAULT_ORDER_LIMITS),
    settings: new SymbolSettings(opts.defaultLeverage ?? '20'),
    asset: opts.asset ?? 'USDT',
    byVenueSymbol,
  };
  const routes: RouteModule = (app: FastifyInstance, ctx: BinanceServerContext) => {
    // Keep form bodies raw: the HMAC covers the exact bytes sent.
    keepRawBodies(app);
    const { pendingTimers } = installFaultHooks(app, faults, {
      controlEndpoint: opts.controlEndpoint ?? true,
      weightLimit: opts.weightLimitPerMinute ?? 2400,
      now: () => wall.now(),
    });
    const orders = registerOrderRoutes(app, ctx, pc, faults, pendingTimers);
    registerAccountRoutes(app, ctx, pc);
    registerBatchRoutes(app, ctx, pc);
    const history = new VenueHistory(pc);
    const detachHistory = history.attach();
    registerHistoryRoutes(app, ctx, pc, history);
    registerAlgoRoutes(app, ctx, pc, opts.controlEndpoint ?? true);
    const unsubscribe = registerUserStream(app, ctx, pc);
    app.addHook('onClose', async () => {
      orders.close();
      unsubscribe();
      detachHistory();
    });
  };
  return { routes, faults, keys };
}
