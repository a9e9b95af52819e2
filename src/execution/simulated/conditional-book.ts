/** Conditional orders of the simulated exchange (Binance USD-M algo / stop orders): each waits
 * on the symbol's mark price (workingType MARK_PRICE) or last trade price (CONTRACT_PRICE) and,
 * once triggered, is placed as a market order (or a limit order at its price for STOP /
 * TAKE_PROFIT) with the same clientOrderId, so its fills report under that id. closePosition
 * sizes the order to the whole position at trigger time. */
import { Decimal, DECIMAL_ZERO, decimalString } from '../../core/decimal.js';
import {
  triggerCheck,
  type ConditionalOrderRequest,
  type TrailState,
  type WorkingType,
} from '../../core/conditional.js';
import type { ChildOrderRequest, ExecutionReport, InstrumentSpec, OrderStatus } from '../../core/types.js';
import type { ReportOrigin, SimResult } from './options.js';
import { REJECT, type VenueReject } from './rejects.js';
import { rejectReport } from './reports.js';

/** Waiting: 'new'. Triggered: the placed order carries on under the same clientOrderId. */
type ConditionalStatus = 'new' | 'triggered' | 'canceled' | 'expired' | 'rejected';

export interface SimConditional {
  readonly req: ConditionalOrderRequest;
  readonly venueOrderId: string;
  readonly createdAt: number;
  status: ConditionalStatus;
  updatedAt: number;
  triggerTime?: number;
  reason?: string;
  readonly trail: TrailState;
}

export interface ConditionalHost {
  readonly venue: string;
  instrument(symbol: string): InstrumentSpec | undefined;
  price(symbol: string, working: WorkingType): Decimal | undefined;
  /** Signed position quantity (0 when flat). */
  position(account: string, symbol: string): Decimal;
  /** True when a regular order with this clientOrderId is still working. */
  hasOpenOrder(account: string, clientOrderId: string): boolean;
  place(req: ChildOrderRequest, origin: ReportOrigin): SimResult;
  emit(r: ExecutionReport, origin: ReportOrigin): void;
  nextOrderId(): string;
  now(): number;
}

const key = (account: string, cid: string): string => `${account}\u0000${cid}`;
const CID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export class ConditionalBook {
  private readonly all = new Map<string, SimConditional>();
  private readonly open = new Map<string, Set<SimConditional>>(); // by symbol
  private checking = false;

  constructor(
    private readonly h: ConditionalHost,
    private readonly maxKept = 10_000,
  ) {}

  place(req: ConditionalOrderRequest): SimResult {
    const ts = this.h.now();
    const bad = this.validate(req);
    if (bad) return { report: rejectReport(this.h.venue, req, bad, ts), reject: bad };
    const c: SimConditional = {
      req,
      venueOrderId: this.h.nextOrderId(),
      createdAt: ts,
      updatedAt: ts,
      status: 'new',
      trail: { armed: false },
    };
    this.all.delete(key(req.account, req.clientOrderId));
    this.all.set(key(req.account, req.clientOrderId), c);
    this.setOf(req.symbol).add(c);
    this.trim();
    const report = this.report(c, ts);
    this.h.emit(report, 'request');
    return { report };
  }

  cancel(account: string, symbol: string, clientOrderId: string): SimResult | undefined {
    const c = this.all.get(key(account, clientOrderId));
    if (!c || c.req.symbol !== symbol) return undefined;
    const ts = this.h.now();
    if (c.status !== 'new')
      return { report: rejectReport(this.h.venue, c.req, REJECT.cancelUnknown(), ts), reject: REJECT.cancelUnknown() };
    return { report: this.end(c, 'canceled', ts, 'request') };
  }

  get(account: string, clientOrderId: string): SimConditional | undefined {
    return this.all.get(key(account, clientOrderId));
  }

  byOrderId(account: string, venueOrderId: string): SimConditional | undefined {
    for (const c of this.all.values()) if (c.req.account === account && c.venueOrderId === venueOrderId) return c;
    return undefined;
  }

  /** Every conditional order kept for the account (newest last), waiting or not. */
  list(account: string, symbol?: string): SimConditional[] {
    return [...this.all.values()].filter((c) => c.req.account === account && (!symbol || c.req.symbol === symbol));
  }

  /** Conditional orders still waiting for their trigger. */
  waiting(account: string, symbol?: string): SimConditional[] {
    const out: SimConditional[] = [];
    for (const [s, set] of this.open)
      if (!symbol || s === symbol) for (const c of set) if (c.req.account === account) out.push(c);
    return out;
  }

  report(c: SimConditional, ts: number): ExecutionReport {
    const status: OrderStatus = c.status === 'triggered' ? 'new' : c.status;
    return {
      venue: this.h.venue,
      account: c.req.account,
      symbol: c.req.symbol,
      clientOrderId: c.req.clientOrderId,
      venueOrderId: c.venueOrderId,
      side: c.req.side,
      status,
      quantity: c.req.quantity,
      filledQuantity: DECIMAL_ZERO,
      ts,
      ...(c.reason ? { reason: c.reason } : {}),
    };
  }

  /** After every price move of `symbol`: fire what the move triggers, oldest first. */
  check(symbol: string, ts: number): void {
    const set = this.open.get(symbol);
    if (!set || set.size === 0 || this.checking) return;
    this.checking = true;
    try {
      for (const c of [...set]) {
        if (c.status !== 'new') continue;
        const px = this.h.price(symbol, c.req.trigger.workingType);
        if (px && triggerCheck(c.req.side, c.req.trigger, px, c.trail)) this.fire(c, ts);
      }
    } finally {
      this.checking = false;
    }
  }

  private fire(c: SimConditional, ts: number): void {
    const { trigger, ...child } = c.req;
    let quantity = child.quantity;
    if (trigger.closePosition) {
      const pos = this.h.position(child.account, child.symbol);
      if (pos.isZero() || pos.isPositive() === (child.side === 'buy')) {
        this.end(c, 'expired', ts, 'venue', 'closePosition: no position to close at trigger');
        return;
      }
      quantity = decimalString(pos.abs());
    }
    c.status = 'triggered';
    c.triggerTime = ts;
    c.updatedAt = ts;
    this.open.get(child.symbol)?.delete(c);
    const res = this.h.place({ ...child, quantity, reduceOnly: child.reduceOnly || trigger.closePosition }, 'venue');
    // A rejection at trigger time (margin, reduce-only with no position) ends the order.
    if (res.reject)
      this.end(c, 'expired', ts, 'venue', `triggered but not placed: ${res.reject.venueCode} ${res.reject.message}`);
  }

  private end(
    c: SimConditional,
    status: 'canceled' | 'expired',
    ts: number,
    origin: ReportOrigin,
    reason?: string,
  ): ExecutionReport {
    c.status = status;
    c.updatedAt = ts;
    if (reason) c.reason = reason;
    this.open.get(c.req.symbol)?.delete(c);
    const r = this.report(c, ts);
    this.h.emit(r, origin);
    return r;
  }

  private validate(req: ConditionalOrderRequest): VenueReject | undefined {
    const inst = this.h.instrument(req.symbol);
    if (!inst) return REJECT.unknownSymbol();
    if (!CID.test(req.clientOrderId)) return REJECT.badClientOrderId();
    const prior = this.all.get(key(req.account, req.clientOrderId));
    if ((prior && prior.status === 'new') || this.h.hasOpenOrder(req.account, req.clientOrderId))
      return REJECT.duplicateClientOrderId();
    const t = req.trigger;
    const positive = (v: string | undefined) =>
      v !== undefined && /^[0-9]+(\.[0-9]+)?$/.test(v) && new Decimal(v).gt(0);
    if (t.kind === 'trailing_stop') {
      if (!positive(t.callbackRate) || new Decimal(t.callbackRate!).lt('0.1') || new Decimal(t.callbackRate!).gt(10))
        return REJECT.callbackRate();
      if (t.activationPrice !== undefined && !positive(t.activationPrice)) return REJECT.malformed('activationPrice');
    } else {
      if (!positive(t.stopPrice)) return REJECT.malformed('stopPrice');
      if (!new Decimal(t.stopPrice!).mod(inst.tickSize).isZero()) return REJECT.priceTick();
      // Binance: an order that would trigger immediately is rejected (-2021).
      const px = this.h.price(req.symbol, t.workingType);
      if (px && triggerCheck(req.side, t, px)) return REJECT.immediateTrigger();
    }
    if (t.closePosition) {
      if (req.type !== 'market' || t.kind === 'trailing_stop') return REJECT.malformed('closePosition');
      return undefined;
    }
    if (!positive(req.quantity)) return REJECT.qtyNotPositive();
    const q = new Decimal(req.quantity);
    if (!q.mod(inst.stepSize).isZero()) return REJECT.precision();
    if (q.lt(inst.minQty)) return REJECT.qtyBelowMin();
    if (q.gt(inst.maxQty)) return REJECT.qtyAboveMax();
    if (req.type === 'limit' && (!positive(req.price) || !new Decimal(req.price!).mod(inst.tickSize).isZero()))
      return REJECT.priceTick();
    return undefined;
  }

  private setOf(symbol: string): Set<SimConditional> {
    let s = this.open.get(symbol);
    if (!s) this.open.set(symbol, (s = new Set()));
    return s;
  }

  private trim(): void {
    if (this.all.size <= this.maxKept) return;
    for (const [k, c] of this.all) {
      if (this.all.size <= this.maxKept) break;
      if (c.status !== 'new') this.all.delete(k);
    }
  }
}
