/** SIGNED and USER_STREAM request checks for the private routes, over signed.ts. API keys map
 * to simulated-exchange accounts. The HMAC window runs on the wall clock (clients sign with
 * their own clock), independent of the replay clock that drives the exchange. */
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { signedErrors, verifySignedRequest } from '../../binance-wire/signed.js';

export interface ApiKeyConfig {
  readonly apiKey: string;
  readonly secret: string;
  /** Simulated-exchange account traded with this key; default: the key itself. */
  readonly account?: string;
}

export interface Authed {
  readonly apiKey: string;
  readonly account: string;
  readonly params: Record<string, string>;
}

export class KeyStore {
  private readonly keys = new Map<string, ApiKeyConfig>();
  constructor(keys: readonly ApiKeyConfig[]) {
    for (const k of keys) this.keys.set(k.apiKey, k);
  }
  add(k: ApiKeyConfig): void {
    this.keys.set(k.apiKey, k);
  }
  secretFor(apiKey: string): string | undefined {
    return this.keys.get(apiKey)?.secret;
  }
  accountOf(apiKey: string): string {
    const k = this.keys.get(apiKey);
    return k?.account ?? apiKey;
  }
  has(apiKey: string): boolean {
    return this.keys.has(apiKey);
  }
}

function rawQuery(req: FastifyRequest): string {
  const i = req.url.indexOf('?');
  return i < 0 ? '' : req.url.slice(i + 1);
}

const header = (req: FastifyRequest): string | undefined => {
  const h = req.headers['x-mbx-apikey'];
  return Array.isArray(h) ? h[0] : h;
};

/** A SIGNED endpoint: HMAC over query + body, timestamp within recvWindow. */
export function authenticate(req: FastifyRequest, keys: KeyStore, wall: Clock): Authed {
  const body = typeof req.body === 'string' ? req.body : '';
  const r = verifySignedRequest({
    method: req.method,
    queryString: rawQuery(req),
    body,
    apiKeyHeader: header(req),
    now: wall.now(),
    secretFor: (k) => keys.secretFor(k),
  });
  if (!r.ok) throw new BinanceApiError(r.httpStatus, r.code, r.msg);
  return { apiKey: r.apiKey, account: keys.accountOf(r.apiKey), params: r.params };
}

/** A USER_STREAM endpoint (listenKey): API key only, no signature. */
export function apiKeyOnly(req: FastifyRequest, keys: KeyStore): { apiKey: string; account: string } {
  const k = header(req)?.trim();
  if (!k) throw toError(signedErrors.apiKeyFormat());
  if (!keys.has(k)) throw toError(signedErrors.invalidKey());
  return { apiKey: k, account: keys.accountOf(k) };
}

function toError(r: ReturnType<typeof signedErrors.invalidKey>): BinanceApiError {
  return r.ok ? new BinanceApiError(500, -1000, 'unexpected') : new BinanceApiError(r.httpStatus, r.code, r.msg);
}
