/** Builds the ccxt.pro exchange for a venue: rate limiter off (liqguard owns rate budgets),
 * no currency fetch, URL overrides by dotted path, an http.Agent for plain ws:// (ccxt refuses
 * ws:// without one), credentials from config or env. */
import http from 'node:http';
import ccxt from 'ccxt';
import { applyUrlOverrides } from '../../core/ccxt-urls.js';
import { LiqguardError } from '../../core/errors.js';
import type { CcxtExchangeLike, LiveVenueConfig } from './types.js';

export { localBinanceUrls } from '../../core/ccxt-urls.js';

export function createCcxtExchange(v: LiveVenueConfig, env: NodeJS.ProcessEnv = process.env): CcxtExchangeLike {
  const Ctor = (ccxt.pro as unknown as Record<string, unknown>)[v.exchangeId];
  if (typeof Ctor !== 'function') {
    throw new LiqguardError(
      'CONFIG_INVALID',
      `venue "${v.id}": "${v.exchangeId}" is not a ccxt.pro exchange id; use one of ccxt.pro.exchanges such ` +
        `as binanceusdm`,
      [{ path: `venues.${v.id}.exchangeId`, message: 'not a ccxt.pro exchange id' }],
    );
  }
  const apiKey = v.apiKey ?? (v.apiKeyEnv ? env[v.apiKeyEnv] : undefined);
  const secret = v.secret ?? (v.secretEnv ? env[v.secretEnv] : undefined);
  const ex = new (
    Ctor as new (cfg: object) => CcxtExchangeLike & { urls: { api: Record<string, unknown> }; httpAgent?: unknown }
  )({
    enableRateLimit: false,
    ...(apiKey ? { apiKey } : {}),
    ...(secret ? { secret } : {}),
    // ccxt's own ws re-dial backoff is zeroed: the feed's backoff (with jitter) is the one policy.
    options: { fetchCurrencies: false, ws: { backoff: { base: 0 } }, ...(v.options ?? {}) },
  });
  if (applyUrlOverrides(ex.urls.api, v.urls ?? {})) ex.httpAgent = new http.Agent({ keepAlive: true });
  return ex;
}
