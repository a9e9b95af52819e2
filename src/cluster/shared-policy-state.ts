/** The policy state of a replica in cluster mode. It IS an InMemoryPolicyState (same record*
 * API, so wiring.ts and makeExposureFn take it unchanged; price ranges stay local because every
 * replica sees the same market data), and its reads come from the per-order Redis prefetch:
 *
 *   exposure stage   wrapExposure(): prefetch (one atomic script) → the exposure fn sees the
 *                    open notional of every replica
 *   policy stage     bindEvaluator(): CLUSTER_UNAVAILABLE / duplicate clientOrderId / cap
 *                    guards, then the policy reads this order's snapshot (evaluate is sync)
 *   observers        observer releases a denied order's reservation; wiring's openOrder /
 *                    closeOrder adjust and release it as the order is capped, fills or ends
 *
 * Redis down: the order is denied CLUSTER_UNAVAILABLE (audited like any decision), or with
 * allowDegradedLocal the local state answers, counted and logged. */
import type { Clock } from '../core/clock.js';
import { Decimal } from '../core/decimal.js';
import type { PolicyEvaluator } from '../core/stages.js';
import type { MarketSnapshot, OrderIntent } from '../core/types.js';
import type { ExposureFn, OrderEffects } from '../pipeline.js';
import { InMemoryPolicyState, type PolicyStateView } from '../policy/state.js';
import { clusterDenial, GUARD } from './denials.js';
import type { RedisConnection } from './redis-connection.js';
import type { Caps, Prefetch, SharedLimits } from './shared-limits.js';
import { realTimers, type Timers } from '../execution/split/timers.js';

export type Snapshot =
  | { readonly kind: 'ok'; readonly clientId: string; readonly at: number; readonly p: Prefetch }
  | { readonly kind: 'unavailable'; readonly clientId: string; readonly at: number; readonly reason: string }
  | { readonly kind: 'degraded'; readonly clientId: string; readonly at: number };

export interface SharedPolicyStateOptions {
  readonly limits: SharedLimits;
  readonly conn: RedisConnection;
  /** Message-rate windows of the enforcing set (policy-windows.ts windowsOf). */
  readonly windows: () => readonly number[];
  /** Explicit open-notional caps checked inside the script (config cluster.caps). */
  readonly capsFor?: (intent: OrderIntent) => Caps | undefined;
  /** Runs after a successful prefetch, before the decision: trading-state catch-up. */
  readonly beforeDecide?: (p: Prefetch) => Promise<void>;
  readonly retentionMs?: number;
  /** Wall clock for snapshot housekeeping. */
  readonly wall?: Clock;
  /** Keep an order's reservation at its decided size until this long after it ended (default 0:
   * shrink with fills, release at the end). Other replicas read positions from their own account
   * views, which may be up to cluster.accountViewMaxAgeMs old: until then the fill is counted
   * here, so two replicas sharing an account never both miss it (counted twice at worst). */
  readonly endedHoldMs?: number;
  readonly timers?: Timers;
}

const SNAPSHOT_TTL_MS = 60_000;

export class SharedPolicyState extends InMemoryPolicyState {
  private readonly snaps = new Map<string, Snapshot>();
  private current: Snapshot | undefined;
  private ctxNow = 0;
  /** Per client: orders whose message the prefetch already counted in Redis. */
  private readonly uncounted = new Map<string, number>();
  /** Reservation changes Redis did not take (down): latest wanted notional per order. */
  private readonly retry = new Map<string, string>();
  private readonly bound = new WeakMap<PolicyEvaluator, PolicyEvaluator>();
  private readonly wall: Clock;
  private lastSweep = 0;
  private seq = 0;
  /** Orders decided here (first openOrder seen) → the notional Redis holds for them. */
  private readonly decided = new Map<string, string>();

  constructor(private readonly o: SharedPolicyStateOptions) {
    super(o.retentionMs !== undefined ? { retentionMs: o.retentionMs } : {});
    this.wall = o.wall ?? { now: () => Date.now() };
    o.conn.onUp(() => this.flushRetries());
  }

  /** The per-order Redis step; never throws (a failure becomes an unavailable/degraded snapshot). */
  async prefetch(intent: OrderIntent, market: MarketSnapshot): Promise<Snapshot> {
    const at = this.wall.now();
    const px = intent.price ?? refPrice(market);
    const notional = px !== undefined ? new Decimal(intent.quantity).mul(px).toFixed() : undefined;
    let snap: Snapshot;
    try {
      const caps = this.o.capsFor?.(intent);
      const p = await this.o.limits.prefetch({
        intent,
        ...(notional ? { notional } : {}),
        windows: this.o.windows(),
        ...(caps ? { caps } : {}),
      });
      this.uncounted.set(intent.clientId, (this.uncounted.get(intent.clientId) ?? 0) + 1);
      snap = { kind: 'ok', clientId: intent.clientId, at, p };
      this.snaps.set(intent.intentId, snap);
      this.o.conn.metrics.reservations.inc({
        outcome: p.duplicateClientOrderId ? 'duplicate' : p.over ? 'over_cap' : p.reserved ? 'reserved' : 'none',
      });
      await this.o.beforeDecide?.(p);
    } catch (err) {
      const mode = this.o.conn.failed('prefetch', err);
      snap =
        mode === 'degraded'
          ? { kind: 'degraded', clientId: intent.clientId, at }
          : { kind: 'unavailable', clientId: intent.clientId, at, reason: (err as Error).message };
      this.snaps.set(intent.intentId, snap);
    }
    this.sweep(at);
    return snap;
  }

  /** Exposure stage: prefetch, then the real exposure fn over a view of this order's snapshot.
   * `make` builds it (e.g. `(state) => makeExposureFn({ venues, policyState: state })`). */
  wrapExposure(make: (state: PolicyStateView) => ExposureFn): ExposureFn {
    return async (intent, instrument, market, score) => {
      const snap = await this.prefetch(intent, market);
      try {
        return await make(this.viewFor(snap))(intent, instrument, market, score);
      } catch (err) {
        this.settleDenied(intent.intentId);
        throw err;
      }
    };
  }

  /** Policy stage: cluster guards first (guards: false for a shadow set), then the inner
   * evaluator reading this order's snapshot. */
  bindEvaluator(inner: PolicyEvaluator, opts: { guards?: boolean } = {}): PolicyEvaluator {
    const guards = opts.guards ?? true;
    const cached = guards ? this.bound.get(inner) : undefined;
    if (cached) return cached;
    const ev: PolicyEvaluator = {
      id: inner.id,
      sha256: inner.sha256,
      evaluate: (ctx) => {
        const snap = this.snaps.get(ctx.intent.intentId);
        if (guards) {
          if (!snap)
            return clusterDenial(ctx.intent, inner, GUARD.unavailable, 'CLUSTER_UNAVAILABLE', {
              reason: 'order was not prefetched (cluster exposure wrapper not wired)',
            });
          if (snap.kind === 'unavailable')
            return clusterDenial(ctx.intent, inner, GUARD.unavailable, 'CLUSTER_UNAVAILABLE', { reason: snap.reason });
          if (snap.kind === 'ok' && snap.p.duplicateClientOrderId)
            return clusterDenial(ctx.intent, inner, GUARD.duplicate, 'DUPLICATE_CLIENT_ORDER_ID', {
              clientOrderId: ctx.intent.clientOrderId,
            });
          if (snap.kind === 'ok' && snap.p.over)
            return clusterDenial(ctx.intent, inner, GUARD.cap, 'EXPOSURE_LIMIT', { ...snap.p.over });
        }
        const prev = [this.current, this.ctxNow] as const;
        this.current = snap;
        this.ctxNow = ctx.now;
        try {
          return inner.evaluate(ctx);
        } finally {
          [this.current, this.ctxNow] = prev;
        }
      },
    };
    if (guards) this.bound.set(inner, ev);
    return ev;
  }

  /** Add to the pipeline effects: a denied order gives its reservation back. */
  readonly effects: OrderEffects = {
    afterDecision: (intent, decision) => {
      this.snaps.delete(intent.intentId);
      if (decision.kind === 'deny') this.settleDenied(intent.intentId);
    },
  };

  // ─── PolicyStateView: this order's snapshot while it is evaluated, local state otherwise ───

  override messageCount(clientId: string, sinceMs: number): number {
    const s = this.current;
    if (s?.kind !== 'ok' || s.clientId !== clientId || !s.p.counts.size) return super.messageCount(clientId, sinceMs);
    const w = this.ctxNow - sinceMs;
    let best: number | undefined;
    for (const k of s.p.counts.keys()) if (best === undefined || Math.abs(k - w) < Math.abs(best - w)) best = k;
    return s.p.counts.get(best!) ?? 0;
  }

  override lastSeen(fingerprint: string): number | undefined {
    const s = this.current;
    if (s?.kind !== 'ok' || s.p.fingerprint !== fingerprint) return super.lastSeen(fingerprint);
    return s.p.fingerprintSeenAt === undefined
      ? undefined
      : this.ctxNow - Math.max(0, s.p.redisNow - s.p.fingerprintSeenAt);
  }

  override openNotional(clientId: string): string {
    const s = this.current;
    return s?.kind === 'ok' && s.clientId === clientId ? s.p.clientOpen : super.openNotional(clientId);
  }

  // ─── record API (wiring.ts): local always, Redis where the prefetch did not already ───

  override recordMessage(clientId: string, ts: number): void {
    super.recordMessage(clientId, ts);
    const n = this.uncounted.get(clientId) ?? 0;
    if (n > 0) {
      if (n === 1) this.uncounted.delete(clientId);
      else this.uncounted.set(clientId, n - 1);
      return;
    }
    this.o.limits
      .recordMessage(clientId, `m${++this.seq}`)
      .catch((err: unknown) => this.o.conn.failed('record_message', err));
  }

  override recordOrder(intent: Parameters<InMemoryPolicyState['recordOrder']>[0], ts: number): void {
    super.recordOrder(intent, ts);
    this.o.limits.recordFingerprint(intent).catch((err: unknown) => this.o.conn.failed('record_fingerprint', err));
  }

  override openOrder(clientId: string, key: string, notional: string): void {
    super.openOrder(clientId, key, notional);
    if (!this.o.limits.holds(key)) return;
    const hold = this.o.endedHoldMs ?? 0;
    const prev = this.decided.get(key);
    // The decision sets the size (a cap shrinks it); later updates only follow fills: with a hold,
    // filled notional stays reserved (an increase, e.g. a fill price above the reference, is taken).
    if (hold > 0 && prev !== undefined && !new Decimal(notional).gt(prev)) return;
    this.decided.set(key, notional);
    this.pushShared(key, notional);
  }

  override closeOrder(clientId: string, key: string): void {
    super.closeOrder(clientId, key);
    if (!this.o.limits.holds(key)) return;
    this.decided.delete(key);
    const hold = this.o.endedHoldMs ?? 0;
    if (hold <= 0) return this.pushShared(key, '0');
    (this.o.timers ?? realTimers).setTimeout(() => this.pushShared(key, '0'), hold);
  }

  /** Reservation changes waiting for Redis (monitoring). */
  get pendingSync(): number {
    return this.retry.size;
  }

  private viewFor(snap: Snapshot): PolicyStateView {
    return {
      messageCount: (c, s) => super.messageCount(c, s),
      priceRange: (sym, s) => this.priceRange(sym, s),
      lastSeen: (fp) => super.lastSeen(fp),
      openNotional: (c) => (snap.kind === 'ok' && snap.clientId === c ? snap.p.clientOpen : super.openNotional(c)),
    };
  }

  private settleDenied(intentId: string): void {
    this.snaps.delete(intentId);
    this.decided.delete(intentId);
    if (this.o.limits.holds(intentId)) this.pushShared(intentId, '0');
  }

  private pushShared(intentId: string, notional: string): void {
    this.retry.delete(intentId);
    this.o.limits.adjust(intentId, notional).catch((err: unknown) => {
      if (!this.retry.has(intentId)) this.retry.set(intentId, notional);
      this.o.conn.metrics.syncBacklog.set(this.retry.size);
      this.o.conn.failed('adjust_reservation', err);
    });
  }

  private async flushRetries(): Promise<void> {
    for (const [id, notional] of [...this.retry]) {
      await this.o.limits.adjust(id, notional);
      if (this.retry.get(id) === notional) this.retry.delete(id);
    }
    this.o.conn.metrics.syncBacklog.set(this.retry.size);
  }

  /** Orders prefetched but never decided (the pipeline threw): give their reservations back. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [id, s] of this.snaps) if (now - s.at > SNAPSHOT_TTL_MS) this.settleDenied(id);
  }
}

function refPrice(m: MarketSnapshot): string | undefined {
  const mid = m.bid !== undefined && m.ask !== undefined ? (m.bid + m.ask) / 2 : undefined;
  const p = [m.mark, m.last, mid].find((x) => x !== undefined && Number.isFinite(x) && x > 0);
  return p === undefined ? undefined : String(p);
}
