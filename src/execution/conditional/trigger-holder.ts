/** TriggerHolder: conditional orders the gateway keeps itself (orders that would open or grow a
 * position, and any conditional order on a venue without native ones). It watches the market
 * data the gateway already receives (mark price for MARK_PRICE, last trade / bar path for
 * CONTRACT_PRICE) and at trigger submits the order it becomes as a NEW intent through the whole
 * pipeline, so the policy that applies at that moment decides (re-evaluation). Like split
 * children, a held order is cancelled by a kill (pipeline.cancel) and when the symbol's regime
 * escalates beyond the regime at placement. Every hold, trigger and cancel is audited. */
import type { Clock } from '../../core/clock.js';
import { triggerCheck, type TrailState } from '../../core/conditional.js';
import { Decimal, DECIMAL_ZERO, decimalString, type DecimalString } from '../../core/decimal.js';
import type { IdGenerator } from '../../core/ids.js';
import { REGIME_ORDER } from '../../core/types.js';
import type { MarketEvent, OrderIntent, OrderStatus, RegimeLabel } from '../../core/types.js';
import type { ParentOrder } from '../order-store.js';
import { intrabarPath } from '../simulated/intrabar-path.js';
import type { HeldJournal, HeldRecord } from './held-journal.js';

export interface TriggerHolderDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** pipeline.submit */
  submit(intent: OrderIntent): Promise<{ intentId: string; order: ParentOrder }>;
  /** pipeline.cancel (audited there and here via cancel()). */
  cancelParent(intentId: string, reason: string): Promise<unknown>;
  /** End the held parent's single child (OrderStore.endChild). */
  endHeld(parent: ParentOrder, status: OrderStatus, reason: string): void;
  /** The symbol's latest regime; undefined before the first score of this process. */
  regimeOf(symbol: string): RegimeLabel | undefined;
  /** Signed position quantity of the account in the symbol (closePosition sizing at trigger). */
  position(intent: OrderIntent): Promise<string>;
  audit(body: Readonly<Record<string, unknown>>): void;
  /** Protective orders are not cancelled on regime escalation. */
  isProtective(intent: OrderIntent): boolean;
  readonly logger?: { warn(o: object, m: string): void };
  /** Held orders on disk (the state directory): a restart re-arms them (rearm()). */
  readonly journal?: HeldJournal;
}

export interface HeldState {
  readonly parent: ParentOrder;
  readonly trail: TrailState;
  firing: boolean;
  triggeredIntentId?: string;
  triggerPrice?: string;
}

const rank = (r: RegimeLabel): number => REGIME_ORDER.indexOf(r);

export class TriggerHolder {
  private readonly held = new Map<string, HeldState>();
  private readonly done = new Map<string, HeldState>(); // triggered, for presentation (bounded)
  private readonly firing = new Set<Promise<void>>();
  private readonly prices = new Map<string, { mark?: number; last?: number; markStream: boolean }>();

  constructor(private readonly d: TriggerHolderDeps) {}

  hold(parent: ParentOrder): void {
    const { intent, decision, regime, createdAt } = parent;
    this.d.journal?.hold({ intent, decision, regime, createdAt });
    this.held.set(parent.intentId, { parent, trail: { armed: false }, firing: false });
    const event = { event: 'held', trigger: parent.intent.trigger, regime: parent.regime };
    this.d.audit({ intentId: parent.intentId, conditional: event });
  }

  /** At start: the orders the journal still holds go back into the order store (`restore`) and
   * are watched again. A trailing stop re-arms from the prices seen after the restart. */
  rearm(restore: (r: HeldRecord) => ParentOrder): number {
    const list = this.d.journal?.held() ?? [];
    for (const r of list) {
      const parent = restore(r);
      this.held.set(parent.intentId, { parent, trail: { armed: false }, firing: false });
      this.d.audit({ intentId: parent.intentId, conditional: { event: 'rearmed', trigger: r.intent.trigger } });
    }
    return list.length;
  }

  /** Held (waiting) or triggered state of a parent, if the holder knows it. */
  state(intentId: string): HeldState | undefined {
    return this.held.get(intentId) ?? this.done.get(intentId);
  }

  /** pipeline.cancel calls this (bot cancel, kill, regime escalation). */
  cancel(intentId: string, reason: string): void {
    const h = this.held.get(intentId);
    if (!h || h.firing) return;
    this.held.delete(intentId);
    this.d.journal?.end(intentId);
    this.remember(h);
    this.d.audit({ intentId, conditional: { event: 'canceled', reason } });
  }

  ingest(e: MarketEvent): void {
    const p = this.prices.get(e.symbol) ?? { markStream: false };
    this.prices.set(e.symbol, p);
    const points: { mark?: number; last?: number }[] = [];
    if (e.type === 'mark') {
      p.markStream = true;
      points.push({ mark: e.markPrice, ...(e.lastPrice ? { last: e.lastPrice } : {}) });
    } else if (e.type === 'trade') points.push({ last: e.price });
    else if (e.type === 'bar') {
      // Without a mark stream the bar path stands in for the mark too.
      for (const pt of intrabarPath(e, 1)) points.push({ last: pt.price, ...(p.markStream ? {} : { mark: pt.price }) });
    } else return;
    if (!this.hasHeld(e.symbol)) {
      for (const pt of points) Object.assign(p, pt);
      return;
    }
    this.escalations(e.symbol);
    for (const pt of points) {
      Object.assign(p, pt);
      for (const h of [...this.held.values()]) {
        const i = h.parent.intent;
        if (i.symbol !== e.symbol || h.firing) continue;
        if (h.parent.children[0]?.status !== 'pending') {
          this.held.delete(h.parent.intentId); // ended elsewhere
          this.d.journal?.end(h.parent.intentId);
          continue;
        }
        const px = i.trigger!.workingType === 'mark' ? (p.mark ?? p.last) : (p.last ?? p.mark);
        if (px === undefined || !(px > 0)) continue;
        const hit = triggerCheck(i.side, i.trigger!, new Decimal(px.toPrecision(15)), h.trail);
        if (hit) this.track(this.fire(h, String(px)));
      }
    }
  }

  /** Resolves once every trigger fired so far has been submitted (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.firing.size) await Promise.all([...this.firing]);
  }

  private track(p: Promise<void>): void {
    this.firing.add(p);
    void p.finally(() => this.firing.delete(p));
  }

  size(): number {
    return this.held.size;
  }

  private remember(h: HeldState): void {
    this.done.set(h.parent.intentId, h);
    if (this.done.size > 10_000) this.done.delete(this.done.keys().next().value!);
  }

  private hasHeld(symbol: string): boolean {
    for (const h of this.held.values()) if (h.parent.intent.symbol === symbol) return true;
    return false;
  }

  private escalations(symbol: string): void {
    const current = this.d.regimeOf(symbol);
    // Not scored yet since start (orders re-armed after a restart): nothing to compare with; the
    // policy still decides at trigger.
    if (current === undefined) return;
    const now = rank(current);
    for (const h of [...this.held.values()]) {
      const i = h.parent.intent;
      if (i.symbol !== symbol || h.firing || this.d.isProtective(i) || now <= rank(h.parent.regime)) continue;
      const reason = `regime escalated from ${h.parent.regime} to ${current} before the trigger`;
      this.track(this.d.cancelParent(h.parent.intentId, reason).then(() => undefined));
    }
  }

  private async fire(h: HeldState, price: string): Promise<void> {
    h.firing = true;
    const held = h.parent.intent;
    const intentId = this.d.ids.next('ord');
    h.triggeredIntentId = intentId;
    h.triggerPrice = price;
    this.held.delete(h.parent.intentId);
    this.d.journal?.end(h.parent.intentId);
    this.remember(h);
    let quantity: DecimalString;
    const { trigger, ...rest } = held;
    if (trigger!.closePosition) {
      const pos = new Decimal(await this.d.position(held).catch(() => '0'));
      quantity = decimalString(pos.abs());
    } else quantity = h.parent.decision.kind === 'deny' ? DECIMAL_ZERO : h.parent.decision.approvedQuantity;
    const working = trigger!.workingType;
    const triggered = { event: 'triggered', price, workingType: working, triggeredIntentId: intentId, quantity };
    this.d.audit({ intentId: h.parent.intentId, conditional: triggered });
    this.d.endHeld(h.parent, 'expired', `triggered at ${price}: re-evaluated as ${intentId}`);
    if (new Decimal(quantity).lte(0)) {
      const notSent = { event: 'not_sent', reason: 'closePosition: no position at trigger' };
      this.d.audit({ intentId: h.parent.intentId, conditional: notSent });
      return;
    }
    const reduceOnly = held.reduceOnly || trigger!.closePosition;
    const receivedAt = this.d.clock.now();
    const intent: OrderIntent = { ...rest, intentId, clientOrderId: intentId, quantity, reduceOnly, receivedAt };
    try {
      const r = await this.d.submit(intent);
      const d = r.order.decision;
      const code = d.code ? { code: d.code } : {};
      const event = { event: 're_evaluated', triggeredIntentId: intentId, decision: d.kind, ...code };
      this.d.audit({ intentId: h.parent.intentId, conditional: event });
    } catch (err) {
      this.d.logger?.warn({ err, intentId: h.parent.intentId }, 'triggered conditional order could not be submitted');
      const failed = { event: 'submit_failed', triggeredIntentId: intentId, error: (err as Error).message };
      this.d.audit({ intentId: h.parent.intentId, conditional: failed });
    }
  }
}
