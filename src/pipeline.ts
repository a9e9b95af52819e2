/** The one place where the stages are composed. Read top to bottom: this order of checks is what
 * an auditor reads. Route handlers only translate wire formats into an OrderIntent and call
 * submit(); everything order-related happens here. A denial is a value, never an exception. */
import type { Clock } from './core/clock.js';
import { renderDenial } from './core/deny-codes.js';
import type { IdGenerator } from './core/ids.js';
import type { AuditAppender, MarketView, PolicyEvaluator, TradingStateView } from './core/stages.js';
import type {
  ChildOrderRequest,
  Decision,
  ExecutionReport,
  Exposure,
  InstrumentSpec,
  MarketSnapshot,
  OrderIntent,
  RegimeLabel,
  RegimeScore,
  RegimeScorer,
  RiskContext,
  ThrottleRef,
  Venue,
} from './core/types.js';
import { isTerminal, OrderStore, type ChildState, type ParentOrder } from './execution/order-store.js';
import { decisionAuditBody, executionAuditBody } from './audit-bodies.js';

export type ExposureFn = (intent: OrderIntent, instrument: InstrumentSpec, market: MarketSnapshot, score: RegimeScore) => Promise<Exposure>;
/** Throttle admission; on success the caller holds the slots until release() (after the venue answered). */
export type AdmissionFn = (throttles: readonly ThrottleRef[]) => Promise<{ ok: true; waitedMs: number; release?: () => void } | { ok: false; waitedMs: number; key: string; ruleId: string }>;

/** Children whose notBefore lies in the future (split orders) are handed to a scheduler. */
export interface DeferredDispatcher {
  schedule(parent: ParentOrder, send: (index: number) => Promise<void>): void;
  cancel(intentId: string): void;
}

export interface PipelineObserver {
  onDecision?(intent: OrderIntent, decision: Decision, score: RegimeScore, market: MarketSnapshot): void;
  onReport?(report: ExecutionReport, parent: ParentOrder | undefined): void;
  /** Every order evaluated by a shadow set too; the observer decides what counts as a difference. */
  onShadow?(intent: OrderIntent, enforced: Decision, shadow: Decision): void;
  /** A cancel request from a client or operator (counts as a message for rate controls). */
  onCancelRequest?(parent: ParentOrder): void;
  /** Wall-clock cost of one submit, in seconds (metrics). */
  onTimings?(t: OrderTimings): void;
  /** placeOrder sent → answered, per child, in seconds. */
  onVenueRoundTrip?(venue: string, seconds: number): void;
}

/** decision: received → decided; audit: the write-ahead record; total: the whole submit. */
export interface OrderTimings {
  readonly decisionS: number;
  readonly auditS: number;
  readonly totalS: number;
}

export interface PipelineDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly market: MarketView;
  readonly scorer: () => RegimeScorer;
  readonly policy: () => PolicyEvaluator;
  readonly shadowPolicy?: () => PolicyEvaluator | undefined;
  readonly tradingState: TradingStateView;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly exposure: ExposureFn;
  readonly admission?: AdmissionFn;
  readonly deferred?: DeferredDispatcher;
  readonly audit: AuditAppender;
  readonly orders: OrderStore;
  readonly observers?: readonly PipelineObserver[];
  readonly logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface SubmitResult {
  readonly intentId: string;
  readonly decision: Decision;
  readonly regime: RegimeScore;
  readonly order: ParentOrder;
}

const GUARD_DUPLICATE = 'gateway.duplicate_client_order_id';

export class Pipeline {
  /** Children whose placeOrder has not answered yet (a cancel waits for it). */
  private readonly inFlight = new Map<ChildState, Promise<void>>();

  constructor(private readonly d: PipelineDeps) {
    for (const venue of d.venues.values()) venue.onReport((r) => this.onVenueReport(r));
  }

  /** Process one order end to end. Resolves once the decision is audited and every child that
   * may be sent now has a first venue report. Never throws for a denial. */
  async submit(intent: OrderIntent): Promise<SubmitResult> {
    const { d } = this;
    // Latency metrics use the process's monotonic clock: d.clock may be replay time.
    const t0 = performance.now();
    const now = d.clock.now();
    const venue = d.venues.get(intent.venue);
    const instrument = venue?.instrument(intent.symbol);
    if (!venue || !instrument) throw new Error(`pipeline: ingress let through an unknown venue/symbol ${intent.venue}/${intent.symbol}`);

    // 1. Market state and regime. A scorer failure is an unavailable score: fail closed.
    const market = d.market.snapshot(intent.symbol, now);
    const score = await this.scoreSafely(market, now);
    // 2. What the order does to the account.
    const exposure = await d.exposure(intent, instrument, market, score);
    // 3. Trading state (kill switch, halt, reduce-only) for this order's scope.
    const ts = d.tradingState.stateFor({ clientId: intent.clientId, account: intent.account, venue: intent.venue, symbol: intent.symbol });
    const ctx: RiskContext = { intent, instrument, market, score, exposure, tradingState: ts.state, ...(ts.reason ? { tradingStateReason: ts.reason } : {}), now };
    // 4. Policy: a pure function of the context. Guard clauses that need gateway state come first.
    const policy = d.policy();
    let decision = d.orders.hasClientOrderId(intent.clientId, intent.clientOrderId)
      ? duplicateDecision(intent, policy)
      : policy.evaluate(ctx);
    const shadowPolicy = d.shadowPolicy?.();
    const shadow = shadowPolicy ? shadowPolicy.evaluate(ctx) : undefined;
    // 5. Admission: throttles wait here (only orders that match a throttle rule).
    let waitedMs = 0;
    let release: (() => void) | undefined;
    if (decision.kind !== 'deny' && decision.throttles.length && d.admission) {
      const adm = await d.admission(decision.throttles);
      waitedMs = adm.waitedMs;
      if (!adm.ok) decision = throttledDecision(decision, adm.ruleId, adm.key, adm.waitedMs);
      else release = adm.release;
      // Another order with this clientOrderId may have been recorded while this one waited.
      if (adm.ok && d.orders.hasClientOrderId(intent.clientId, intent.clientOrderId)) decision = duplicateDecision(intent, policy);
    }
    // 6. Write-ahead audit record: on disk before any venue I/O. If it cannot be written the
    //    order is not sent (the append throws and the caller gets a 503). Throttle slots are
    //    released on every path, including a failing store or observer.
    let parent: ParentOrder;
    const tDecided = performance.now();
    let tAudited = tDecided;
    try {
      d.audit.append('decision', decisionAuditBody({ intent, market, score, exposure, decision, tradingState: ts, shadow, waitedMs, scorer: d.scorer() }));
      tAudited = performance.now();
      parent = d.orders.add(intent, decision, score.regime, now);
      for (const o of d.observers ?? []) {
        o.onDecision?.(intent, decision, score, market);
        if (shadow) o.onShadow?.(intent, decision, shadow);
      }
      // 7. Forward what is allowed: children due now are sent and awaited; later ones scheduled.
      if (decision.kind !== 'deny') {
        const due: number[] = [];
        const p = parent;
        p.children.forEach((c, i) => (c.plan.notBefore <= now ? due.push(i) : undefined));
        const send = (i: number) => this.sendChild(venue, p, i);
        if (due.length < p.children.length && d.deferred) d.deferred.schedule(p, send);
        else if (due.length < p.children.length) p.children.forEach((_, i) => (due.includes(i) ? undefined : due.push(i)));
        await Promise.all(due.map(send));
      }
    } finally {
      release?.();
    }
    const t: OrderTimings = { decisionS: (tDecided - t0) / 1000, auditS: (tAudited - tDecided) / 1000, totalS: (performance.now() - t0) / 1000 };
    for (const o of d.observers ?? []) o.onTimings?.(t);
    return { intentId: intent.intentId, decision, regime: score, order: parent };
  }

  /** Cancel a parent: pending children are dropped, working ones cancelled at the venue. */
  async cancel(intentId: string, reason: string): Promise<ParentOrder | undefined> {
    const p = this.d.orders.get(intentId);
    if (!p) return undefined;
    for (const o of this.d.observers ?? []) o.onCancelRequest?.(p);
    this.d.deferred?.cancel(intentId);
    const venue = this.d.venues.get(p.intent.venue);
    const now = this.d.clock.now();
    await Promise.all(
      p.children.map(async (c, i) => {
        if (isTerminal(c.status)) return;
        if (c.status === 'pending') return this.d.orders.endChild(p, i, 'canceled', now, undefined, reason);
        // Still in flight: the venue does not know the order yet; cancel once placeOrder answered.
        const placing = this.inFlight.get(c);
        if (placing) {
          await placing.catch(() => undefined); // its failure is the submit's to report
          if (isTerminal(c.status)) return;
        }
        try {
          const r = await venue!.cancelOrder(p.intent.account, p.intent.symbol, c.plan.clientOrderId);
          // A rejected cancel (unknown order, budget, venue error) says nothing about the order
          // itself: audit it, but keep the child working until the venue reports its state.
          if (r.status === 'rejected') {
            this.d.audit.append('execution', { ...executionAuditBody(r, p.intentId, p.intent.clientId), cancelRejected: true });
            this.d.logger?.warn({ intentId, child: c.plan.clientOrderId, code: r.code, reason: r.reason }, 'cancel rejected by the venue');
          } else this.record(r);
        } catch (err) {
          this.d.logger?.warn({ err, intentId, child: c.plan.clientOrderId }, 'cancel failed at the venue');
        }
      }),
    );
    return p;
  }

  /** Cancel every working parent that matches (kill switch). */
  async cancelWhere(filter: (p: ParentOrder) => boolean, reason: string): Promise<number> {
    const targets = this.d.orders.working(filter);
    await Promise.all(targets.map((p) => this.cancel(p.intentId, reason)));
    return targets.length;
  }

  private async scoreSafely(market: MarketSnapshot, now: number): Promise<RegimeScore> {
    const scorer = this.d.scorer();
    try {
      return await scorer.score(market, now);
    } catch (err) {
      this.d.logger?.error({ err, symbol: market.symbol }, 'scorer failed: regime unknown (fail closed)');
      return { status: 'unavailable', symbol: market.symbol, asOf: market.asOf, regime: 'unknown', reason: `scorer error: ${(err as Error).message}`, scorer: scorer.kind, modelId: scorer.id };
    }
  }

  private async sendChild(venue: Venue, parent: ParentOrder, index: number): Promise<void> {
    const child = parent.children[index];
    if (!child || child.status !== 'pending') return;
    const i = parent.intent;
    // A market order whose child carries a protective price (split with a price limit) goes out
    // as a limit IOC at that price: it fills at that price or better, or not at all.
    const protectedMarket = i.type === 'market' && child.plan.price !== undefined;
    const req: ChildOrderRequest = {
      account: i.account,
      symbol: i.symbol,
      clientOrderId: child.plan.clientOrderId,
      side: i.side,
      type: protectedMarket ? 'limit' : i.type,
      quantity: child.plan.quantity,
      ...(child.plan.price ?? i.price ? { price: child.plan.price ?? i.price } : {}),
      reduceOnly: i.reduceOnly,
      postOnly: i.postOnly,
      timeInForce: protectedMarket ? 'IOC' : i.timeInForce,
      ...(i.leverage ? { leverage: i.leverage } : {}),
    };
    child.status = 'new'; // in flight: a concurrent cancel goes to the venue, not the pending path
    const placing = this.place(venue, req, i);
    this.inFlight.set(child, placing);
    try {
      await placing;
    } finally {
      this.inFlight.delete(child);
    }
  }

  private async place(venue: Venue, req: ChildOrderRequest, i: OrderIntent): Promise<void> {
    try {
      const sent = performance.now();
      const report = await venue.placeOrder(req);
      const seconds = (performance.now() - sent) / 1000;
      for (const o of this.d.observers ?? []) o.onVenueRoundTrip?.(venue.id, seconds);
      this.record(report);
    } catch (err) {
      // Adapters map venue failures to reports; anything thrown here is unexpected: end the child.
      this.d.logger?.error({ err, clientOrderId: req.clientOrderId }, 'venue placeOrder threw');
      const report: ExecutionReport = { venue: venue.id, account: i.account, symbol: i.symbol, clientOrderId: req.clientOrderId, side: i.side, status: 'rejected', quantity: req.quantity, filledQuantity: '0', ts: this.d.clock.now(), code: 'VENUE_UNKNOWN_STATE', reason: (err as Error).message };
      this.record(report);
    }
  }

  private onVenueReport(r: ExecutionReport): void {
    this.record(r);
  }

  /** Every venue report is audited and applied to its parent, once per distinct state. */
  private record(r: ExecutionReport): void {
    const parent = this.d.orders.applyReport(r, this.d.clock.now());
    this.d.audit.append('execution', executionAuditBody(r, parent?.intentId, parent?.intent.clientId));
    for (const o of this.d.observers ?? []) o.onReport?.(r, parent);
  }
}

function duplicateDecision(intent: OrderIntent, policy: PolicyEvaluator): Decision {
  const params = { clientOrderId: intent.clientOrderId };
  return {
    kind: 'deny',
    code: 'DUPLICATE_CLIENT_ORDER_ID',
    detail: renderDenial('DUPLICATE_CLIENT_ORDER_ID', params),
    params,
    originalQuantity: intent.quantity,
    approvedQuantity: '0',
    children: [],
    throttles: [],
    trace: [{ ruleId: GUARD_DUPLICATE, action: 'reject', mode: 'enforce', matched: true, outcome: 'deny', code: 'DUPLICATE_CLIENT_ORDER_ID', params }],
    policySetId: policy.id,
    policySha256: policy.sha256,
  };
}

function throttledDecision(decision: Decision, ruleId: string, key: string, waitedMs: number): Decision {
  const params = { rule: ruleId, key, waitedMs };
  return {
    ...decision,
    kind: 'deny',
    code: 'RATE_LIMIT_EXCEEDED',
    detail: renderDenial('RATE_LIMIT_EXCEEDED', params),
    params,
    approvedQuantity: '0',
    children: [],
    trace: [...decision.trace, { ruleId, action: 'throttle', mode: 'enforce', matched: true, outcome: 'deny', code: 'RATE_LIMIT_EXCEEDED', params }],
  };
}


export const regimeOf = (s: RegimeScore): RegimeLabel => s.regime;
