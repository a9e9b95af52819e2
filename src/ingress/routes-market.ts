import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.js';
import { LiqguardError } from '../core/errors.js';
import { snapshotJson } from '../core/json.js';
import type { MarketView } from '../core/stages.js';
import type { RegimeScorer, Venue } from '../core/types.js';
import type { ApiKeyAuth } from './auth.js';
import { presentRegime } from './present.js';
import { errorSchema, regimeSchema, symbolParams } from './wire-schemas.js';

export interface MarketRouteDeps {
  readonly auth: ApiKeyAuth;
  readonly market: MarketView;
  readonly scorer: () => RegimeScorer;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly clock: Clock;
}

/** The snapshot served by GET /v1/market/:symbol (the same view the audit log records). */
const presentSnapshot = snapshotJson;

export function registerMarketRoutes(app: FastifyInstance, deps: MarketRouteDeps): void {
  const known = (symbol: string): void => {
    for (const v of deps.venues.values()) if (v.instrument(symbol)) return;
    throw new LiqguardError('UNKNOWN_SYMBOL', `unknown symbol ${symbol}; URL-encode it, e.g. BTC%2FUSDT%3AUSDT`);
  };
  app.get(
    '/v1/regime/:symbol',
    {
      preHandler: deps.auth.guard('viewer'),
      schema: {
        tags: ['market'],
        summary: 'Current liquidation regime of a symbol, with its explanation',
        params: symbolParams,
        response: { 200: regimeSchema, 400: errorSchema },
      },
    },
    async (req) => {
      const { symbol } = req.params as { symbol: string };
      known(symbol);
      const now = deps.clock.now();
      const snap = deps.market.snapshot(symbol, now);
      return presentRegime(await deps.scorer().score(snap, now));
    },
  );
  app.get(
    '/v1/regimes',
    {
      preHandler: deps.auth.guard('viewer'),
      schema: { tags: ['market'], summary: 'Current regime of every traded symbol' },
    },
    async () => {
      const now = deps.clock.now();
      const symbols = [...new Set([...deps.venues.values()].flatMap((v) => v.instruments().map((i) => i.symbol)))];
      return {
        regimes: await Promise.all(
          symbols.map(async (s) => presentRegime(await deps.scorer().score(deps.market.snapshot(s, now), now))),
        ),
      };
    },
  );
  app.get(
    '/v1/market/:symbol',
    {
      preHandler: deps.auth.guard('viewer'),
      schema: {
        tags: ['market'],
        summary: 'Current market snapshot: prices, features, input ages, data-quality flags',
        params: symbolParams,
        response: { 400: errorSchema },
      },
    },
    async (req) => {
      const { symbol } = req.params as { symbol: string };
      known(symbol);
      return presentSnapshot(deps.market.snapshot(symbol, deps.clock.now()));
    },
  );
}
