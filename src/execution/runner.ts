/** Execution mechanics of a forwarded decision, called by the pipeline's dispatch and cancel steps:
 * children due now are sent and awaited, later ones handed to the split scheduler, conditional
 * orders routed (to the venue or held by the gateway), placeOrder calls tracked in flight so a
 * cancel waits for them, and every venue report audited and applied to its order. It decides
 * nothing: what is sent was decided (and audited) before it is called. */
import { executionAuditBody } from '../audit/bodies.js';
import type { Clock } from '../core/clock.js';
import { DECIMAL_ZERO } from '../core/decimal.js';
import type { ConditionalOrderRequest } from '../core/conditional.js';
import type { AuditAppender } from '../core/stages.js';
import type { ChildOrderRequest, ExecutionReport, OrderIntent, Venue } from '../core/types.js';
import { isTerminal, type ChildState, type OrderStore, type ParentOrder } from './order-store.js';

/** Children whose notBefore lies in the future (split orders) are handed to a scheduler. */
export interface DeferredDispatcher {
  schedule(parent: ParentOrder, send: (index: number) => Promise<void>): void;
  cancel(intentId: string): void;
}

/** Conditional orders (intent.trigger): which go to the venue as its own conditional order, and
 * the holder that keeps the others and re-evaluates them at trigger (execution/conditional). */
export interface ConditionalRouting {
  forwardToVenue(parent: ParentOrder, venue: Venue): boolean;
  hold(parent: ParentOrder): void;
  cancel(intentId: string, reason: string): void;
}

export interface ExecutionRunnerDeps {
  readonly clock: Clock;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly orders: OrderStore;
  readonly audit: AuditAppender;
  readonly deferred?: DeferredDispatcher;
  readonly conditional?: ConditionalRouting;
  readonly logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Every venue report after it is audited and applied to its order (the pipeline's report steps). */
  readonly onReport: (report: ExecutionReport, parent: ParentOrder | undefined) => void;
  /** placeOrder sent → answered, in seconds (metrics). */
  readonly onVenueRoundTrip?: (venue: string, seconds: number) => void;
}

export class ExecutionRunner {
  /** Children whose placeOrder has not answered yet (a cancel waits for it). */
  private readonly inFlight = new Map<ChildState, Promise<void>>();
  private conditional: ConditionalRouting | undefined;

  constructor(private readonly d: ExecutionRunnerDeps) {
    this.conditional = d.conditional;
    for (const venue of d.venues.values()) venue.onReport((r) => this.record(r));
  }

  /** The conditional-order holder, when it is built after the pipeline (it submits through it). */
  route(conditional: ConditionalRouting): void {
    this.conditional = conditional;
  }

  /** Send what the decision allows: a conditional order is routed; otherwise children due now are
   * sent and awaited, later ones scheduled (sent at once when there is no scheduler). */
  async dispatch(venue: Venue, parent: ParentOrder, now: number): Promise<void> {
    if (parent.decision.kind === 'deny') return;
    if (parent.intent.trigger) return this.routeConditional(venue, parent);
    const due: number[] = [];
    parent.children.forEach((c, i) => (c.plan.notBefore <= now ? due.push(i) : undefined));
    const send = (i: number) => this.sendChild(venue, parent, i);
    if (due.length < parent.children.length && this.d.deferred) this.d.deferred.schedule(parent, send);
    else if (due.length < parent.children.length)
      parent.children.forEach((_, i) => (due.includes(i) ? undefined : due.push(i)));
    await Promise.all(due.map(send));
  }

  /** Cancel a parent: pending children are dropped, working ones cancelled at the venue. */
  async cancel(p: ParentOrder, reason: string): Promise<void> {
    this.d.deferred?.cancel(p.intentId);
    this.conditional?.cancel(p.intentId, reason);
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
              { intentId: p.intentId, child: c.plan.clientOrderId, code: r.code, reason: r.reason },
              'cancel rejected by the venue',
            );
          } else this.record(r);
        } catch (err) {
          this.d.logger?.warn({ err, intentId: p.intentId, child: c.plan.clientOrderId }, 'cancel failed at the venue');
        }
      }),
    );
  }

  private async sendChild(venue: Venue, parent: ParentOrder, index: number): Promise<void> {
    const child = parent.children[index];
    if (!child || child.status !== 'pending') return;
    const i = parent.intent;
    // A market order whose child carries a protective price (split with a price limit) goes out
    // as a limit IOC at that price: it fills at that price or better, or not at all.
    const protectedMarket = i.type === 'market' && child.plan.price !== undefined;
    const stp = parent.decision.selfTradePreventionMode;
    const req: ChildOrderRequest = {
      ...childBase(i, child),
      type: protectedMarket ? 'limit' : i.type,
      timeInForce: protectedMarket ? 'IOC' : i.timeInForce,
      ...(stp ? { selfTradePreventionMode: stp } : {}),
    };
    await this.track(child, () => this.place(venue, req, i, (r) => venue.placeOrder(r)));
  }

  /** A conditional order: a protective one goes to the venue as the venue's own conditional
   * order (it keeps working if the gateway dies); any other is held by the gateway and sent
   * through submit() again when it triggers. */
  private async routeConditional(venue: Venue, p: ParentOrder): Promise<void> {
    const c = this.conditional;
    if (!p.children[0]) return;
    if (!c || !c.forwardToVenue(p, venue) || !venue.placeConditional) {
      if (c) return c.hold(p);
      const now = this.d.clock.now();
      const reason = 'conditional orders are not routed here';
      p.children.forEach((_, i) => this.d.orders.endChild(p, i, 'rejected', now, 'VENUE_REJECTED', reason));
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
      ...childBase(i, child),
      type: i.type,
      timeInForce: i.timeInForce,
      trigger: i.trigger!,
    };
    await this.track(child, () =>
      this.place(venue, req, i, (r) => venue.placeConditional!(r as ConditionalOrderRequest)),
    );
  }

  /** The child is in flight from now on: a concurrent cancel goes to the venue, not the pending path. */
  private async track(child: ChildState, place: () => Promise<void>): Promise<void> {
    child.status = 'new'; // before placing: the venue may stream a fill before placeOrder answers
    const placing = place();
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
    send: (r: ChildOrderRequest) => Promise<ExecutionReport>,
  ): Promise<void> {
    try {
      const sent = performance.now();
      const report = await send(req);
      this.d.onVenueRoundTrip?.(venue.id, (performance.now() - sent) / 1000);
      this.record(report);
    } catch (err) {
      // Adapters map venue failures to reports; anything thrown here is unexpected: end the child.
      this.d.logger?.error({ err, clientOrderId: req.clientOrderId }, 'venue placeOrder threw');
      this.record({
        venue: venue.id,
        account: i.account,
        symbol: i.symbol,
        clientOrderId: req.clientOrderId,
        side: i.side,
        status: 'rejected',
        quantity: req.quantity,
        filledQuantity: DECIMAL_ZERO,
        ts: this.d.clock.now(),
        code: 'VENUE_UNKNOWN_STATE',
        reason: (err as Error).message,
      });
    }
  }

  /** Every venue report is applied to its parent and audited, then handed to the pipeline. */
  record(r: ExecutionReport): void {
    const parent = this.d.orders.applyReport(r, this.d.clock.now());
    this.d.audit.append('execution', executionAuditBody(r, parent?.intentId, parent?.intent.clientId));
    this.d.onReport(r, parent);
  }
}

/** The fields every child request copies from its intent and plan. */
function childBase(i: OrderIntent, child: ChildState) {
  const price = child.plan.price ?? i.price;
  return {
    account: i.account,
    symbol: i.symbol,
    clientOrderId: child.plan.clientOrderId,
    side: i.side,
    quantity: child.plan.quantity,
    ...(price ? { price } : {}),
    reduceOnly: i.reduceOnly,
    postOnly: i.postOnly,
    ...(i.leverage ? { leverage: i.leverage } : {}),
  };
}
