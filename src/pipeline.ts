/** The one place where the stages are composed. Read submit() top to bottom: its steps, in this
 * order, are what an auditor reads, and every step that can change a later decision is one of
 * them (docs/architecture.md lists them; test/architecture/pipeline-steps.test.ts keeps the list
 * and this file in step). Route handlers only translate wire formats into an OrderIntent and call
 * submit(). A denial is a value, never an exception. */
import type { Clock } from './core/clock.js';
import type { IdGenerator } from './core/ids.js';
import type { LimitView } from './core/limit-view.js';
import type { AuditAppender, MarketView, PolicyEvaluator, TradingStateView } from './core/stages.js';
import type {
  Decision,
  ExecutionReport,
  Exposure,
  InstrumentSpec,
  MarketSnapshot,
  OrderIntent,
  RegimeScore,
  RegimeScorer,
  RiskContext,
  ThrottleRef,
  TradingState,
  Venue,
} from './core/types.js';
import type { OrderStore, ParentOrder } from './execution/order-store.js';
import { ExecutionRunner, type ConditionalRouting, type DeferredDispatcher } from './execution/runner.js';
import { decisionAuditBody, executionAuditBody } from './audit/bodies.js';
import type { DecimalString } from './core/decimal.js';
import { duplicateDecision, throttledDecision } from './policy/gateway-denials.js';
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

/** State that later decisions read: message and order counts, trading-state latches (halt,
 * reduce-only), open-order notional, the limit book, cluster reservations and order index. The
 * pipeline runs these as named steps (recordDecisionEffects, applyFillEffects,
 * recordCancelRequest), each before any observer sees the event. */
export interface OrderEffects {
  afterDecision?(intent: OrderIntent, decision: Decision, market: MarketSnapshot): void;
  afterReport?(report: ExecutionReport, parent: ParentOrder | undefined): void;
  afterCancelRequest?(parent: ParentOrder): void;
}

type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Metrics, streams and records only: an observer runs after the effects and cannot change a
 * later decision (it sees the order read-only; anything a decision reads is an OrderEffects). */
export interface PipelineObserver {
  onDecision?(intent: OrderIntent, decision: Decision, score: RegimeScore, market: MarketSnapshot): void;
  onReport?(report: ExecutionReport, parent: DeepReadonly<ParentOrder> | undefined): void;
  /** Every order evaluated by a shadow set too; the observer decides what counts as a difference. */
  onShadow?(intent: OrderIntent, enforced: Decision, shadow: Decision): void;
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
  readonly effects?: readonly OrderEffects[];
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

interface Admitted {
  readonly decision: Decision;
  readonly waitedMs: number;
  readonly release?: (() => void) | undefined;
}

export class Pipeline {
  private readonly execution: ExecutionRunner;
  private readonly observers: PipelineObserver[];

  constructor(private readonly d: PipelineDeps) {
    this.observers = [...(d.observers ?? [])];
    this.execution = new ExecutionRunner({
      ...d,
      onReport: (r, parent) => this.afterVenueReport(r, parent),
      onVenueRoundTrip: (venue, s) => this.observers.forEach((o) => o.onVenueRoundTrip?.(venue, s)),
    });
  }

  /** Parts built after the pipeline because they call it (the conditional-order holder re-submits
   * at trigger; the operator surface cancels on a kill): attached once, before orders arrive. */
  attach(parts: { conditional?: ConditionalRouting; observers?: readonly PipelineObserver[] }): void {
    if (parts.conditional) this.execution.route(parts.conditional);
    this.observers.push(...(parts.observers ?? []));
  }

  /** Process one order end to end. Resolves once the decision is audited and every child that
   * may be sent now has a first venue report. Never throws for a denial. */
  async submit(intent: OrderIntent): Promise<SubmitResult> {
    const t0 = performance.now(); // latency metrics on the monotonic clock: d.clock may be replay time
    const now = this.d.clock.now();
    const { venue, instrument } = this.venueOf(intent);
    // A stage that throws answers a stand-in; the order ends in an audited denial naming it.
    const guard = new StageGuard(intent, this.d.logger);
    const { market, score } = await this.marketAndRegime(intent, guard, now);
    const exposure = await this.exposure(intent, instrument, market, score, guard);
    const tradingState = this.tradingState(intent, guard);
    const limits = this.limitFacts(intent, guard, now);
    const ctx = { intent, instrument, market, score, exposure, ...stateFields(tradingState), now, ...limits };
    const { decision: decided, shadow, policy } = this.policy(ctx, guard);
    const { decision: admitted, waitedMs, release } = await this.admission(decided);
    const decision = this.clientOrderIdStillFree(intent, admitted, policy);
    const tDecided = performance.now();
    let tAudited = tDecided;
    let order: ParentOrder;
    try {
      this.writeAheadAudit({ intent, market, score, exposure, decision, tradingState, shadow, waitedMs });
      tAudited = performance.now();
      order = this.recordOrder(intent, decision, score, now);
      this.recordDecisionEffects(intent, decision, market);
      this.notifyDecision(intent, decision, score, market, shadow);
      await this.dispatch(venue, order, now);
    } finally {
      release?.(); // throttle slots are released on every path, a failing store or observer included
    }
    const t = { decisionS: (tDecided - t0) / 1000, auditS: (tAudited - tDecided) / 1000 };
    this.observers.forEach((o) => o.onTimings?.({ ...t, totalS: (performance.now() - t0) / 1000 }));
    return { intentId: intent.intentId, decision, regime: score, order, exposure };
  }

  /** Cancel a parent: pending children are dropped, working ones cancelled at the venue. */
  async cancel(intentId: string, reason: string): Promise<ParentOrder | undefined> {
    const p = this.d.orders.get(intentId);
    if (!p) return undefined;
    this.recordCancelRequest(p);
    await this.execution.cancel(p, reason);
    return p;
  }

  /** In-place amend of a working single-child LIMIT order (Venue.amendOrder: same ids, new price
   * and total quantity). `increase`, when the order grows, is decided first like a new order (its
   * decision audited, nothing recorded or sent); anything but an accept leaves the order as it was. */
  async amend(
    intentId: string,
    quantity: DecimalString,
    price: DecimalString,
    increase?: OrderIntent,
  ): Promise<AmendOutcome> {
    const p = this.d.orders.get(intentId);
    const venue = p && this.d.venues.get(p.intent.venue);
    const child = p?.children.length === 1 ? p.children[0] : undefined;
    if (!p || !venue?.amendOrder || !child || !['new', 'partially_filled'].includes(child.status))
      return { ok: false, reason: 'not_amendable' };
    if (increase) {
      const decision = await this.decideIncrease(increase);
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
    this.execution.record(r);
    return { ok: true, parent: p };
  }

  /** The steps of submit() up to the write-ahead audit, for an amend's increase: the decision is
   * audited; nothing is recorded, sent or counted as an effect (the amend itself is the order). */
  private async decideIncrease(intent: OrderIntent): Promise<Decision> {
    const now = this.d.clock.now();
    const { instrument } = this.venueOf(intent);
    const guard = new StageGuard(intent, this.d.logger);
    const { market, score } = await this.marketAndRegime(intent, guard, now);
    const exposure = await this.exposure(intent, instrument, market, score, guard);
    const tradingState = this.tradingState(intent, guard);
    const limits = this.limitFacts(intent, guard, now);
    const ctx = { intent, instrument, market, score, exposure, ...stateFields(tradingState), now, ...limits };
    const { decision: decided, shadow } = this.policy(ctx, guard);
    const { decision, waitedMs, release } = await this.admission(decided);
    try {
      this.writeAheadAudit({ intent, market, score, exposure, decision, tradingState, shadow, waitedMs });
    } finally {
      release?.();
    }
    return decision;
  }

  /** Cancel every working parent that matches (kill switch). */
  async cancelWhere(filter: (p: ParentOrder) => boolean, reason: string): Promise<number> {
    const targets = this.d.orders.working(filter);
    await Promise.all(targets.map((p) => this.cancel(p.intentId, reason)));
    return targets.length;
  }

  // ─── the steps of submit(), in order ─────────────────────────────────────────────────────

  private venueOf(intent: OrderIntent): { venue: Venue; instrument: InstrumentSpec } {
    const venue = this.d.venues.get(intent.venue);
    const instrument = venue?.instrument(intent.symbol);
    if (!venue || !instrument)
      throw new Error(`pipeline: ingress let through an unknown venue/symbol ${intent.venue}/${intent.symbol}`);
    return { venue, instrument };
  }

  /** Market state and regime. A conditional order is seen at its trigger price (mark and last set
   * to it); a scorer failure is an unavailable score (regime unknown: fail closed). */
  private async marketAndRegime(intent: OrderIntent, guard: StageGuard, now: number) {
    const snapshot = () => this.d.market.snapshot(intent.symbol, now);
    const market = atTriggerPrice(
      guard.run('market', snapshot, () => unavailableSnapshot(intent.symbol, now)),
      intent,
    );
    return { market, score: await this.scoreSafely(market, now) };
  }

  /** What the order does to the account (position, margin, liquidation distance after the fill). */
  private exposure(i: OrderIntent, inst: InstrumentSpec, m: MarketSnapshot, s: RegimeScore, guard: StageGuard) {
    return guard.runAsync('exposure', () => this.d.exposure(i, inst, m, s), unavailableExposure);
  }

  /** Kill switch, halt, reduce-only for this order's scope. */
  private tradingState(intent: OrderIntent, guard: StageGuard) {
    const { clientId, account, venue, symbol } = intent;
    const scope = { clientId, account, venue, symbol };
    return guard.run('tradingState', () => this.d.tradingState.stateFor(scope), unavailableTradingState);
  }

  /** Hierarchy facts (PnL, positions, latches) are account state: their failure is ACCOUNT_UNAVAILABLE. */
  private limitFacts(intent: OrderIntent, guard: StageGuard, now: number): { limits?: LimitView } {
    const limits = guard.run(
      'exposure',
      () => this.d.limits?.(intent, now),
      () => undefined,
    );
    return limits ? { limits } : {};
  }

  /** The enforcing set decides (a pure function of the context) after the guard clauses that need
   * gateway state: a failed stage, a clientOrderId in use. A protective conditional order is never
   * denied for kill, halt or regime. The shadow set is evaluated beside it and never changes it. */
  private policy(ctx: RiskContext, guard: StageGuard) {
    const { intent, now } = ctx;
    const policy = this.d.policy();
    let decision = guard.failure
      ? guard.denial(policy)
      : this.d.orders.hasClientOrderId(intent.clientId, intent.clientOrderId)
        ? duplicateDecision(intent, policy)
        : guard.run(
            'policy',
            () => policy.evaluate(ctx),
            () => guard.denial(policy),
          );
    if (intent.trigger && !guard.failure) decision = protectiveDecision(intent, decision, now);
    const shadowPolicy = guard.failure ? undefined : this.d.shadowPolicy?.();
    return { decision, shadow: shadowPolicy ? this.evaluateShadow(shadowPolicy, ctx) : undefined, policy };
  }

  /** Throttles wait here (only orders that match a throttle rule); a timeout is a denial. */
  private async admission(decision: Decision): Promise<Admitted> {
    if (decision.kind === 'deny' || !decision.throttles.length || !this.d.admission) return { decision, waitedMs: 0 };
    const adm = await this.d.admission(decision.throttles);
    if (!adm.ok) return { decision: throttledDecision(decision, adm.ruleId, adm.key, adm.waitedMs), ...adm };
    return { decision, ...adm };
  }

  /** Another order with this clientOrderId may have been recorded while this one waited: checked
   * in the same synchronous run as recordOrder, so two concurrent orders never both pass. */
  private clientOrderIdStillFree(intent: OrderIntent, decision: Decision, policy: PolicyEvaluator): Decision {
    if (decision.kind === 'deny' || !this.d.orders.hasClientOrderId(intent.clientId, intent.clientOrderId))
      return decision;
    return duplicateDecision(intent, policy);
  }

  /** On disk before any venue I/O: if it cannot be written the append throws, nothing is sent and
   * the caller gets a 503. */
  private writeAheadAudit(x: Omit<Parameters<typeof decisionAuditBody>[0], 'scorer'>): void {
    this.d.audit.append('decision', decisionAuditBody({ ...x, scorer: this.d.scorer() }));
  }

  private recordOrder(intent: OrderIntent, decision: Decision, score: RegimeScore, now: number): ParentOrder {
    return this.d.orders.add(intent, decision, score.regime, now);
  }

  /** Counters, latches (halt / reduce-only), open-order notional, limit book, cluster state. */
  private recordDecisionEffects(intent: OrderIntent, decision: Decision, market: MarketSnapshot): void {
    this.d.effects?.forEach((e) => e.afterDecision?.(intent, decision, market));
  }

  private notifyDecision(i: OrderIntent, d: Decision, s: RegimeScore, m: MarketSnapshot, shadow?: Decision): void {
    for (const o of this.observers) {
      o.onDecision?.(i, d, s, m);
      if (shadow) o.onShadow?.(i, d, shadow);
    }
  }

  /** Forward what is allowed: self-trade prevention (cancel mode) cancels the crossed resting
   * orders first; then execution/ sends the children due now and schedules the rest. */
  private async dispatch(venue: Venue, order: ParentOrder, now: number): Promise<void> {
    const { decision, intent } = order;
    if (decision.kind === 'deny') return;
    const crossed = decision.cancelResting ?? [];
    await Promise.all(crossed.map((id) => this.cancel(id, `self-trade prevention: crossed by ${intent.intentId}`)));
    await this.execution.dispatch(venue, order, now);
  }

  // ─── after the order: venue reports and cancel requests ──────────────────────────────────

  /** Every venue report, once execution/ has audited it and applied it to its order. */
  private afterVenueReport(report: ExecutionReport, parent: ParentOrder | undefined): void {
    this.applyFillEffects(report, parent);
    this.observers.forEach((o) => o.onReport?.(report, parent));
  }

  /** Fills into PnL and the limit book, open-order notional, the cluster order index. */
  private applyFillEffects(report: ExecutionReport, parent: ParentOrder | undefined): void {
    this.d.effects?.forEach((e) => e.afterReport?.(report, parent));
  }

  /** A cancel request counts as a message for rate controls (policy state and limit counters). */
  private recordCancelRequest(parent: ParentOrder): void {
    this.d.effects?.forEach((e) => e.afterCancelRequest?.(parent));
  }

  private async scoreSafely(market: MarketSnapshot, now: number): Promise<RegimeScore> {
    const scorer = this.d.scorer();
    try {
      return await scorer.score(market, now);
    } catch (err) {
      this.d.logger?.error({ err, symbol: market.symbol }, 'scorer failed: regime unknown (fail closed)');
      const reason = `scorer error: ${(err as Error).message}`;
      const { symbol, asOf } = market;
      return {
        status: 'unavailable',
        symbol,
        asOf,
        regime: 'unknown',
        reason,
        scorer: scorer.kind,
        modelId: scorer.id,
      };
    }
  }

  /** A failing shadow set never affects the order: logged, no shadow comparison. */
  private evaluateShadow(policy: PolicyEvaluator, ctx: RiskContext): Decision | undefined {
    try {
      return policy.evaluate(ctx);
    } catch (err) {
      this.d.logger?.error({ err, intentId: ctx.intent.intentId }, 'shadow policy evaluation failed');
      return undefined;
    }
  }
}

const stateFields = (ts: { state: TradingState; reason?: string }) =>
  ts.reason ? { tradingState: ts.state, tradingStateReason: ts.reason } : { tradingState: ts.state };
