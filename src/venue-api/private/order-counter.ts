/** New-order counts per account in 10 s and 1 min windows (X-MBX-ORDER-COUNT-10S / -1M), as
 * Binance USD-M reports them; over a limit answers 429 / -1015. */
import { BinanceApiError } from '../../binance-wire/errors.js';

export interface OrderLimits {
  readonly per10s: number;
  readonly perMinute: number;
}

/** Binance USD-M defaults (exchangeInfo rateLimits ORDERS). */
export const DEFAULT_ORDER_LIMITS: OrderLimits = { per10s: 300, perMinute: 1200 };

export class OrderCounter {
  private readonly w10 = new Map<string, { start: number; n: number }>();
  private readonly w60 = new Map<string, { start: number; n: number }>();

  constructor(
    private readonly now: () => number,
    readonly limits: OrderLimits = DEFAULT_ORDER_LIMITS,
  ) {}

  /** Count one new order; returns both counts, or throws 429 / -1015 over a limit. */
  add(account: string): { c10: number; c60: number } {
    const t = this.now();
    const c10 = bump(this.w10, account, Math.floor(t / 10_000) * 10_000);
    const c60 = bump(this.w60, account, Math.floor(t / 60_000) * 60_000);
    return { c10, c60 };
  }

  check(c: { c10: number; c60: number }): void {
    if (c.c10 > this.limits.per10s) throw tooMany(this.limits.per10s, '10 SECOND');
    if (c.c60 > this.limits.perMinute) throw tooMany(this.limits.perMinute, '1 MINUTE');
  }
}

function bump(m: Map<string, { start: number; n: number }>, k: string, start: number): number {
  const w = m.get(k);
  if (!w || w.start !== start) {
    m.set(k, { start, n: 1 });
    return 1;
  }
  return ++w.n;
}

const tooMany = (limit: number, window: string) =>
  new BinanceApiError(429, -1015, `Too many new orders; current limit is ${limit} orders per ${window}.`);
