/** SimulatedExchange: a synchronous, deterministic paper exchange modelled on Binance USD-M
 * (one-way mode). Market events drive it (`ingest`), the injected clock stamps requests. All
 * order-path arithmetic is Decimal; see README.md for the models and their simplifications. */
import { maxNotionalForLeverage } from '../../account/margin.js';
import type { Clock } from '../../core/clock.js';
import { Decimal, DECIMAL_ZERO, decimalString, floorToStep, roundToStep } from '../../core/decimal.js';
import type {
  AccountState,
  AmendOrderRequest,
  ChildOrderRequest,
  ExecutionReport,
  FundingPayment,
  InstrumentSpec,
  MarginMode,
  MarketEvent,
} from '../../core/types.js';
import type { ConditionalOrderRequest } from '../../core/conditional.js';
import { AccountBook } from './book.js';
import { ConditionalBook } from './conditional-book.js';
import { parkinsonSigma, type ImpactParams } from './impact.js';
import {
  resolveOptions,
  type ReportListener,
  type ReportOrigin,
  type SimResult,
  type SimulatedExchangeOptions,
} from './options.js';
import { buildInstruments } from './instruments.js';
import { intrabarPath } from './intrabar-path.js';
import { Liquidator } from './liquidator.js';
import { OpenOrderMargin, checkParameters, openingQty, reduceOnlyRejected, signed } from './orders.js';
import { planTaker } from './taker.js';
import { REJECT, type VenueReject } from './rejects.js';
import { isTerminalOrder, orderReport, rejectReport } from './reports.js';
import type { EquityPoint, LedgerEntry, SimAccount, SimOrder, SymbolMarket } from './state.js';

export type { ReportListener, ReportOrigin, SimResult, SimulatedExchangeOptions } from './options.js';

const ZERO = new Decimal(0);

export class SimulatedExchange {
  readonly id: string;
  private readonly clock: Clock;
  private readonly list: readonly InstrumentSpec[];
  private readonly bySymbol: ReadonlyMap<string, InstrumentSpec>;
  private readonly markets = new Map<string, SymbolMarket>();
  private readonly book: AccountBook;
  private readonly openBySymbol = new Map<string, Set<SimOrder>>();
  private readonly openByAccount = new Map<string, Set<SimOrder>>();
  private readonly listeners = new Set<ReportListener>();
  private readonly fundingListeners = new Set<(p: FundingPayment) => void>();
  private readonly margins = new OpenOrderMargin((acc, sym) =>
    [...(this.openByAccount.get(acc) ?? [])].filter((o) => o.symbol === sym),
  );
  private readonly makerFee: Decimal;
  private readonly takerFee: Decimal;
  private readonly impact: ImpactParams;
  private readonly stepsPerLeg: number;
  private readonly participation: number;
  private readonly liquidator: Liquidator;
  private readonly maxTerminalOrders: number;
  private orderSeq = 0;
  /** Stop / take-profit / trailing orders waiting for their trigger (conditional-book.ts). */
  readonly conditional: ConditionalBook;

  constructor(o: SimulatedExchangeOptions) {
    const r = resolveOptions(o);
    this.id = r.venueId;
    this.clock = o.clock;
    this.list = Object.freeze([...(o.instruments ?? buildInstruments(this.id))]);
    this.bySymbol = new Map(this.list.map((i) => [i.symbol, i]));
    for (const i of this.list) this.markets.set(i.symbol, { markVersion: 0 });
    ({
      makerFee: this.makerFee,
      takerFee: this.takerFee,
      impact: this.impact,
      stepsPerLeg: this.stepsPerLeg,
      participation: this.participation,
      maxTerminalOrders: this.maxTerminalOrders,
    } = r);
    this.book = new AccountBook(r.book, this.bySymbol, this.markets);
    this.liquidator = new Liquidator(
      {
        book: this.book,
        instrument: (s) => this.bySymbol.get(s)!,
        lastPrice: (s) => this.markets.get(s)?.price,
        openOrders: (acc) => [...(this.openByAccount.get(acc) ?? [])],
        cancelByVenue: (ord, ts, reason) => void this.finish(ord, 'canceled', ts, 'venue', reason),
        nextOrderSeq: () => ++this.orderSeq,
        record: (a, ord) => {
          this.remember(a, ord);
          this.emit(orderReport(this.id, ord, ord.updatedAt), 'venue');
        },
      },
      r.liquidationFee,
    );
    this.conditional = new ConditionalBook({
      venue: this.id,
      instrument: (s) => this.bySymbol.get(s),
      price: (s, w) => (w === 'mark' ? this.book.mark(s) : (this.markets.get(s)?.price ?? this.book.mark(s))),
      position: (acc, s) => this.book.peek(acc)?.positions.get(s)?.qty ?? ZERO,
      hasOpenOrder: (acc, cid) => {
        const o = this.book.peek(acc)?.orders.get(cid);
        return o !== undefined && !isTerminalOrder(o);
      },
      place: (req, origin) => this.placeOrderSync(req, origin),
      emit: (rep, origin) => this.emit(rep, origin),
      nextOrderId: () => String(++this.orderSeq),
      now: () => this.clock.now(),
    });
  }

  // ─── reads ────────────────────────────────────────────────────────────────────────────────

  instruments(): readonly InstrumentSpec[] {
    return this.list;
  }
  instrument(symbol: string): InstrumentSpec | undefined {
    return this.bySymbol.get(symbol);
  }
  /** Every report: 'request' ones answer a call (also returned by it), 'venue' ones are
   * asynchronous (resting fills, liquidations, cancels by the venue). */
  onReport(listener: ReportListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Every funding payment booked to an account's wallet (the ledger's 'funding' entries). */
  onFunding(listener: (p: FundingPayment) => void): () => void {
    this.fundingListeners.add(listener);
    return () => this.fundingListeners.delete(listener);
  }
  /** The exchange's clock (replay time under a replay). */
  now(): number {
    return this.clock.now();
  }
  markPrice(symbol: string): string | undefined {
    return this.book.mark(symbol)?.toFixed();
  }
  lastPrice(symbol: string): string | undefined {
    return this.markets.get(symbol)?.price?.toFixed();
  }
  accountStateSync(account: string): AccountState {
    const a = this.book.get(account, this.clock.now());
    return this.book.state(a, this.orderMargin(a));
  }
  openOrdersSync(account: string, symbol?: string): ExecutionReport[] {
    const out: ExecutionReport[] = [];
    for (const o of this.openByAccount.get(account) ?? [])
      if (!symbol || o.symbol === symbol) out.push(orderReport(this.id, o, o.updatedAt));
    return out;
  }
  /** Quote notional of open orders (remaining size × limit price). */
  openOrdersNotional(account: string, symbol?: string): string {
    let n = ZERO;
    for (const o of this.openByAccount.get(account) ?? [])
      if ((!symbol || o.symbol === symbol) && o.price) n = n.plus(o.quantity.minus(o.filled).mul(o.price));
    return n.toFixed();
  }
  fetchOrderSync(account: string, symbol: string, clientOrderId: string): ExecutionReport | undefined {
    const c = this.conditional.get(account, clientOrderId);
    if (c && c.status !== 'triggered' && c.req.symbol === symbol) return this.conditional.report(c, c.updatedAt);
    const o = this.book.peek(account)?.orders.get(clientOrderId);
    return o && o.symbol === symbol ? orderReport(this.id, o, o.updatedAt) : undefined;
  }
  ledger(account: string): readonly LedgerEntry[] {
    return this.book.peek(account)?.ledger ?? [];
  }
  equityHistory(account: string): readonly EquityPoint[] {
    return this.book.peek(account)?.equity ?? [];
  }
  /** Insurance fund: liquidation clearance fees plus the venue's gain/loss closing liquidated
   * positions at the market instead of at their liquidation prices. */
  insuranceFund(): string {
    return this.liquidator.fund().toFixed();
  }
  accounts(): string[] {
    return [...this.book.all()].map((a) => a.id);
  }

  // ─── settings ─────────────────────────────────────────────────────────────────────────────

  setLeverage(account: string, symbol: string, leverage: string): VenueReject | undefined {
    const inst = this.bySymbol.get(symbol);
    if (!inst) return REJECT.unknownSymbol();
    if (!/^[1-9][0-9]{0,2}$/.test(leverage) || Number(leverage) > inst.maxLeverage) return REJECT.leverage(leverage);
    const a = this.book.get(account, this.clock.now());
    const lev = new Decimal(leverage);
    const pos = a.positions.get(symbol);
    const cap = maxNotionalForLeverage(lev, inst.brackets);
    if (
      pos &&
      (!cap ||
        pos.qty
          .abs()
          .mul(this.book.mark(symbol) ?? pos.entry)
          .gt(cap))
    )
      return REJECT.maxPosition();
    this.book.settings(a, symbol).leverage = lev;
    return undefined;
  }

  setMarginMode(account: string, symbol: string, mode: MarginMode): VenueReject | undefined {
    if (!this.bySymbol.has(symbol)) return REJECT.unknownSymbol();
    const a = this.book.get(account, this.clock.now());
    if (a.positions.has(symbol)) return REJECT.marginTypePosition();
    for (const o of this.openByAccount.get(account) ?? []) if (o.symbol === symbol) return REJECT.marginTypeOrders();
    this.book.settings(a, symbol).mode = mode;
    return undefined;
  }

  // ─── orders ───────────────────────────────────────────────────────────────────────────────

  /** Conditional orders: see conditional-book.ts. */
  placeConditionalSync(req: ConditionalOrderRequest): SimResult {
    return this.conditional.place(req);
  }

  /** `origin` 'venue' for an order the exchange places itself (a triggered conditional). */
  placeOrderSync(req: ChildOrderRequest, origin: ReportOrigin = 'request'): SimResult {
    const ts = this.clock.now();
    const reject = (x: VenueReject): SimResult => ({ report: rejectReport(this.id, req, x, ts), reject: x });
    const inst = this.bySymbol.get(req.symbol);
    if (!inst) return reject(REJECT.unknownSymbol());
    const a = this.book.get(req.account, ts);
    const prior = a.orders.get(req.clientOrderId);
    if (prior && !isTerminalOrder(prior)) return reject(REJECT.duplicateClientOrderId());
    const ref = this.markets.get(req.symbol)!.price ?? this.book.mark(req.symbol);
    const checked = checkParameters(req, inst, ref);
    if ('venueCode' in checked) return reject(checked);
    if (req.type === 'market' && !ref) return reject(REJECT.noPrice(req.symbol));
    if (req.leverage !== undefined) {
      const bad = this.setLeverage(req.account, req.symbol, req.leverage);
      if (bad) return reject(bad);
    }
    const pos = a.positions.get(req.symbol);
    if (req.reduceOnly && reduceOnlyRejected(req.side, pos)) return reject(REJECT.reduceOnly());

    // How much trades immediately as taker, and at what price.
    const qty = checked.quantity;
    const limit = checked.price;
    const taker = planTaker(inst, req.type, req.side, qty, limit, ref, this.markets.get(req.symbol)!.bar, this.impact);
    if (taker.marketable && checked.postOnly) return reject(REJECT.postOnly());
    const takerQty = taker.qty;
    const takerPrice = taker.price;
    const fok = req.type === 'limit' && req.timeInForce === 'FOK';

    if (!req.reduceOnly) {
      const s = this.book.settings(a, req.symbol);
      const delta = signed(req.side, qty);
      const valuePrice = limit ?? takerPrice!;
      const opening = openingQty(pos?.qty ?? ZERO, delta);
      const fee = takerQty
        .mul(takerPrice ?? ZERO)
        .mul(this.takerFee)
        .plus(qty.minus(takerQty).mul(valuePrice).mul(this.makerFee));
      const required = opening.mul(valuePrice).div(s.leverage).plus(fee);
      if (required.gt(this.book.available(a, this.orderMargin(a)))) return reject(REJECT.margin());
      const cap = maxNotionalForLeverage(s.leverage, inst.brackets);
      if (opening.gt(0) && (!cap || (pos?.qty ?? ZERO).plus(delta).abs().mul(valuePrice).gt(cap)))
        return reject(REJECT.maxPosition());
    }

    const order: SimOrder = {
      venueOrderId: String(++this.orderSeq),
      seq: this.orderSeq,
      account: req.account,
      symbol: req.symbol,
      clientOrderId: req.clientOrderId,
      side: req.side,
      type: req.type,
      quantity: qty,
      ...(limit ? { price: limit, priceNum: limit.toNumber() } : {}),
      reduceOnly: req.reduceOnly,
      postOnly: checked.postOnly,
      timeInForce: req.timeInForce,
      status: 'new',
      filled: ZERO,
      filledNotional: ZERO,
      fee: ZERO,
      updatedAt: ts,
    };
    this.remember(a, order);
    if (fok && takerQty.lt(qty))
      return { report: this.finish(order, 'expired', ts, origin, 'FOK order could not be filled in full') };
    if (takerQty.gt(0)) this.execute(order, takerQty, takerPrice!, false, ts, origin);
    const rest = order.quantity.minus(order.filled);
    if (order.status === 'expired' || rest.isZero()) return { report: orderReport(this.id, order, ts) };
    if (req.type === 'market')
      return { report: this.finish(order, 'expired', ts, origin, 'reduceOnly: trimmed to the position size') };
    if (req.timeInForce === 'IOC' || fok)
      return { report: this.finish(order, 'expired', ts, origin, 'IOC remainder expired') };
    this.rest(order);
    const report = orderReport(this.id, order, ts);
    if (order.filled.isZero()) this.emit(report, origin);
    return { report };
  }

  /** Binance's amend: a resting LIMIT order gets a new price and/or total quantity in place (same
   * venueOrderId and clientOrderId, status unchanged, time priority lost). An increase needs the
   * margin of the larger order; a price that would cross is refused (not filled, see README). */
  amendOrderSync(req: AmendOrderRequest): SimResult {
    const ts = this.clock.now();
    const o = this.book.peek(req.account)?.orders.get(req.clientOrderId);
    const target = { ...req, side: o?.side ?? 'buy' } as const;
    const reject = (x: VenueReject): SimResult => ({ report: rejectReport(this.id, target, x, ts), reject: x });
    if (!o || o.symbol !== req.symbol || isTerminalOrder(o)) return reject(REJECT.unknownOrder());
    if (o.type !== 'limit' || !o.price) return reject(REJECT.amendNotLimit());
    const inst = this.bySymbol.get(o.symbol)!;
    const checked = checkParameters({ ...o, ...req, type: 'limit', quantity: req.quantity }, inst, undefined);
    if ('venueCode' in checked) return reject(checked);
    const qty = checked.quantity;
    const price = checked.price!;
    if (qty.lte(o.filled)) return reject(REJECT.amendBelowFilled());
    if (qty.eq(o.quantity) && price.eq(o.price)) return reject(REJECT.amendNothing());
    const ref = this.markets.get(o.symbol)!.price ?? this.book.mark(o.symbol);
    if (ref && (o.side === 'buy' ? price.gte(ref) : price.lte(ref))) return reject(REJECT.amendCrosses());
    const a = this.book.peek(o.account)!;
    this.unrest(o);
    const amended: SimOrder = {
      ...o,
      seq: ++this.orderSeq,
      quantity: qty,
      price,
      priceNum: price.toNumber(),
      updatedAt: ts,
    };
    // The amended order's own margin (the old one is off the book now) against what is free.
    const pos = a.positions.get(o.symbol);
    const lev = this.book.settings(a, o.symbol).leverage;
    const need = openingQty(pos?.qty ?? ZERO, signed(o.side, qty.minus(o.filled)))
      .mul(price)
      .div(lev);
    if (!o.reduceOnly && need.gt(this.book.available(a, this.orderMargin(a)))) {
      this.rest(o);
      return reject(REJECT.margin());
    }
    this.remember(a, amended);
    this.rest(amended);
    const report = { ...orderReport(this.id, amended, ts), amended: true };
    this.emit(report, 'request');
    return { report };
  }

  cancelOrderSync(account: string, symbol: string, clientOrderId: string): SimResult {
    const ts = this.clock.now();
    const waiting = this.conditional.get(account, clientOrderId);
    const endedWaiting =
      waiting?.status === 'new' ? this.conditional.cancel(account, symbol, clientOrderId) : undefined;
    if (endedWaiting) return endedWaiting;
    const o = this.book.peek(account)?.orders.get(clientOrderId);
    const target = {
      account,
      symbol,
      clientOrderId,
      side: o?.side ?? 'buy',
      quantity: o ? decimalString(o.quantity) : DECIMAL_ZERO,
    } as const;
    if (!o || o.symbol !== symbol)
      return { report: rejectReport(this.id, target, REJECT.unknownOrder(), ts), reject: REJECT.unknownOrder() };
    if (isTerminalOrder(o))
      return { report: rejectReport(this.id, target, REJECT.cancelUnknown(), ts), reject: REJECT.cancelUnknown() };
    return { report: this.finish(o, 'canceled', ts, 'request') };
  }

  // ─── market data ──────────────────────────────────────────────────────────────────────────

  ingest(e: MarketEvent): void {
    const inst = this.bySymbol.get(e.symbol);
    if (!inst) return;
    const m = this.markets.get(e.symbol)!;
    switch (e.type) {
      case 'bar': {
        if (!(e.low > 0 && e.high >= e.low && e.open > 0 && e.close > 0)) return; // implausible bar: skip
        m.bar = { sigma: parkinsonSigma(e.high, e.low), volume: e.volume };
        // A bar without a usable volume leaves resting fills uncapped; a zero-volume bar fills none.
        m.barLiquidity = Number.isFinite(e.volume)
          ? new Decimal(Math.max(0, e.volume * this.participation).toFixed(12))
          : undefined;
        for (const p of intrabarPath(e, this.stepsPerLeg))
          this.step(inst, m, this.tickPrice(inst, p.price), p.ts, true);
        for (const a of this.book.holdersOf(e.symbol)) this.book.snapshotEquity(a, e.ts);
        return;
      }
      case 'mark': {
        if (!(e.markPrice > 0)) return;
        m.barLiquidity = undefined; // outside bars, resting fills are not volume-capped
        this.step(
          inst,
          m,
          this.tickPrice(inst, e.lastPrice && e.lastPrice > 0 ? e.lastPrice : e.markPrice),
          e.ts,
          false,
        );
        m.mark = this.tickPrice(inst, e.markPrice);
        m.markVersion++;
        this.liquidator.check(inst.symbol, e.ts);
        this.conditional.check(inst.symbol, e.ts);
        return;
      }
      case 'trade': {
        if (!(e.price > 0)) return;
        m.barLiquidity = undefined;
        this.step(inst, m, this.tickPrice(inst, e.price), e.ts, m.mark === undefined);
        return;
      }
      case 'funding': {
        const mark = this.book.mark(e.symbol);
        if (!mark || !Number.isFinite(e.rate)) return;
        const rate = new Decimal(e.rate);
        for (const a of this.book.holdersOf(e.symbol)) {
          const paid = this.book.funding(a, e.symbol, rate, mark, e.ts);
          if (paid.isZero()) continue;
          const p: FundingPayment = {
            venue: this.id,
            account: a.id,
            symbol: e.symbol,
            amount: paid.toFixed(),
            rate: rate.toFixed(),
            ts: e.ts,
          };
          for (const l of this.fundingListeners) l(p);
        }
        this.liquidator.check(inst.symbol, e.ts);
        return;
      }
      default:
        return;
    }
  }

  // ─── internals ────────────────────────────────────────────────────────────────────────────

  private tickPrice(inst: InstrumentSpec, x: number): Decimal {
    const p = roundToStep(new Decimal(x), inst.tickSize);
    return p.gt(0) ? p : new Decimal(inst.tickSize);
  }

  /** Move the trade price from its last value to `to`: resting orders the move trades through
   * fill at their limit (maker) in the order the path reaches them, then the mark follows and
   * liquidations are checked. A resting order fills only when the price trades through it. */
  private step(inst: InstrumentSpec, m: SymbolMarket, to: Decimal, ts: number, moveMark: boolean): void {
    const from = m.price ?? to;
    const open = this.openBySymbol.get(inst.symbol);
    if (open && open.size > 0 && !from.eq(to)) {
      // Tick-rounded prices of ≤ 15 significant digits keep their order as doubles.
      const down = to.lt(from);
      const t = to.toNumber();
      const hit: SimOrder[] = [];
      for (const o of open) if (o.side === 'buy' ? down && t < o.priceNum! : !down && t > o.priceNum!) hit.push(o);
      hit.sort((x, y) => x.price!.minus(from).abs().cmp(y.price!.minus(from).abs()) || x.seq - y.seq);
      for (const o of hit) {
        if (isTerminalOrder(o)) continue; // cancelled by a liquidation earlier in this step
        let q = o.quantity.minus(o.filled);
        if (m.barLiquidity) q = Decimal.min(q, floorToStep(m.barLiquidity, inst.stepSize));
        if (q.lte(0)) break;
        this.execute(o, q, o.price!, true, ts, 'venue');
        if (m.barLiquidity) m.barLiquidity = m.barLiquidity.minus(q);
      }
    }
    m.price = to;
    if (moveMark) {
      if (!m.mark?.eq(to)) m.markVersion++;
      m.mark = to;
      this.liquidator.check(inst.symbol, ts);
    }
    this.conditional.check(inst.symbol, ts);
  }

  /** Fill `qty` of an order (reduce-only trimmed to the position; expired if nothing is left). */
  private execute(o: SimOrder, qty: Decimal, price: Decimal, maker: boolean, ts: number, origin: ReportOrigin): void {
    const a = this.book.peek(o.account)!;
    let q = qty;
    if (o.reduceOnly) {
      const pos = a.positions.get(o.symbol);
      const allowed = reduceOnlyRejected(o.side, pos) ? ZERO : pos!.qty.abs();
      q = Decimal.min(q, allowed);
      if (q.isZero()) {
        this.finish(o, 'expired', ts, origin, 'reduceOnly: no position left to reduce');
        return;
      }
    }
    const fee = q.mul(price).mul(maker ? this.makerFee : this.takerFee);
    this.book.fill(a, o.symbol, signed(o.side, q), price, fee, ts, o.clientOrderId, maker);
    o.filled = o.filled.plus(q);
    o.filledNotional = o.filledNotional.plus(q.mul(price));
    o.fee = o.fee.plus(fee.toDecimalPlaces(8));
    o.lastFillQty = q;
    o.lastFillPrice = price;
    o.updatedAt = ts;
    o.status = o.filled.eq(o.quantity) ? 'filled' : 'partially_filled';
    if (o.status === 'filled') this.unrest(o);
    this.emit(orderReport(this.id, o, ts), origin);
  }

  /** End an order (cancel/expire) and report it. */
  private finish(
    o: SimOrder,
    status: 'canceled' | 'expired',
    ts: number,
    origin: ReportOrigin,
    reason?: string,
  ): ExecutionReport {
    o.status = status;
    o.updatedAt = ts;
    if (reason) o.reason = reason;
    this.unrest(o);
    const r = orderReport(this.id, o, ts);
    this.emit(r, origin);
    return r;
  }

  private orderMargin(a: SimAccount): Decimal {
    let m = ZERO;
    for (const s of this.openSymbols(a.id))
      m = m.plus(
        this.margins.get(a.id, s, a.positions.get(s), this.book.positionEpoch(a, s), this.book.settings(a, s).leverage),
      );
    return m;
  }

  private openSymbols(account: string): Set<string> {
    const out = new Set<string>();
    for (const o of this.openByAccount.get(account) ?? []) out.add(o.symbol);
    return out;
  }

  private adjustMargin(o: SimOrder, sign: 1 | -1): void {
    const a = this.book.peek(o.account);
    if (a)
      this.margins.adjust(
        o,
        sign,
        a.positions.get(o.symbol),
        this.book.positionEpoch(a, o.symbol),
        this.book.settings(a, o.symbol).leverage,
      );
  }

  private remember(a: SimAccount, o: SimOrder): void {
    a.orders.delete(o.clientOrderId); // a reused id (of a finished order) moves to the end
    a.orders.set(o.clientOrderId, o);
    if (a.orders.size <= this.maxTerminalOrders + Math.ceil(this.maxTerminalOrders / 10)) return;
    for (const [id, x] of a.orders) {
      if (a.orders.size <= this.maxTerminalOrders) break;
      if (isTerminalOrder(x)) a.orders.delete(id);
    }
  }

  private rest(o: SimOrder): void {
    let s = this.openBySymbol.get(o.symbol);
    if (!s) this.openBySymbol.set(o.symbol, (s = new Set()));
    s.add(o);
    let b = this.openByAccount.get(o.account);
    if (!b) this.openByAccount.set(o.account, (b = new Set()));
    b.add(o);
    this.adjustMargin(o, 1);
  }

  private unrest(o: SimOrder): void {
    this.openBySymbol.get(o.symbol)?.delete(o);
    if (this.openByAccount.get(o.account)?.delete(o)) this.adjustMargin(o, -1);
  }

  private emit(r: ExecutionReport, origin: ReportOrigin): void {
    for (const l of this.listeners) l(r, origin);
  }
}
