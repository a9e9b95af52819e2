/** The pure core of a venue's request budget: what the venue says it has counted (usage
 * headers), what we have sent since, 429 backoff and 418 bans. `decide` answers go / wait
 * until / deny for one request at `now`; nothing here keeps time or does I/O. */
import type { DenyCode } from '../../core/deny-codes.js';

export type RequestKind = 'cancel' | 'query' | 'order';

export interface VenueLimits {
  /** Request weight per minute (Binance USD-M: 2400). */
  readonly weightPerMinute: number;
  /** New orders per 10 s and per minute (Binance USD-M: 300, 1200). */
  readonly ordersPer10s: number;
  readonly ordersPerMinute: number;
}

const BINANCE_USDM_LIMITS: VenueLimits = { weightPerMinute: 2400, ordersPer10s: 300, ordersPerMinute: 1200 };

export interface BudgetPolicy {
  readonly limits: VenueLimits;
  /** Fraction of each limit new orders and queries may use (default 0.8). */
  readonly margin: number;
  /** Fraction cancels may use: above `margin`, so cancels get through when orders wait. */
  readonly cancelMargin: number;
  /** Backoff after a 429 without Retry-After: first, doubling up to max. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Ban length when a 418 says neither "banned until" nor Retry-After. */
  readonly defaultBanMs: number;
}

export const DEFAULT_POLICY: BudgetPolicy = {
  limits: BINANCE_USDM_LIMITS,
  margin: 0.8,
  cancelMargin: 0.95,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  defaultBanMs: 120_000,
};

export type BudgetDecision =
  | { readonly action: 'go' }
  | {
      readonly action: 'wait';
      readonly until: number;
      readonly reason: 'weight' | 'orders10s' | 'orders1m' | 'backoff';
    }
  | { readonly action: 'deny'; readonly code: DenyCode; readonly params: Readonly<Record<string, string | number>> };

interface Window {
  start: number;
  used: number;
}

export interface BudgetSnapshot {
  readonly usedWeight: number;
  readonly orders10s: number;
  readonly orders1m: number;
  readonly backoffUntil: number;
  readonly bannedUntil: number;
  readonly consecutive429: number;
}

export class BudgetState {
  private weight: Window = { start: 0, used: 0 };
  private o10: Window = { start: 0, used: 0 };
  private o60: Window = { start: 0, used: 0 };
  private backoffUntil = 0;
  private bannedUntil = 0;
  private consecutive429 = 0;

  constructor(readonly policy: BudgetPolicy = DEFAULT_POLICY) {}

  decide(kind: RequestKind, weight: number, now: number): BudgetDecision {
    this.roll(now);
    if (now < this.bannedUntil && kind !== 'cancel') {
      return {
        action: 'deny',
        code: 'VENUE_BANNED',
        params: { until: this.bannedUntil, retryAfterMs: this.bannedUntil - now },
      };
    }
    if (now < this.backoffUntil) return { action: 'wait', until: this.backoffUntil, reason: 'backoff' };
    const L = this.policy.limits;
    const m = kind === 'cancel' ? this.policy.cancelMargin : this.policy.margin;
    if (this.weight.used + weight > Math.floor(L.weightPerMinute * m))
      return { action: 'wait', until: this.weight.start + 60_000, reason: 'weight' };
    if (kind === 'order') {
      if (this.o10.used + 1 > Math.floor(L.ordersPer10s * m))
        return { action: 'wait', until: this.o10.start + 10_000, reason: 'orders10s' };
      if (this.o60.used + 1 > Math.floor(L.ordersPerMinute * m))
        return { action: 'wait', until: this.o60.start + 60_000, reason: 'orders1m' };
    }
    return { action: 'go' };
  }

  /** Count a request we are about to send (before the venue's headers come back). */
  commit(kind: RequestKind, weight: number, now: number): void {
    this.roll(now);
    this.weight.used += weight;
    if (kind === 'order') {
      this.o10.used++;
      this.o60.used++;
    }
  }

  /** Usage headers of a response (names case-insensitive). The venue's count wins when it is
   * higher: other processes on the same IP / account spend the same budget. */
  observeHeaders(headers: Readonly<Record<string, unknown>>, now: number): void {
    this.roll(now);
    const h = lower(headers);
    const w = num(h['x-mbx-used-weight-1m']);
    if (w !== undefined) this.weight.used = Math.max(this.weight.used, w);
    const c10 = num(h['x-mbx-order-count-10s']);
    if (c10 !== undefined) this.o10.used = Math.max(this.o10.used, c10);
    const c60 = num(h['x-mbx-order-count-1m']);
    if (c60 !== undefined) this.o60.used = Math.max(this.o60.used, c60);
  }

  /** A successful answer ends a run of 429s. */
  observeSuccess(): void {
    this.consecutive429 = 0;
  }

  /** HTTP 429: back off for Retry-After, or exponentially without it. Returns the end. */
  observe429(now: number, retryAfterSec?: number): number {
    this.consecutive429++;
    const ms =
      retryAfterSec !== undefined && retryAfterSec >= 0
        ? retryAfterSec * 1000
        : Math.min(this.policy.backoffMaxMs, this.policy.backoffBaseMs * 2 ** (this.consecutive429 - 1));
    this.backoffUntil = Math.max(this.backoffUntil, now + ms);
    return this.backoffUntil;
  }

  /** HTTP 418: no new orders until the ban ends ("banned until <ms>" in the body, else
   * Retry-After, else the default). Returns the end. */
  observe418(now: number, opts: { bannedUntil?: number; retryAfterSec?: number } = {}): number {
    const until =
      opts.bannedUntil ??
      (opts.retryAfterSec !== undefined ? now + opts.retryAfterSec * 1000 : now + this.policy.defaultBanMs);
    this.bannedUntil = Math.max(this.bannedUntil, until);
    return this.bannedUntil;
  }

  snapshot(now: number): BudgetSnapshot {
    this.roll(now);
    return {
      usedWeight: this.weight.used,
      orders10s: this.o10.used,
      orders1m: this.o60.used,
      backoffUntil: this.backoffUntil,
      bannedUntil: this.bannedUntil,
      consecutive429: this.consecutive429,
    };
  }

  private roll(now: number): void {
    const m = Math.floor(now / 60_000) * 60_000;
    if (m !== this.weight.start) this.weight = { start: m, used: 0 };
    if (m !== this.o60.start) this.o60 = { start: m, used: 0 };
    const s = Math.floor(now / 10_000) * 10_000;
    if (s !== this.o10.start) this.o10 = { start: s, used: 0 };
  }
}

function lower(h: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function num(v: unknown): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string' && typeof s !== 'number') return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** "…banned until 1700000000000…" in a Binance 418 body. */
export function parseBannedUntil(message: string): number | undefined {
  const m = /banned until (\d{10,16})/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Retry-After header value in seconds (delta-seconds form only, as Binance sends). */
export function parseRetryAfter(headers: Readonly<Record<string, unknown>> | undefined): number | undefined {
  if (!headers) return undefined;
  return num(lower(headers)['retry-after']);
}
