/** VenueBudget: one per venue, shared by every client of the gateway. Requests acquire a slot
 * before they are sent; a priority queue lets cancels go before queries and queries before new
 * orders; waits are bounded (a request that would wait longer is denied VENUE_RATE_LIMITED);
 * during a 418 ban new orders and queries are denied VENUE_BANNED with `until=`, cancels are
 * still attempted. The decisions come from BudgetState; this class adds the queue, the timer
 * and the metrics. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../core/clock.js';
import type { DenyCode } from '../../core/deny-codes.js';
import {
  BudgetState,
  DEFAULT_POLICY,
  type BudgetPolicy,
  type BudgetSnapshot,
  type RequestKind,
  type VenueLimits,
} from './budget-state.js';

export interface VenueBudgetOptions {
  readonly venue: string;
  readonly clock: Clock;
  readonly limits?: Partial<VenueLimits>;
  readonly margin?: number;
  readonly cancelMargin?: number;
  /** Longest a request may queue, per kind (ms). Default: order 2000, query 5000, cancel 10000. */
  readonly maxWaitMs?: Partial<Record<RequestKind, number>>;
  readonly registry?: Registry;
  /** Timer (injectable for tests); default setTimeout. */
  readonly setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export type Acquired =
  | { readonly ok: true; readonly waitedMs: number }
  | { readonly ok: false; readonly code: DenyCode; readonly params: Readonly<Record<string, string | number>> };

interface Pending {
  readonly kind: RequestKind;
  readonly weight: number;
  readonly seq: number;
  readonly enqueuedAt: number;
  readonly resolve: (a: Acquired) => void;
}

const PRIORITY: Readonly<Record<RequestKind, number>> = { cancel: 0, query: 1, order: 2 };

export class VenueBudget {
  readonly state: BudgetState;
  private readonly queue: Pending[] = [];
  private seq = 0;
  private timer: { cancel(): void; at: number } | undefined;
  private readonly maxWait: Record<RequestKind, number>;
  private readonly metrics: BudgetMetrics | undefined;
  private closed = false;
  private readonly banListeners = new Set<(until: number) => void>();
  private banNotified = 0;

  constructor(private readonly o: VenueBudgetOptions) {
    const policy: BudgetPolicy = {
      ...DEFAULT_POLICY,
      limits: { ...DEFAULT_POLICY.limits, ...(o.limits ?? {}) },
      ...(o.margin !== undefined ? { margin: o.margin } : {}),
      ...(o.cancelMargin !== undefined ? { cancelMargin: o.cancelMargin } : {}),
    };
    this.state = new BudgetState(policy);
    this.maxWait = { order: 2000, query: 5000, cancel: 10_000, ...(o.maxWaitMs ?? {}) };
    this.metrics = o.registry ? budgetMetrics(o.registry) : undefined;
  }

  /** Wait for room to send one request of `kind` costing `weight`. */
  acquire(kind: RequestKind, weight = 1): Promise<Acquired> {
    const now = this.o.clock.now();
    if (this.closed)
      return Promise.resolve(
        this.count(kind, { ok: false, code: 'VENUE_UNAVAILABLE', params: { venue: this.o.venue, reason: 'closed' } }),
      );
    // Fast path: nothing queued ahead and room now.
    if (this.queue.length === 0) {
      const d = this.state.decide(kind, weight, now);
      if (d.action === 'go') {
        this.state.commit(kind, weight, now);
        return Promise.resolve(this.count(kind, { ok: true, waitedMs: 0 }));
      }
      if (d.action === 'deny')
        return Promise.resolve(
          this.count(kind, { ok: false, code: d.code, params: { venue: this.o.venue, ...d.params } }),
        );
      if (d.until - now > this.maxWait[kind])
        return Promise.resolve(this.count(kind, this.rateLimited(d.until - now, d.reason)));
    }
    return new Promise((resolve) => {
      const p: Pending = { kind, weight, seq: this.seq++, enqueuedAt: now, resolve };
      let i = this.queue.findIndex((q) => PRIORITY[q.kind] > PRIORITY[kind]);
      if (i < 0) i = this.queue.length;
      this.queue.splice(i, 0, p);
      this.metrics?.queue.set({ venue: this.o.venue }, this.queue.length);
      this.pump();
    });
  }

  /** Feed every venue response: usage headers, and the status for 429/418 bookkeeping. */
  observeResponse(
    status: number,
    headers: Readonly<Record<string, unknown>>,
    info: { retryAfterSec?: number; bannedUntil?: number } = {},
  ): void {
    const now = this.o.clock.now();
    this.state.observeHeaders(headers, now);
    if (status === 429) {
      this.state.observe429(now, info.retryAfterSec);
      this.metrics?.limits.inc({ venue: this.o.venue, status: '429' });
    } else if (status === 418) {
      this.state.observe418(now, {
        ...(info.bannedUntil !== undefined ? { bannedUntil: info.bannedUntil } : {}),
        ...(info.retryAfterSec !== undefined ? { retryAfterSec: info.retryAfterSec } : {}),
      });
      this.metrics?.limits.inc({ venue: this.o.venue, status: '418' });
      this.notifyBan(now);
    } else if (status < 400) {
      this.state.observeSuccess();
    }
    this.publish(now);
    if (this.queue.length) this.pump();
  }

  /** A ban end read from a 418 body ("banned until <ms>"), after observeResponse saw the status. */
  noteBanUntil(until: number): void {
    this.state.observe418(this.o.clock.now(), { bannedUntil: until });
    this.publish(this.o.clock.now());
    this.notifyBan(this.o.clock.now());
  }

  /** Called with the ban's end when a 418 starts or extends a ban (the gateway raises an alert). */
  onBan(listener: (until: number) => void): () => void {
    this.banListeners.add(listener);
    return () => this.banListeners.delete(listener);
  }

  private notifyBan(now: number): void {
    const until = this.state.snapshot(now).bannedUntil;
    if (until <= this.banNotified) return;
    this.banNotified = until;
    for (const l of this.banListeners) {
      try {
        l(until);
      } catch {
        /* a listener never breaks the budget */
      }
    }
  }

  snapshot(): BudgetSnapshot {
    return this.state.snapshot(this.o.clock.now());
  }

  /** Deny everything still queued; later acquires are denied. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    for (const p of this.queue.splice(0))
      p.resolve({ ok: false, code: 'VENUE_UNAVAILABLE', params: { venue: this.o.venue, reason: 'closed' } });
  }

  private pump(): void {
    const now = this.o.clock.now();
    while (this.queue.length) {
      const head = this.queue[0]!;
      const d = this.state.decide(head.kind, head.weight, now);
      if (d.action === 'wait') {
        // A queued request whose deadline falls before the slot opens is denied, not held.
        const deadline = head.enqueuedAt + this.maxWait[head.kind];
        if (d.until > deadline) {
          this.queue.shift();
          head.resolve(this.count(head.kind, this.rateLimited(d.until - now, d.reason)));
          continue;
        }
        this.arm(d.until);
        break;
      }
      this.queue.shift();
      if (d.action === 'deny') {
        head.resolve(this.count(head.kind, { ok: false, code: d.code, params: { venue: this.o.venue, ...d.params } }));
        continue;
      }
      this.state.commit(head.kind, head.weight, now);
      head.resolve(this.count(head.kind, { ok: true, waitedMs: now - head.enqueuedAt }));
    }
    this.metrics?.queue.set({ venue: this.o.venue }, this.queue.length);
  }

  private arm(at: number): void {
    if (this.timer && this.timer.at <= at) return;
    this.timer?.cancel();
    const ms = Math.max(0, at - this.o.clock.now());
    const set = this.o.setTimer ?? defaultTimer;
    const t = set(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
    this.timer = { cancel: () => t.cancel(), at };
  }

  private rateLimited(waitMs: number, reason: string): Acquired {
    return {
      ok: false,
      code: 'VENUE_RATE_LIMITED',
      params: { venue: this.o.venue, reason, retryAfterMs: Math.max(0, Math.ceil(waitMs)) },
    };
  }

  private count(kind: RequestKind, a: Acquired): Acquired {
    this.metrics?.requests.inc({
      venue: this.o.venue,
      kind,
      outcome: a.ok ? (a.waitedMs > 0 ? 'waited' : 'sent') : a.code,
    });
    return a;
  }

  private publish(now: number): void {
    if (!this.metrics) return;
    const s = this.state.snapshot(now);
    const v = this.o.venue;
    this.metrics.weight.set({ venue: v }, s.usedWeight);
    this.metrics.orders.set({ venue: v, window: '10s' }, s.orders10s);
    this.metrics.orders.set({ venue: v, window: '1m' }, s.orders1m);
    this.metrics.banned.set({ venue: v }, now < s.bannedUntil ? 1 : 0);
  }
}

function defaultTimer(fn: () => void, ms: number): { cancel(): void } {
  const t = setTimeout(fn, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
}

interface BudgetMetrics {
  readonly weight: Gauge<'venue'>;
  readonly orders: Gauge<'venue' | 'window'>;
  readonly banned: Gauge<'venue'>;
  readonly queue: Gauge<'venue'>;
  readonly requests: Counter<'venue' | 'kind' | 'outcome'>;
  readonly limits: Counter<'venue' | 'status'>;
}

/** Registered once per registry; every venue's budget shares them by label. */
function budgetMetrics(registry: Registry): BudgetMetrics {
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> =>
    (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]): Counter<L> =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    weight: gauge('liqguard_venue_used_weight', 'Request weight used in the current minute, as the venue reports it', [
      'venue',
    ]),
    orders: gauge('liqguard_venue_order_count', 'New orders counted by the venue in the window', ['venue', 'window']),
    banned: gauge('liqguard_venue_banned', '1 while the venue bans us (HTTP 418)', ['venue']),
    queue: gauge('liqguard_venue_budget_queue', 'Requests waiting for venue budget', ['venue']),
    requests: counter(
      'liqguard_venue_budget_requests_total',
      'Venue requests by kind and budget outcome (sent, waited, or the deny code)',
      ['venue', 'kind', 'outcome'],
    ),
    limits: counter('liqguard_venue_rate_limit_responses_total', 'HTTP 429 / 418 answers from the venue', [
      'venue',
      'status',
    ]),
  };
}
