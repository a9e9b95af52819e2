/** Per-key HTTP request rate limit: a token bucket per presented API key, checked in onRequest
 * before body parsing, so overload degrades into cheap 429 TOO_MANY_REQUESTS refusals instead
 * of second-long queues. Keys are the raw presented strings (no hashing on the hot path); the
 * bucket map is bounded, so a flood of random keys costs memory only up to MAX_KEYS. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LiqguardError } from '../core/errors.js';

export interface RateLimitConfig {
  /** Sustained requests per second per key; 0 turns the limit off. */
  readonly perSecond: number;
  /** Bucket size: requests a key may send at once after being idle. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  at: number; // ms, when tokens was last refilled
}

const MAX_KEYS = 10_000;

/** Pure token-bucket state with an injected clock (ms). */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly cfg: RateLimitConfig,
    private readonly now: () => number,
  ) {}

  /** true = allowed (one token taken); false = over the limit. */
  take(key: string): boolean {
    if (this.cfg.perSecond <= 0) return true;
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_KEYS) this.evictIdle(t);
      b = { tokens: this.cfg.burst, at: t };
      this.buckets.set(key, b);
    } else if (t > b.at) {
      b.tokens = Math.min(this.cfg.burst, b.tokens + ((t - b.at) * this.cfg.perSecond) / 1000);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drop buckets that would be full again (idle keys); if none is, drop them all. */
  private evictIdle(t: number): void {
    const fullAfterMs = (this.cfg.burst * 1000) / this.cfg.perSecond;
    for (const [k, b] of this.buckets) if (t - b.at >= fullAfterMs) this.buckets.delete(k);
    if (this.buckets.size >= MAX_KEYS) this.buckets.clear();
  }
}

/** The key a request presents: `x-api-key`, `Authorization: Bearer`, or Binance's `X-MBX-APIKEY`.
 * Requests without a key are not counted (public routes, or refused by auth anyway). */
function presentedKey(req: FastifyRequest): string | undefined {
  const h = req.headers;
  const k = h['x-api-key'] ?? h['x-mbx-apikey'];
  if (typeof k === 'string' && k) return k;
  const a = h.authorization;
  if (typeof a === 'string' && a.length > 7 && a.slice(0, 7).toLowerCase() === 'bearer ') return a.slice(7).trim();
  // A browser's WebSocket upgrade carries its key as ?key= (ApiKeyAuth.keyOf accepts it there too).
  if (typeof h.upgrade === 'string' && h.upgrade.toLowerCase() === 'websocket') {
    const q = (req.query as { key?: unknown } | undefined)?.key;
    if (typeof q === 'string' && q) return q;
  }
  return undefined;
}

export function installRateLimit(
  app: FastifyInstance,
  cfg: RateLimitConfig,
  now: () => number = () => performance.now(),
): KeyRateLimiter {
  const limiter = new KeyRateLimiter(cfg, now);
  if (cfg.perSecond > 0) {
    app.addHook('onRequest', async (req) => {
      const key = presentedKey(req);
      if (key !== undefined && !limiter.take(key)) {
        const msg = `more than ${cfg.perSecond} requests/s (burst ${cfg.burst}) for this API key`;
        throw new LiqguardError('TOO_MANY_REQUESTS', msg);
      }
    });
  }
  return limiter;
}
