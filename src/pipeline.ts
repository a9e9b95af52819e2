/** The one place where the stages are composed. Read top to bottom: this order of checks is what
 * an auditor reads. Route handlers only translate wire formats into an OrderIntent and call
 * submit(); everything order-related happens here. A denial is a value, never an exception. */
import type { Clock } from './core/clock.js';
import { renderDenial } from './core/deny-codes.js';
import type { IdGenerator } from './core/ids.js';
import type { LimitView } from './core/limit-view.js';
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
import { decisionAuditBody, executionAuditBody } from './audit/bodies.js';
import type { ConditionalOrderRequest } from './core/conditional.js';
import { atTriggerPrice, protectiveDecision } from './policy/protective-conditional.js';
import { StageGuard, unavailableExposure, unavailableSnapshot, unavailableTradingState } from './policy/stage-guard.js';

export type ExposureFn = (
  intent: OrderIntent,
  instrument: InstrumentSpec,
  market: MarketSnapshot,
  score: RegimeScore,
) => Promise<Exposure>;
/** Throttle admission; on success the caller holds the slots until release() (after the venue answered). */
export type AdmissionFn = (
  throttles: readonly ThrottleRef[],
) => Promise<
  { ok: true; waitedMs: number; release?: () => void } | { ok: false; waitedMs: number; key: string; ruleId: string }
>;

/** Children whose notBefore lies in the future (split orders) are handed to a scheduler. */
interface DeferredDispatcher {
  schedule(parent: ParentOrder, send: (index: number) => Promise<void>): void;
  cancel(intentId: string): void;
}

/** Conditional orders (intent.trigger): which go to the venue as its own conditional order, and
 * the holder that keeps the others and re-evaluates them at trigger (execution/conditional). */
interface ConditionalRouting {
  forwardToVenue(parent: ParentOrder, venue: Venue): boolean;
  hold(parent: ParentOrder): void;
  cancel(intentId: string, reason: string): void;
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
interface OrderTimings {
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
  /** Hierarchy facts (PnL, positions, latches, message counts, resting orders) for the policy. */
  readonly limits?: (intent: OrderIntent, now: number) => LimitView;
  readonly admission?: AdmissionFn;
  readonly deferred?: DeferredDispatcher;
  readonly conditional?: ConditionalRouting;
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
  /** What the order does to the account (liquidation price, distance, margin ratio). */
  readonly exposure: Exposure;
}

export type AmendOutcome =
  | { readonly ok: true; readonly parent: ParentOrder }
  | { readonly ok: false; readonly reason: 'not_amendable' }
  | { readonly ok: false; readonly reason: 'policy'; readonly decision: Decision; readonly intentId: string }
  | { readonly ok: false; readonly reason: 'venue'; readonly report: ExecutionReport };

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
    return (await this.run(intent, false)) as SubmitResult;
  }

  /** `evaluateOnly`: stages 1-6 (the decision is audited) and nothing recorded or sent (amend). */
  private async run(intent: OrderIntent, evaluateOnly: boolean): Promise<SubmitResult | Decision> {
    const { d } = this;
    // Latency metrics use the process's monotonic clock: d.clock may be replay time.
    const t0 = performance.now();
    const now = d.clock.now();
    const venue = d.venues.get(intent.venue);
    const instrument = venue?.instrument(intent.symbol);
    if (!venue || !instrument)
      throw new Error(`pipeline: ingress let through an unknown venue/symbol ${intent.venue}/${intent.symbol}`);

    // A stage that throws (market view, account read, trading state, policy) answers a stand-in
    // and the order ends in an audited denial naming the stage (fail closed, never a throw).
    const guard = new StageGuard(intent, d.logger);
    // 1. Market state and regime. A scorer failure is an unavailable score: fail closed.
    // A conditional order is evaluated against its trigger price (mark and last set to it).
    const market = atTriggerPrice(
      guard.run(
        'market',
        () => d.market.snapshot(intent.symbol, now),
        () => unavailableSnapshot(intent.symbol, now),
      ),
      intent,
    );
    const score = await this.scoreSafely(market, now);
    // 2. What the order does to the account.
    const exposure = await guard.runAsync(
      'exposure',
      () => d.exposure(intent, instrument, market, score),
      unavailableExposure,
    );
    // 3. Trading state (kill switch, halt, reduce-only) for this order's scope.
    const scope = { clientId: intent.clientId, account: intent.account, venue: intent.venue, symbol: intent.symbol };
    const ts = guard.run('tradingState', () => d.tradingState.stateFor(scope), unavailableTradingState);
    // Hierarchy facts (PnL, positions, latches) are account state: their failure is ACCOUNT_UNAVAILABLE.
    const limits = guard.run(
      'exposure',
      () => d.limits?.(intent, now),
      () => undefined,
    );
    const ctx: RiskContext = {
      intent,
      instrument,
      market,
      score,
      exposure,
      tradingState: ts.state,
      ...(ts.reason ? { tradingStateReason: ts.reason } : {}),
      now,
      ...(limits ? { limits } : {}),
    };
    // 4. Policy: a pure function of the context. Guard clauses that need gateway state come first.
    const policy = d.policy();
    let decision = guard.failure
      ? guard.denial(policy)
      : d.orders.hasClientOrderId(intent.clientId, intent.clientOrderId)
        ? duplicateDecision(intent, policy)
        : guard.run(
            'policy',
            () => policy.evaluate(ctx),
            () => guard.denial(policy),
          );
    // A protective conditional order is never denied for kill, halt or regime (it reduces risk).
    if (intent.trigger && !guard.failure) decision = protectiveDecision(intent, decision, now);
    const shadowPolicy = guard.failure ? undefined : d.shadowPolicy?.();
    const shadow = shadowPolicy ? evaluateShadow(shadowPolicy, ctx, d.logger) : undefined;
    // 5. Admission: throttles wait here (only orders that match a throttle rule).
    let waitedMs = 0;
    let release: (() => void) | undefined;
    if (decision.kind !== 'deny' && decision.throttles.length && d.admission) {
      const adm = await d.admission(decision.throttles);
      waitedMs = adm.waitedMs;
      if (!adm.ok) decision = throttledDecision(decision, adm.ruleId, adm.key, adm.waitedMs);
      else release = adm.release;
      // Another order with this clientOrderId may have been recorded while this one waited.
      if (adm.ok && d.orders.hasClientOrderId(intent.clientId, intent.clientOrderId))
        decision = duplicateDecision(intent, policy);
    }
    // 6. Write-ahead audit record: on disk before any venue I/O. If it cannot be written the
    //    order is not sent (the append throws and the caller gets a 503). Throttle slots are
    //    released on every path, including a failing store or observer.
    let parent: ParentOrder;
    const tDecided = performance.now();
    let tAudited = tDecided;
    try {
      d.audit.append(
        'decision',
        decisionAuditBody({
          intent,
          market,
          score,
          exposure,
          decision,
          tradingState: ts,
          shadow,
          waitedMs,
          scorer: d.scorer(),
        }),
      );
      tAudited = performance.now();
      if (evaluateOnly) return decision;
      parent = d.orders.add(intent, decision, score.regime, now);
      for (const o of d.observers ?? []) {
        o.onDecision?.(intent, decision, score, market);
        if (shadow) o.onShadow?.(intent, decision, shadow);
      }
      // 7. Forward what is allowed: children due now are sent and awaited; later ones scheduled.
      // Self-trade prevention (cancel mode): the crossed resting orders go first.
      if (decision.kind !== 'deny' && decision.cancelResting?.length)
        await Promise.all(
          decision.cancelResting.map((id) => this.cancel(id, `self-trade prevention: crossed by ${intent.intentId}`)),
        );
      if (decision.kind !== 'deny' && intent.trigger) await this.routeConditional(venue, parent);
      else if (decision.kind !== 'deny') {
        const due: number[] = [];
        const p = parent;
        p.children.forEach((c, i) => (c.plan.notBefore <= now ? due.push(i) : undefined));
        const send = (i: number) => this.sendChild(venue, p, i);
        if (due.length < p.children.length && d.deferred) d.deferred.schedule(p, send);
        else if (due.length < p.children.length)
          p.children.forEach((_, i) => (due.includes(i) ? undefined : due.push(i)));
        await Promise.all(due.map(send));
      }
    } finally {
      release?.();
    }
    const t: OrderTimings = {
      decisionS: (tDecided - t0) / 1000,
      auditS: (tAudited - tDecided) / 1000,
      totalS: (performance.now() - t0) / 1000,
    };
    for (const o of d.observers ?? []) o.onTimings?.(t);
    return { intentId: intent.intentId, decision, regime: score, order: parent, exposure };
  }

  /** Cancel a parent: pending children are dropped, working ones cancelled at the venue. */
  async cancel(intentId: string, reason: string): Promise<ParentOrder | undefined> {
    const p = this.d.orders.get(intentId);
    if (!p) return undefined;
    for (const o of this.d.observers ?? []) o.onCancelRequest?.(p);
    this.d.deferred?.cancel(intentId);
    this.d.conditional?.cancel(intentId, reason);
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
          const r =
            p.intent.trigger && venue!.cancelConditional
              ? await venue!.cancelConditional(p.intent.account, p.intent.symbol, c.plan.clientOrderId)
              : await venue!.cancelOrder(p.intent.account, p.intent.symbol, c.plan.clientOrderId);
          // A rejected cancel (unknown order, budget, venue error) says nothing about the order
          // itself: audit it, but keep the child working until the venue reports its state.
          if (r.status === 'rejected') {
            this.d.audit.append('execution', {
              ...executionAuditBody(r, p.intentId, p.intent.clientId),
              cancelRejected: true,
            });
            this.d.logger?.warn(
              { intentId, child: c.plan.clientOrderId, code: r.code, reason: r.reason },
              'cancel rejected by the venue',
            );
          } else this.record(r);
        } catch (err) {
          this.d.logger?.warn({ err, intentId, child: c.plan.clientOrderId }, 'cancel failed at the venue');
        }
      }),
    );
    return p;
  }

  /** In-place amend of a working single-child LIMIT order (Venue.amendOrder: same ids, new price
   * and total quantity). `increase`, when the order grows, is evaluated first like a new order
   * (its decision audited); anything but an accept leaves the order as it was. */
  async amend(intentId: string, quantity: string, price: string, increase?: OrderIntent): Promise<AmendOutcome> {
    const p = this.d.orders.get(intentId);
    const venue = p && this.d.venues.get(p.intent.venue);
    const child = p?.children.length === 1 ? p.children[0] : undefined;
    if (!p || !venue?.amendOrder || !child || !['new', 'partially_filled'].includes(child.status))
      return { ok: false, reason: 'not_amendable' };
    if (increase) {
      const decision = (await this.run(increase, true)) as Decision;
      if (decision.kind !== 'accept') return { ok: false, reason: 'policy', decision, intentId: increase.intentId };
    }
    const { account, symbol, side } = p.intent;
    const r = await venue.amendOrder({
      account,
      symbol,
      side,
      clientOrderId: child.plan.clientOrderId,
      quantity,
      price,
    });
    if (r.status === 'rejected') {
      this.d.audit.append('execution', { ...executionAuditBody(r, intentId, p.intent.clientId), amendRejected: true });
      return { ok: false, reason: 'venue', report: r };
    }
    this.d.orders.amend(p, quantity, price, this.d.clock.now());
    this.record(r);
    return { ok: true, parent: p };
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
      return {
        status: 'unavailable',
        symbol: market.symbol,
        asOf: market.asOf,
        regime: 'unknown',
        reason: `scorer error: ${(err as Error).message}`,
        scorer: scorer.kind,
        modelId: scorer.id,
      };
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
      ...((child.plan.price ?? i.price) ? { price: child.plan.price ?? i.price } : {}),
      reduceOnly: i.reduceOnly,
      postOnly: i.postOnly,
      timeInForce: protectedMarket ? 'IOC' : i.timeInForce,
      ...(i.leverage ? { leverage: i.leverage } : {}),
      ...(parent.decision.selfTradePreventionMode
        ? { selfTradePreventionMode: parent.decision.selfTradePreventionMode }
        : {}),
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

  /** A conditional order: a protective one goes to the venue as the venue's own conditional
   * order (it keeps working if the gateway dies); any other is held by the gateway and sent
   * through submit() again when it triggers. */
  private async routeConditional(venue: Venue, p: ParentOrder): Promise<void> {
    const c = this.d.conditional;
    if (!p.children[0]) return;
    if (!c || !c.forwardToVenue(p, venue) || !venue.placeConditional) {
      if (c) c.hold(p);
      else
        p.children.forEach((_, i) =>
          this.d.orders.endChild(
            p,
            i,
            'rejected',
            this.d.clock.now(),
            'VENUE_REJECTED',
            'conditional orders are not routed here',
          ),
        );
      return;
    }
    // A split protective order: each child is its own venue conditional order at the same
    // trigger; closePosition goes whole (the venue sizes it at trigger), its other children end.
    const sent = p.intent.trigger!.closePosition ? [0] : p.children.map((_, k) => k);
    for (let k = sent.length; k < p.children.length; k++)
      this.d.orders.endChild(p, k, 'canceled', this.d.clock.now(), undefined, 'closePosition: one venue order');
    await Promise.all(sent.map((k) => this.forwardConditionalChild(venue, p, k)));
  }

  private async forwardConditionalChild(venue: Venue, p: ParentOrder, index: number): Promise<void> {
    const child = p.children[index]!;
    const i = p.intent;
    const req: ConditionalOrderRequest = {
      account: i.account,
      symbol: i.symbol,
      clientOrderId: child.plan.clientOrderId,
      side: i.side,
      type: i.type,
      quantity: child.plan.quantity,
      ...((child.plan.price ?? i.price) ? { price: child.plan.price ?? i.price } : {}),
      reduceOnly: i.reduceOnly,
      postOnly: i.postOnly,
      timeInForce: i.timeInForce,
      ...(i.leverage ? { leverage: i.leverage } : {}),
      trigger: i.trigger!,
    };
    child.status = 'new';
    const placing = this.place(venue, req, i, (r) => venue.placeConditional!(r as ConditionalOrderRequest));
    this.inFlight.set(child, placing);
    try {
      await placing;
    } finally {
      this.inFlight.delete(child);
    }
  }

  private async place(
    venue: Venue,
    req: ChildOrderRequest,
    i: OrderIntent,
    send = (r: ChildOrderRequest) => venue.placeOrder(r),
  ): Promise<void> {
    try {
      const sent = performance.now();
      const report = await send(req);
      const seconds = (performance.now() - sent) / 1000;
      for (const o of this.d.observers ?? []) o.onVenueRoundTrip?.(venue.id, seconds);
      this.record(report);
    } catch (err) {
      // Adapters map venue failures to reports; anything thrown here is unexpected: end the child.
      this.d.logger?.error({ err, clientOrderId: req.clientOrderId }, 'venue placeOrder threw');
      const report: ExecutionReport = {
        venue: venue.id,
        account: i.account,
        symbol: i.symbol,
        clientOrderId: req.clientOrderId,
        side: i.side,
        status: 'rejected',
        quantity: req.quantity,
        filledQuantity: '0',
        ts: this.d.clock.now(),
        code: 'VENUE_UNKNOWN_STATE',
        reason: (err as Error).message,
      };
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
    trace: [
      {
        ruleId: GUARD_DUPLICATE,
        action: 'reject',
        mode: 'enforce',
        matched: true,
        outcome: 'deny',
        code: 'DUPLICATE_CLIENT_ORDER_ID',
        params,
      },
    ],
    policySetId: policy.id,
    policySha256: policy.sha256,
  };
}

/** A failing shadow set never affects the order: logged, no shadow comparison. */
function evaluateShadow(
  policy: PolicyEvaluator,
  ctx: RiskContext,
  logger: PipelineDeps['logger'],
): Decision | undefined {
  try {
    return policy.evaluate(ctx);
  } catch (err) {
    logger?.error({ err, intentId: ctx.intent.intentId }, 'shadow policy evaluation failed');
    return undefined;
  }
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
    trace: [
      ...decision.trace,
      {
        ruleId,
        action: 'throttle',
        mode: 'enforce',
        matched: true,
        outcome: 'deny',
        code: 'RATE_LIMIT_EXCEEDED',
        params,
      },
    ],
  };
}

const regimeOf = (s: RegimeScore): RegimeLabel => s.regime;
