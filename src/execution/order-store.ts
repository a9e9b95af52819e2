import { Decimal } from '../core/decimal.js';
import type { DecimalString } from '../core/decimal.js';
import type { ChildPlan, Decision, ExecutionReport, OrderIntent, OrderStatus, RegimeLabel } from '../core/types.js';

/** One child order as the gateway tracks it: the plan, and the latest venue report. */
export interface ChildState {
  readonly plan: ChildPlan;
  status: OrderStatus;
  filledQuantity: string;
  avgPrice?: string;
  venueOrderId?: string;
  code?: string;
  reason?: string;
}

/** A bot's order (the parent) with its decision and children. Mutable only through OrderStore. */
export interface ParentOrder {
  readonly intentId: string;
  readonly intent: OrderIntent;
  readonly decision: Decision;
  readonly regime: RegimeLabel;
  readonly children: ChildState[];
  status: OrderStatus;
  filledQuantity: string;
  avgPrice?: string;
  readonly createdAt: number;
  updatedAt: number;
}

const TERMINAL: ReadonlySet<OrderStatus> = new Set(['filled', 'canceled', 'rejected', 'expired']);
export const isTerminal = (s: OrderStatus): boolean => TERMINAL.has(s);

/** The parent's status is an aggregate of its children: filled only when all are, partially
 * filled as soon as any quantity filled, terminal once every child is. */
function aggregateStatus(p: Pick<ParentOrder, 'decision' | 'children'>): {
  status: OrderStatus;
  filled: Decimal;
  avgPrice?: string;
} {
  if (p.decision.kind === 'deny') return { status: 'rejected', filled: new Decimal(0) };
  let filled = new Decimal(0);
  let notional = new Decimal(0);
  for (const c of p.children) {
    const q = new Decimal(c.filledQuantity);
    filled = filled.plus(q);
    if (c.avgPrice && q.gt(0)) notional = notional.plus(q.mul(c.avgPrice));
  }
  const avgPrice = filled.gt(0) ? notional.div(filled).toSignificantDigits(12).toFixed() : undefined;
  const statuses = p.children.map((c) => c.status);
  const approved = new Decimal(p.decision.approvedQuantity);
  let status: OrderStatus;
  if (statuses.length === 0) status = 'rejected';
  else if (filled.gte(approved) && approved.gt(0)) status = 'filled';
  else if (statuses.every((s) => isTerminal(s))) {
    status = filled.gt(0)
      ? 'partially_filled'
      : statuses.every((s) => s === 'rejected')
        ? 'rejected'
        : statuses.includes('expired') && !statuses.includes('canceled')
          ? 'expired'
          : 'canceled';
    // A partially filled parent whose remaining children all ended is finished: report it canceled with fills.
    if (filled.gt(0)) status = 'canceled';
  } else if (filled.gt(0)) status = 'partially_filled';
  else if (statuses.some((s) => s === 'new' || s === 'partially_filled')) status = 'new';
  else status = 'pending';
  return avgPrice ? { status, filled, avgPrice } : { status, filled };
}

/** In-memory store of parent orders, indexed by intent id and by (client, clientOrderId) and by
 * child clientOrderId, so venue reports find their parent in O(1). Bounded: the oldest terminal
 * orders are evicted past `maxOrders` (the audit log is the durable record). */
export class OrderStore {
  private readonly byIntent = new Map<string, ParentOrder>();
  private readonly byClientOrderId = new Map<string, string>();
  private readonly byChild = new Map<string, { intentId: string; index: number }>();

  constructor(private readonly maxOrders = 100_000) {}

  static clientKey(clientId: string, clientOrderId: string): string {
    return `${clientId}\u0000${clientOrderId}`;
  }

  hasClientOrderId(clientId: string, clientOrderId: string): boolean {
    return this.byClientOrderId.has(OrderStore.clientKey(clientId, clientOrderId));
  }

  add(intent: OrderIntent, decision: Decision, regime: RegimeLabel, now: number): ParentOrder {
    const children: ChildState[] =
      decision.kind === 'deny'
        ? []
        : decision.children.map((plan) => ({ plan, status: 'pending' as OrderStatus, filledQuantity: '0' }));
    const p: ParentOrder = {
      intentId: intent.intentId,
      intent,
      decision,
      regime,
      children,
      status: decision.kind === 'deny' ? 'rejected' : 'pending',
      filledQuantity: '0',
      createdAt: now,
      updatedAt: now,
    };
    this.byIntent.set(intent.intentId, p);
    // A denied duplicate must not take over the key of the order that already holds it.
    const key = OrderStore.clientKey(intent.clientId, intent.clientOrderId);
    if (!this.byClientOrderId.has(key)) this.byClientOrderId.set(key, intent.intentId);
    children.forEach((c, index) =>
      this.byChild.set(`${intent.account}\u0000${c.plan.clientOrderId}`, { intentId: intent.intentId, index }),
    );
    this.evict();
    return p;
  }

  get(intentId: string): ParentOrder | undefined {
    return this.byIntent.get(intentId);
  }

  getByClientOrderId(clientId: string, clientOrderId: string): ParentOrder | undefined {
    const id = this.byClientOrderId.get(OrderStore.clientKey(clientId, clientOrderId));
    return id ? this.byIntent.get(id) : undefined;
  }

  /** Apply a venue report to its child; returns the parent, or undefined for an unknown order. */
  applyReport(r: ExecutionReport, now: number): ParentOrder | undefined {
    const ref = this.byChild.get(`${r.account}\u0000${r.clientOrderId}`);
    if (!ref) return undefined;
    const p = this.byIntent.get(ref.intentId);
    const c = p?.children[ref.index];
    if (!p || !c) return undefined;
    // Reports can arrive out of order (stream vs placeOrder answer): a terminal child is never
    // reopened by a stale non-terminal report, and filled quantity never goes down.
    if (!(isTerminal(c.status) && !isTerminal(r.status))) c.status = r.status;
    if (new Decimal(r.filledQuantity).gt(c.filledQuantity)) c.filledQuantity = r.filledQuantity;
    if (r.avgPrice) c.avgPrice = r.avgPrice;
    if (r.venueOrderId) c.venueOrderId = r.venueOrderId;
    if (r.code) c.code = r.code;
    if (r.reason) c.reason = r.reason;
    this.refresh(p, now);
    return p;
  }

  /** Mark a child as ended by the gateway itself (cancelled before it was sent, or failed). */
  endChild(p: ParentOrder, index: number, status: OrderStatus, now: number, code?: string, reason?: string): void {
    const c = p.children[index];
    if (!c || isTerminal(c.status)) return;
    c.status = status;
    if (code) c.code = code;
    if (reason) c.reason = reason;
    this.refresh(p, now);
  }

  refresh(p: ParentOrder, now: number): void {
    const agg = aggregateStatus(p);
    p.status = agg.status;
    p.filledQuantity = agg.filled.toFixed();
    if (agg.avgPrice) p.avgPrice = agg.avgPrice;
    p.updatedAt = now;
  }

  /** A single-child LIMIT parent amended in place at the venue: new total quantity and price
   * (the decision's approved quantity, the intent's price and the child plan follow). */
  amend(p: ParentOrder, quantity: DecimalString, price: DecimalString, now: number): void {
    const m = p as { intent: OrderIntent; decision: Decision };
    m.intent = { ...p.intent, quantity, price };
    const d = p.decision;
    if (d.kind === 'accept' || d.kind === 'modify') m.decision = { ...d, approvedQuantity: quantity };
    const c = p.children[0] as { plan: ChildPlan } | undefined;
    if (c) c.plan = { ...c.plan, quantity, price };
    p.updatedAt = now;
  }

  /** Working (non-terminal) parents, optionally filtered. */
  working(filter: (p: ParentOrder) => boolean = () => true): ParentOrder[] {
    const out: ParentOrder[] = [];
    for (const p of this.byIntent.values()) if (!isTerminal(p.status) && filter(p)) out.push(p);
    return out;
  }

  list(filter: (p: ParentOrder) => boolean = () => true, limit = 100): ParentOrder[] {
    const out: ParentOrder[] = [];
    for (const p of [...this.byIntent.values()].reverse()) {
      if (filter(p)) out.push(p);
      if (out.length >= limit) break;
    }
    return out;
  }

  private evict(): void {
    if (this.byIntent.size <= this.maxOrders) return;
    for (const [id, p] of this.byIntent) {
      if (this.byIntent.size <= this.maxOrders) break;
      if (!isTerminal(p.status)) continue;
      this.byIntent.delete(id);
      const key = OrderStore.clientKey(p.intent.clientId, p.intent.clientOrderId);
      if (this.byClientOrderId.get(key) === id) this.byClientOrderId.delete(key);
      for (const c of p.children) {
        const ck = `${p.intent.account}\u0000${c.plan.clientOrderId}`;
        if (this.byChild.get(ck)?.intentId === id) this.byChild.delete(ck);
      }
    }
  }
}
