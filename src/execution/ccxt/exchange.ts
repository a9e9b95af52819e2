/** Builds the ccxt REST exchange a CcxtVenue trades through: any ccxt exchange id, ccxt's rate
 * limiter off (the VenueBudget owns rate budgets), no retries, credentials from the venue config
 * (already env-resolved by the config loader), URL overrides by dotted path, and every response's
 * headers fed to the budget. For binanceusdm on a non-Binance host, error codes are looked up in
 * ccxt's linear (USD-M) table, as they would be on fapi.binance.com. */
import { applyUrlOverrides } from '../../core/ccxt-urls.js';
import ccxt from 'ccxt';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { WatchOrdersExchange } from './order-stream.js';
import { LiqguardError } from '../../core/errors.js';
import type { VenueBudget } from '../budget/index.js';
import { parseRetryAfter } from '../budget/index.js';

/** The ccxt surface the adapter uses (typed loosely: ccxt's own types are wide). */
export interface CcxtExchange {
  readonly id: string;
  readonly precisionMode: number;
  readonly has: Readonly<Record<string, unknown>>;
  markets?: Record<string, unknown>;
  options: Record<string, unknown>;
  timeout: number;
  loadMarkets(reload?: boolean): Promise<Record<string, unknown>>;
  createOrder(
    symbol: string,
    type: string,
    side: string,
    amount: number,
    price?: number,
    params?: Record<string, unknown>,
  ): Promise<unknown>;
  cancelOrder(id: string | undefined, symbol: string, params?: Record<string, unknown>): Promise<unknown>;
  /** Binance: PUT /fapi/v1/order (in-place amend; the order keeps its ids). */
  editOrder?(
    id: string | undefined,
    symbol: string,
    type: string,
    side: string,
    amount?: number,
    price?: number,
    params?: Record<string, unknown>,
  ): Promise<unknown>;
  fetchOrder(id: string | undefined, symbol: string, params?: Record<string, unknown>): Promise<unknown>;
  fetchOpenOrders(
    symbol?: string,
    since?: number,
    limit?: number,
    params?: Record<string, unknown>,
  ): Promise<unknown[]>;
  fetchBalance(params?: Record<string, unknown>): Promise<unknown>;
  fetchPositions(symbols?: string[], params?: Record<string, unknown>): Promise<unknown[]>;
  fetchLeverageTiers(symbols?: string[], params?: Record<string, unknown>): Promise<Record<string, unknown[]>>;
  setLeverage(leverage: number, symbol: string, params?: Record<string, unknown>): Promise<unknown>;
  close?(): Promise<void>;
}

export interface ExchangeSettings {
  readonly exchangeId: string;
  readonly apiKey?: string;
  readonly secret?: string;
  readonly urls?: Readonly<Record<string, string>>;
  readonly sandbox?: boolean;
  readonly timeoutMs: number;
  readonly recvWindowMs: number;
  readonly options?: Readonly<Record<string, unknown>>;
}

export function buildCcxtExchange(s: ExchangeSettings, budget: VenueBudget): CcxtExchange {
  const Ctor = (ccxt as unknown as Record<string, unknown>)[s.exchangeId];
  if (typeof Ctor !== 'function' || !(ccxt.exchanges as string[]).includes(s.exchangeId)) {
    throw new LiqguardError(
      'CONFIG_INVALID',
      `venue exchangeId "${s.exchangeId}" is not a ccxt exchange id; use one of ccxt.exchanges such as binanceusdm`,
      [{ path: 'venues.exchangeId', message: 'not a ccxt exchange id' }],
    );
  }
  const ex = new (
    Ctor as new (cfg: object) => CcxtExchange & {
      urls: { api: Record<string, unknown> };
      exceptions: Record<string, unknown>;
      setSandboxMode(on: boolean): void;
    }
  )({
    enableRateLimit: false,
    timeout: s.timeoutMs,
    ...(s.apiKey ? { apiKey: s.apiKey } : {}),
    ...(s.secret ? { secret: s.secret } : {}),
    options: {
      fetchCurrencies: false,
      recvWindow: s.recvWindowMs,
      warnOnFetchOpenOrdersWithoutSymbol: false,
      ...(s.options ?? {}),
    },
  });
  if (s.sandbox) ex.setSandboxMode(true);
  // REST adapter: the ws.* overrides belong to the live feed.
  applyUrlOverrides(
    ex.urls.api,
    Object.fromEntries(Object.entries(s.urls ?? {}).filter(([path]) => !path.startsWith('ws.'))),
  );
  const patched = ex as unknown as Record<string, unknown>;
  if (s.exchangeId === 'binanceusdm' && s.urls && Object.keys(s.urls).length > 0) {
    const linear = (ex.exceptions as { linear?: Record<string, unknown> }).linear ?? {};
    patched.getExceptionsByUrl = (_url: string, exactOrBroad: string) =>
      (linear[exactOrBroad] as Record<string, unknown> | undefined) ?? {};
  }
  patched.hmac = nativeHmac(patched.hmac as CcxtHmac);
  // Every response (also the 429/418 ones ccxt turns into exceptions) passes here first.
  const getHeaders = (patched.getResponseHeaders as (r: unknown) => Record<string, unknown>).bind(ex);
  patched.getResponseHeaders = (response: { status?: number; statusCode?: number }) => {
    const h = getHeaders(response);
    const status = response.status ?? response.statusCode ?? 0;
    const retryAfterSec = parseRetryAfter(h);
    budget.observeResponse(status, h, retryAfterSec !== undefined ? { retryAfterSec } : {});
    return h;
  };
  return ex;
}

/** The ccxt.pro instance of the same exchange for the user-data stream (watchOrders), or
 * undefined when ccxt.pro has none for this exchange or there are no credentials. All URL
 * overrides apply here, ws.* included; a plain ws:// URL needs an http.Agent. */
export function buildCcxtProExchange(s: ExchangeSettings): WatchOrdersExchange | undefined {
  const Pro = ((ccxt as unknown as { pro?: Record<string, unknown> }).pro ?? {})[s.exchangeId];
  if (typeof Pro !== 'function' || !s.apiKey || !s.secret) return undefined;
  const ex = new (
    Pro as new (cfg: object) => WatchOrdersExchange & {
      has: Record<string, unknown>;
      urls: { api: Record<string, unknown> };
      httpAgent?: unknown;
      setSandboxMode(on: boolean): void;
    }
  )({
    enableRateLimit: false,
    timeout: s.timeoutMs,
    apiKey: s.apiKey,
    secret: s.secret,
    options: { fetchCurrencies: false, recvWindow: s.recvWindowMs, ...(s.options ?? {}) },
  });
  if (!ex.has.watchOrders) return undefined;
  if (s.sandbox) ex.setSandboxMode(true);
  if (applyUrlOverrides(ex.urls.api, s.urls ?? {})) ex.httpAgent = new http.Agent({ keepAlive: true });
  return ex;
}

type CcxtHmac = (
  request: string | Uint8Array,
  secret: string | Uint8Array,
  hash: (b: Uint8Array) => Uint8Array,
  digest?: string,
) => unknown;

const SHA256_OF_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const isSha256 = new WeakMap<object, boolean>();

/** ccxt signs every private request with a pure-JS HMAC (about 20 µs at 500 orders/s, a quarter
 * of ccxt's own per-order cost); node:crypto computes the same bytes in a few µs. Only
 * HMAC-SHA256 with a hex or base64 digest is taken over (the hash function is recognised by its
 * output, so any ccxt build qualifies); everything else stays with ccxt. */
export function nativeHmac(original: CcxtHmac): CcxtHmac {
  return (request, secret, hash, digest = 'hex') => {
    let sha256 = isSha256.get(hash);
    if (sha256 === undefined) {
      sha256 = Buffer.from(hash(new Uint8Array(0))).toString('hex') === SHA256_OF_EMPTY;
      isSha256.set(hash, sha256);
    }
    if (!sha256 || (digest !== 'hex' && digest !== 'base64')) return original(request, secret, hash, digest);
    return createHmac('sha256', typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret)
      .update(typeof request === 'string' ? Buffer.from(request, 'utf8') : request)
      .digest(digest);
  };
}
