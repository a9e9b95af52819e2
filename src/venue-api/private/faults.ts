/** Venue-side faults for `liqguard venue` drills and the fault tests of the ccxt adapter:
 * latency, 5xx for N requests, 429 (Retry-After) then a 418 ban, an order accepted and then
 * answered with a timeout or a dropped connection, and the venue down (connection refused).
 * State only; the hooks in fault-hooks.ts apply it. Time is the wall clock (bans end in real
 * time, as clients experience them). */
export type Fault =
  /** Delay matching requests by `ms` before they are handled. */
  | { readonly kind: 'latency'; readonly ms: number; readonly path?: string; readonly times?: number }
  /** Answer the next `times` matching requests with `status` (5xx) and a Binance error body. */
  | {
      readonly kind: 'error';
      readonly status: number;
      readonly path?: string;
      readonly method?: string;
      readonly times?: number;
      readonly code?: number;
      readonly msg?: string;
    }
  /** The next `count429` matching requests get 429 / -1003 with Retry-After; then, when
   * `banMs` is set, the next one starts a ban: every request gets 418 until it ends. */
  | {
      readonly kind: 'rateLimit';
      readonly path?: string;
      readonly count429?: number;
      readonly retryAfterSec?: number;
      readonly banMs?: number;
    }
  /** The next `times` order placements are executed, then the client gets no answer: 'hang'
   * holds the response for `holdMs` (default 30 s) then drops the socket; 'drop' drops at once. */
  | {
      readonly kind: 'acceptThenTimeout';
      readonly mode?: 'hang' | 'drop';
      readonly holdMs?: number;
      readonly times?: number;
    }
  /** Refuse connections (the listening socket is closed) for `ms`, or until cleared. */
  | { readonly kind: 'down'; readonly ms?: number };

export interface FaultCounts {
  delayed: number;
  errors: number;
  rateLimited: number;
  banned: number;
  acceptedThenTimedOut: number;
}

interface Armed<T> {
  readonly fault: T;
  left: number;
}

type F<K extends Fault['kind']> = Extract<Fault, { kind: K }>;

export class PrivateFaults {
  private latency: Armed<F<'latency'>>[] = [];
  private errors: Armed<F<'error'>>[] = [];
  private rate: (Armed<F<'rateLimit'>> & { banUntil?: number }) | undefined;
  private accept: Armed<F<'acceptThenTimeout'>>[] = [];
  /** Set by the hooks: how to take the venue down / bring it back. */
  onDown: ((ms: number | undefined) => void) | undefined;
  onUp: (() => void) | undefined;
  readonly counts: FaultCounts = { delayed: 0, errors: 0, rateLimited: 0, banned: 0, acceptedThenTimedOut: 0 };

  constructor(private readonly now: () => number) {}

  inject(f: Fault): void {
    switch (f.kind) {
      case 'latency':
        this.latency.push({ fault: f, left: f.times ?? Number.POSITIVE_INFINITY });
        return;
      case 'error':
        this.errors.push({ fault: f, left: f.times ?? 1 });
        return;
      case 'rateLimit':
        this.rate = { fault: f, left: f.count429 ?? 1 };
        return;
      case 'acceptThenTimeout':
        this.accept.push({ fault: f, left: f.times ?? 1 });
        return;
      case 'down':
        this.onDown?.(f.ms);
        return;
    }
  }

  clear(): void {
    this.latency = [];
    this.errors = [];
    this.rate = undefined;
    this.accept = [];
    this.onUp?.();
  }

  /** Delay for a request to `path` (ms, 0 for none). */
  delayFor(path: string): number {
    const a = take(this.latency, path);
    if (!a) return 0;
    this.counts.delayed++;
    return a.fault.ms;
  }

  errorFor(path: string, method: string): F<'error'> | undefined {
    const a = take(this.errors, path, method);
    if (!a) return undefined;
    this.counts.errors++;
    return a.fault;
  }

  /** 429 with Retry-After seconds, 418 with the ban's end, or nothing. */
  rateLimitFor(path: string): { status: 429; retryAfterSec: number } | { status: 418; until: number } | undefined {
    const r = this.rate;
    if (!r || (r.fault.path !== undefined && r.fault.path !== path)) return undefined;
    const now = this.now();
    if (r.banUntil !== undefined) {
      if (now < r.banUntil) {
        this.counts.banned++;
        return { status: 418, until: r.banUntil };
      }
      this.rate = undefined; // the ban is over
      return undefined;
    }
    if (r.left > 0) {
      r.left--;
      this.counts.rateLimited++;
      return { status: 429, retryAfterSec: r.fault.retryAfterSec ?? 1 };
    }
    if (r.fault.banMs === undefined) {
      this.rate = undefined;
      return undefined;
    }
    r.banUntil = now + r.fault.banMs;
    this.counts.banned++;
    return { status: 418, until: r.banUntil };
  }

  /** Called after an order was placed: whether to withhold the answer, and how. */
  takeAcceptThenTimeout(): F<'acceptThenTimeout'> | undefined {
    const a = take(this.accept, '/fapi/v1/order');
    if (!a) return undefined;
    this.counts.acceptedThenTimedOut++;
    return a.fault;
  }
}

function take<T extends Fault>(list: Armed<T>[], path: string, method?: string): Armed<T> | undefined {
  const i = list.findIndex((a) => {
    const f = a.fault as { path?: string; method?: string };
    return (
      (f.path === undefined || f.path === path) &&
      (f.method === undefined || method === undefined || f.method.toUpperCase() === method)
    );
  });
  if (i < 0) return undefined;
  const a = list[i]!;
  if (--a.left <= 0) list.splice(i, 1);
  return a;
}

/** Validates a fault from the control endpoint; returns an error message or the fault. */
export function parseFault(x: unknown): Fault | string {
  if (x === null || typeof x !== 'object') return 'body must be a JSON object with a "kind"';
  const o = x as Record<string, unknown>;
  const num = (k: string, min = 0): string | undefined =>
    o[k] === undefined || (typeof o[k] === 'number' && Number.isFinite(o[k]) && (o[k] as number) >= min)
      ? undefined
      : `"${k}" must be a number >= ${min}`;
  const str = (k: string): string | undefined =>
    o[k] === undefined || typeof o[k] === 'string' ? undefined : `"${k}" must be a string`;
  const check = (...errs: (string | undefined)[]): string | undefined => errs.find((e) => e !== undefined);
  switch (o.kind) {
    case 'latency':
      return (
        check(o.ms === undefined ? '"ms" is required' : undefined, num('ms'), str('path'), num('times', 1)) ??
        (o as F<'latency'>)
      );
    case 'error':
      return (
        check(
          typeof o.status === 'number' && o.status >= 500 && o.status <= 599 ? undefined : '"status" must be 500..599',
          str('path'),
          str('method'),
          num('times', 1),
          str('msg'),
        ) ?? (o as F<'error'>)
      );
    case 'rateLimit':
      return check(str('path'), num('count429'), num('retryAfterSec'), num('banMs', 1)) ?? (o as F<'rateLimit'>);
    case 'acceptThenTimeout':
      return (
        check(
          o.mode === undefined || o.mode === 'hang' || o.mode === 'drop'
            ? undefined
            : '"mode" must be "hang" or "drop"',
          num('holdMs'),
          num('times', 1),
        ) ?? (o as F<'acceptThenTimeout'>)
      );
    case 'down':
      return check(num('ms', 1)) ?? (o as F<'down'>);
    default:
      return '"kind" must be one of latency, error, rateLimit, acceptThenTimeout, down';
  }
}
