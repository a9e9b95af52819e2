/** buildApp(deps): the HTTP surface, with every dependency injected. No import side effects and
 * no listening here (server.ts listens), so tests build apps with fakes on port 0. */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ClientConfig } from './config/types.js';
import type { Clock } from './core/clock.js';
import type { IdGenerator } from './core/ids.js';
import type { MarketView } from './core/stages.js';
import type { RegimeScorer, Venue } from './core/types.js';
import type { OrderStore } from './execution/order-store.js';
import { ApiKeyAuth } from './ingress/auth.js';
import { installErrorHandler } from './ingress/error-handler.js';
import { describeRoute, openapiDocument } from './ingress/openapi.js';
import { clientErrorHandler, frameworkErrors } from './ingress/framework-errors.js';
import { installStrictJson } from './ingress/strict-json.js';
import { installWebsocket } from './ingress/websocket.js';
import { installRateLimit, type RateLimitConfig } from './ingress/rate-limit.js';
import { registerMarketRoutes } from './ingress/routes-market.js';
import { registerOrderRoutes, type RemoteOrders } from './ingress/routes-orders.js';
import type { Metrics } from './gateway/metrics.js';
import type { Pipeline } from './pipeline.js';

export interface HealthReport {
  readonly status: 'ok' | 'degraded' | 'failing';
  readonly checks: Readonly<Record<string, { ok: boolean; detail?: string }>>;
}

export interface AppDeps {
  readonly clients: readonly ClientConfig[];
  readonly pipeline: Pipeline;
  readonly orders: OrderStore;
  readonly market: MarketView;
  readonly scorer: () => RegimeScorer;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: Metrics;
  readonly health?: () => HealthReport;
  readonly bodyLimit?: number;
  /** Per-key request rate limit (off when absent); `wallNow` in ms, default performance.now. */
  readonly rateLimit?: RateLimitConfig;
  readonly wallNow?: () => number;
  readonly logger?: FastifyServerOptions['logger'] | false;
  /** Further route modules (kill switch, policies, audit, dashboard, exchange-compatible API). */
  readonly plugins?: readonly ((app: FastifyInstance, auth: ApiKeyAuth) => void | Promise<void>)[];
  /** Cluster mode: cancel orders placed through other replicas. */
  readonly remoteOrders?: RemoteOrders;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? 16384,
    // Ids from the gateway, not from the client: request ids end up in logs.
    genReqId: () => deps.ids.next('req'),
    ajv: { customOptions: { coerceTypes: false, allErrors: true, removeAdditional: false } },
    // fastify's and Node's own errors answer in the catalog's shape, never echoing a whole path.
    frameworkErrors,
    clientErrorHandler,
  });
  installStrictJson(app);
  // Redact credentials from the request log.
  installErrorHandler(app);
  if (deps.rateLimit) installRateLimit(app, deps.rateLimit, deps.wallNow);
  await app.register(swagger, { openapi: openapiDocument, transform: describeRoute });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await installWebsocket(app); // before the routes: WebSocket endpoints declare a wsHandler

  const auth = new ApiKeyAuth(deps.clients);
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpDuration.observe(
      { route: req.routeOptions.url ?? 'unknown', method: req.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get(
    '/healthz',
    { schema: { tags: ['ops'], summary: 'Liveness and readiness with per-dependency checks' } },
    async (_req, reply) => {
      const h = deps.health?.() ?? { status: 'ok', checks: {} };
      void reply.status(h.status === 'failing' ? 503 : 200);
      return h;
    },
  );
  app.get(
    '/metrics',
    { schema: { tags: ['ops'], summary: 'Prometheus metrics', hide: false } },
    async (_req, reply) => {
      void reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );

  registerOrderRoutes(app, {
    auth,
    pipeline: deps.pipeline,
    orders: deps.orders,
    venues: deps.venues,
    clock: deps.clock,
    ids: deps.ids,
    ...(deps.remoteOrders ? { remote: deps.remoteOrders } : {}),
  });
  registerMarketRoutes(app, { auth, market: deps.market, scorer: deps.scorer, venues: deps.venues, clock: deps.clock });
  for (const plugin of deps.plugins ?? []) await plugin(app, auth);
  return app;
}
