/** execution/ccxt: the Venue for any ccxt exchange. See README.md. */
import type { Registry } from 'prom-client';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { LiqguardError, type ErrorDetail } from '../../core/errors.js';
import type { InstrumentSpec, MarginBracket } from '../../core/types.js';
import type { VenueConfig } from '../../config/types.js';
import { VenueBudget, type VenueBudgetOptions } from '../budget/index.js';
import { CcxtVenue } from './ccxt-venue.js';
import { buildCcxtExchange, buildCcxtProExchange, type CcxtExchange } from './exchange.js';
import { bracketsFromTiers, instrumentFromMarket, type CcxtMarketLike, type CcxtTierLike } from './markets.js';

export { CcxtVenue } from './ccxt-venue.js';
export interface CcxtVenueOptions {
  /** ccxt request timeout (ms). Default 10 000. */
  readonly timeoutMs?: number;
  /** Binance recvWindow sent with signed requests; also how long a lost order must be absent
   * before it is resent. Default 5000. */
  readonly recvWindowMs?: number;
  /** Account (balance + positions) cache age. Default 5000 ms. */
  readonly accountRefreshMs?: number;
  /** Hard bound on the account view's age: past it an order waits for a fresh read, or fails
   * closed if the read fails. Cluster mode sets it from cluster.accountViewMaxAgeMs. */
  readonly accountMaxStaleMs?: number;
  /** Polling interval for open / unknown orders. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Budget limits, margin and waits (Binance USD-M defaults). */
  readonly budget?: Omit<VenueBudgetOptions, 'venue' | 'clock' | 'registry'>;
  /** Merged into ccxt `options`. */
  readonly ccxtOptions?: Readonly<Record<string, unknown>>;
  readonly refPrice?: (symbol: string) => string | undefined;
  /** Learn of fills from the venue's user-data stream (ccxt.pro watchOrders) where it has one;
   * polling stays the fallback. Default true. */
  readonly userStream?: boolean;
}

export interface CreateCcxtVenueDeps {
  /** Report timestamps (the gateway's decision clock). */
  readonly clock: Clock;
  /** Real time for budgets, recvWindow and waits. Default: system clock. */
  readonly wallClock?: Clock;
  readonly logger?: {
    info?(o: object, m?: string): void;
    warn(o: object, m?: string): void;
    error(o: object, m?: string): void;
  };
  readonly registry?: Registry;
  readonly options?: CcxtVenueOptions;
}

/** Build, load markets (+ leverage tiers when available) and return the venue. Throws
 * CONFIG_INVALID naming every configured symbol the exchange does not list. */
export async function createCcxtVenue(cfg: VenueConfig, deps: CreateCcxtVenueDeps): Promise<CcxtVenue> {
  const o = deps.options ?? {};
  const wall = deps.wallClock ?? systemClock;
  const recvWindowMs = o.recvWindowMs ?? 5000;
  if (!cfg.exchangeId)
    throw new LiqguardError('CONFIG_INVALID', `venue "${cfg.id}": kind ccxt needs exchangeId`, [
      { path: `venues.${cfg.id}.exchangeId`, message: 'is required for kind ccxt' },
    ]);
  const budget = new VenueBudget({
    ...(o.budget ?? {}),
    venue: cfg.id,
    clock: wall,
    ...(deps.registry ? { registry: deps.registry } : {}),
  });
  const settings = {
    exchangeId: cfg.exchangeId,
    ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
    ...(cfg.secret ? { secret: cfg.secret } : {}),
    ...(cfg.urls ? { urls: cfg.urls } : {}),
    sandbox: cfg.sandbox,
    timeoutMs: o.timeoutMs ?? 10_000,
    recvWindowMs,
    ...(o.ccxtOptions ? { options: o.ccxtOptions } : {}),
  };
  const stream = o.userStream === false ? undefined : buildCcxtProExchange(settings);
  const exchange = buildCcxtExchange(
    {
      exchangeId: cfg.exchangeId,
      ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
      ...(cfg.secret ? { secret: cfg.secret } : {}),
      ...(cfg.urls ? { urls: cfg.urls } : {}),
      sandbox: cfg.sandbox,
      timeoutMs: o.timeoutMs ?? 10_000,
      recvWindowMs,
      ...(o.ccxtOptions ? { options: o.ccxtOptions } : {}),
    },
    budget,
  );
  const instruments = await loadInstruments(cfg, exchange, budget, deps.logger);
  return new CcxtVenue({
    id: cfg.id,
    exchange,
    budget,
    instruments,
    clock: deps.clock,
    wallClock: wall,
    recvWindowMs,
    accountRefreshMs: o.accountRefreshMs ?? 5000,
    ...(o.accountMaxStaleMs !== undefined ? { accountMaxStaleMs: o.accountMaxStaleMs } : {}),
    pollIntervalMs: o.pollIntervalMs ?? 1000,
    ...(o.refPrice ? { refPrice: o.refPrice } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(stream ? { stream } : {}),
  });
}

async function loadInstruments(
  cfg: VenueConfig,
  ex: CcxtExchange,
  budget: VenueBudget,
  logger: CreateCcxtVenueDeps['logger'],
): Promise<InstrumentSpec[]> {
  const permit = await budget.acquire('query', 1);
  if (!permit.ok) throw new LiqguardError('UNAVAILABLE', `venue "${cfg.id}": cannot load markets (${permit.code})`);
  const markets = (await ex.loadMarkets()) as Record<string, CcxtMarketLike>;
  const problems: ErrorDetail[] = [];
  for (const s of cfg.symbols)
    if (!markets[s])
      problems.push({
        path: `venues.${cfg.id}.symbols`,
        message: `"${s}" is not listed by ${cfg.exchangeId}; use a ccxt unified symbol such as BTC/USDT:USDT`,
      });
  if (problems.length)
    throw new LiqguardError('CONFIG_INVALID', `venue "${cfg.id}": ${problems.length} unknown symbol(s)`, problems);

  let tiers: Record<string, readonly MarginBracket[]> = {};
  if (ex.has.fetchLeverageTiers && cfg.apiKey && cfg.secret) {
    try {
      const p = await budget.acquire('query', 1);
      if (p.ok) {
        const raw = (await ex.fetchLeverageTiers([...cfg.symbols])) as Record<string, CcxtTierLike[]>;
        tiers = Object.fromEntries(Object.entries(raw).map(([s, t]) => [s, bracketsFromTiers(t)]));
      }
    } catch (err) {
      logger?.warn(
        { venue: cfg.id, err: (err as Error).message },
        'leverage tiers unavailable; using the published Binance brackets',
      );
    }
  }
  const out: InstrumentSpec[] = [];
  for (const s of cfg.symbols) {
    const spec = instrumentFromMarket(cfg.id, markets[s]!, ex.precisionMode, tiers[s]);
    if (!spec)
      problems.push({
        path: `venues.${cfg.id}.symbols`,
        message: `"${s}" has no tick or lot size at ${cfg.exchangeId}`,
      });
    else out.push(spec);
  }
  if (problems.length) throw new LiqguardError('CONFIG_INVALID', `venue "${cfg.id}": untradeable symbol(s)`, problems);
  return out;
}
