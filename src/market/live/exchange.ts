/** Builds the ccxt.pro exchange for a venue: rate limiter off (liqguard owns rate budgets),
 * no currency fetch, URL overrides by dotted path, an http.Agent for plain ws:// (ccxt refuses
 * ws:// without one), credentials from config or env. */
import http from 'node:http';
import ccxt from 'ccxt';
import { LiqguardError } from '../../core/errors.js';
import type { CcxtExchangeLike, LiveVenueConfig } from './types.js';

/** Every URL ccxt's binanceusdm uses, pointed at a local Binance USD-M-compatible server. */
export function localBinanceUrls(httpUrl: string, wsUrl: string): Record<string, string> {
  const h = httpUrl.replace(/\/$/, '');
  return {
    fapiPublic: `${h}/fapi/v1`,
    fapiPublicV2: `${h}/fapi/v2`,
    fapiPublicV3: `${h}/fapi/v3`,
    fapiPrivate: `${h}/fapi/v1`,
    fapiPrivateV2: `${h}/fapi/v2`,
    fapiPrivateV3: `${h}/fapi/v3`,
    fapiData: `${h}/futures/data`,
    'ws.future': `${wsUrl.replace(/\/$/, '')}/ws`,
  };
}

export function createCcxtExchange(v: LiveVenueConfig, env: NodeJS.ProcessEnv = process.env): CcxtExchangeLike {
  const Ctor = (ccxt.pro as unknown as Record<string, unknown>)[v.exchangeId];
  if (typeof Ctor !== 'function') {
    throw new LiqguardError('CONFIG_INVALID', `venue "${v.id}": "${v.exchangeId}" is not a ccxt.pro exchange id; use one of ccxt.pro.exchanges such as binanceusdm`, [
      { path: `venues.${v.id}.exchangeId`, message: 'not a ccxt.pro exchange id' },
    ]);
  }
  const apiKey = v.apiKey ?? (v.apiKeyEnv ? env[v.apiKeyEnv] : undefined);
  const secret = v.secret ?? (v.secretEnv ? env[v.secretEnv] : undefined);
  const ex = new (Ctor as new (cfg: object) => CcxtExchangeLike & { urls: { api: Record<string, unknown> }; httpAgent?: unknown })({
    enableRateLimit: false,
    ...(apiKey ? { apiKey } : {}),
    ...(secret ? { secret } : {}),
    // ccxt's own ws re-dial backoff is zeroed: the feed's backoff (with jitter) is the one policy.
    options: { fetchCurrencies: false, ws: { backoff: { base: 0 } }, ...(v.options ?? {}) },
  });
  let plainWs = false;
  for (const [path, url] of Object.entries(v.urls ?? {})) {
    setPath(ex.urls.api, path.split('.'), url);
    if (url.startsWith('ws://')) plainWs = true;
  }
  if (plainWs) ex.httpAgent = new http.Agent({ keepAlive: true });
  return ex;
}

function setPath(root: Record<string, unknown>, parts: readonly string[], value: string): void {
  let node = root;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (next === null || typeof next !== 'object') node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
