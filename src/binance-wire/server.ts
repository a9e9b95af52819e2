/** A Binance USD-M-compatible server: fastify for REST and ws for streams on one port, market
 * data from a pluggable MarketDataSource. Route modules are registered separately
 * (registerPublicRoutes here; issue 6 adds the signed private routes through `routes`), and a
 * control object drives fault drills. Nothing listens until listen() is called. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { BinanceServerContext, RouteModule } from './context.js';
import { BinanceApiError, binanceErrors } from './errors.js';
import { FaultState, type RestFault, type SilenceFilter } from './faults.js';
import { Formatter } from './format.js';
import { registerPublicRoutes } from './public-routes.js';
import type { MarketDataSource } from './source.js';
import { WeightMeter } from './weight.js';
import { WsHub, type HubStats } from './ws-hub.js';

export interface BinanceServerOptions {
  readonly source: MarketDataSource;
  readonly clock?: Clock;
  /** A pino logger instance (fastify 5 `loggerInstance`); default: no request logging. */
  readonly logger?: FastifyBaseLogger;
  /** X-MBX-USED-WEIGHT-1M limit before 429 / -1003. Default 2400, as Binance USD-M. */
  readonly weightLimitPerMinute?: number;
  /** How many recent requests / connections `requests` and `wsConnections` keep. Default 10 000. */
  readonly recordLimit?: number;
  /** Extra route modules registered after the public ones (private/signed routes, admin). */
  readonly routes?: readonly RouteModule[];
}

interface RequestRecord {
  readonly method: string;
  readonly url: string;
  readonly remoteAddress: string;
}

/** Fault drills and test hooks. */
interface BinanceControl {
  /** Terminate every websocket without a close frame; returns how many were dropped. */
  dropConnections(): number;
  /** Refuse (503) websocket upgrades until turned off: an outage that outlasts reconnects. */
  rejectConnections(on: boolean): void;
  /** Lose the next `count` depth diffs of a symbol (or all): clients see a sequence gap. */
  injectDepthGap(symbol?: string, count?: number): void;
  /** Stop sending matching streams (all when no filter) until resume(id) / resume(). */
  silence(filter?: SilenceFilter): number;
  resume(id?: number): void;
  /** Answer the next matching REST request(s) with a Binance error. */
  failRest(fault: RestFault): void;
  clear(): void;
  readonly faultCounts: Readonly<FaultState['counts']>;
  readonly ws: Readonly<HubStats>;
  connectionCount(): number;
}

export interface BinanceServer {
  readonly app: FastifyInstance;
  readonly ctx: BinanceServerContext;
  readonly control: BinanceControl;
  /** Recent REST requests (method, url, remote address), at most recordLimit..2·recordLimit. */
  readonly requests: readonly RequestRecord[];
  /** Recent websocket connections accepted (path, remote address). */
  readonly wsConnections: readonly { path: string; remoteAddress: string }[];
  listen(opts?: { host?: string; port?: number }): Promise<{ httpUrl: string; wsUrl: string; port: number }>;
  close(): Promise<void>;
}

export async function buildBinanceServer(opts: BinanceServerOptions): Promise<BinanceServer> {
  const clock = opts.clock ?? systemClock;
  const app = (opts.logger
    ? Fastify({ loggerInstance: opts.logger, forceCloseConnections: true })
    : Fastify({ logger: false, forceCloseConnections: true })) as unknown as FastifyInstance;
  const faults = new FaultState();
  const fmt = new Formatter(opts.source);
  const recordLimit = opts.recordLimit ?? 10_000;
  const hub = new WsHub(opts.source, fmt, faults, recordLimit);
  const ctx: BinanceServerContext = {
    source: opts.source,
    clock,
    fmt,
    faults,
    weights: new WeightMeter(() => clock.now(), opts.weightLimitPerMinute ?? 2400),
    hub,
  };
  const requests: RequestRecord[] = [];

  app.addHook('onRequest', async (req, reply) => {
    keepRecent(
      requests,
      { method: req.method, url: req.url, remoteAddress: req.socket.remoteAddress ?? '' },
      recordLimit,
    );
    const fault = faults.takeRestFault(req.url.split('?')[0]!);
    if (fault) return reply.code(fault.status).send({ code: fault.code, msg: fault.msg });
  });
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof BinanceApiError) return reply.code(err.status).send(err.body());
    req.log.error({ err }, 'binance api: unhandled error');
    const e = binanceErrors.unknown();
    return reply.code(e.status).send(e.body());
  });
  app.setNotFoundHandler((req, reply) => {
    const e = binanceErrors.notFound(req.method, req.url.split('?')[0]!);
    return reply.code(e.status).send(e.body());
  });

  registerPublicRoutes(app, ctx);
  for (const mod of opts.routes ?? []) await mod(app, ctx);

  app.server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  app.addHook('onClose', async () => hub.close());

  const control: BinanceControl = {
    dropConnections: () => hub.dropAll(),
    rejectConnections: (on) => void (faults.rejectConnections = on),
    injectDepthGap: (symbol, count) => faults.injectDepthGap(symbol, count),
    silence: (filter) => faults.silence(filter),
    resume: (id) => faults.resume(id),
    failRest: (fault) => faults.failRest(fault),
    clear: () => faults.clear(),
    faultCounts: faults.counts,
    ws: hub.stats,
    connectionCount: () => hub.connectionCount,
  };

  return {
    app,
    ctx,
    control,
    requests,
    wsConnections: hub.seen,
    async listen(o = {}) {
      const host = o.host ?? '127.0.0.1';
      await app.listen({ host, port: o.port ?? 0 });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? 0);
      const h = host.includes(':') ? `[${host}]` : host;
      return { httpUrl: `http://${h}:${port}`, wsUrl: `ws://${h}:${port}`, port };
    },
    close: () => app.close(),
  };
}

/** Appends, dropping the oldest half once the list holds twice the limit (amortised O(1)). */
function keepRecent<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length >= 2 * limit) list.splice(0, list.length - limit);
}
