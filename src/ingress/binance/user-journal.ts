/** What the door remembers of its clients' executions, built from the pipeline's execution
 * reports (the event bus): per-fill trades with commission and realized PnL (userTrades), income
 * (REALIZED_PNL, COMMISSION, FUNDING_FEE from the venue's funding payments), wall-clock times of each order, and the ORDER_TRADE_UPDATEs the
 * user-data stream pushes. A parent is announced NEW before its first fill or end, as Binance does.
 * Bounded per client; in memory per gateway process (the audit log is the durable record). */
import { cmpFixed, fixedText, maxFixed, mulText, subFixed, toFixed } from '../../core/fixed-point.js';
import { isTerminal, type ParentOrder } from '../../execution/order-store.js';
import type { ExecutionReport, InstrumentSpec } from '../../core/types.js';
import { applyFill, FLAT, type LedgerPosition } from './position-ledger.js';
import { orderTradeUpdate, type ExecType } from './user-events.js';
import type { IncomeRow, TradeRow } from '../../binance-wire/history-params.js';

/** A history row of one client (the wire rows of binance-wire, which `liqguard venue` serves too). */
export interface TradeRecord extends TradeRow {
  readonly clientId: string;
}

export interface IncomeRecord extends IncomeRow {
  readonly clientId: string;
}

export interface JournalEntry {
  readonly clientId: string;
  readonly parent: ParentOrder;
  readonly inst: InstrumentSpec;
  /** ORDER_TRADE_UPDATE events, in order. */
  readonly events: Record<string, unknown>[];
  readonly filled: boolean;
}

export interface UserJournalOptions {
  readonly wallNow: () => number;
  readonly orderIdOf: (intentId: string) => number;
  readonly instrumentOf: (p: ParentOrder) => InstrumentSpec | undefined;
  /** Records kept per client for trades and income. Default 10 000. */
  readonly maxPerClient?: number;
}

interface ParentState {
  announced: boolean;
  lastExec?: string;
  readonly createdAt: number;
  updatedAt: number;
}

export class UserJournal {
  private readonly parents = new Map<string, ParentState>();
  private readonly childFee = new Map<string, string>();
  private readonly restedChildren = new Set<string>();
  private readonly positions = new Map<string, LedgerPosition>();
  private readonly tradesBy = new Map<string, TradeRecord[]>();
  private readonly incomeBy = new Map<string, IncomeRecord[]>();
  private seq = 0;

  constructor(private readonly o: UserJournalOptions) {}

  /** An accepted order entered the pipeline (decision event): its wall-clock creation time. */
  onDecision(intentId: string): void {
    if (!this.parents.has(intentId)) {
      const now = this.o.wallNow();
      this.parents.set(intentId, { announced: false, createdAt: now, updatedAt: now });
      this.bound(this.parents, 100_000);
    }
  }

  /** Wall-clock times of an order (its decision clock may be replay time). */
  timesOf(intentId: string): { time: number; updateTime: number } | undefined {
    const s = this.parents.get(intentId);
    return s ? { time: s.createdAt, updateTime: s.updatedAt } : undefined;
  }

  /** `withEvents` false: nobody holds a listen key for the client, so the ORDER_TRADE_UPDATE
   * payloads are not built (the trades, income and order state are kept all the same). */
  onReport(parent: ParentOrder, r: ExecutionReport, withEvents = true): JournalEntry | undefined {
    const inst = this.o.instrumentOf(parent);
    if (!inst || parent.decision.kind === 'deny') return undefined;
    const now = this.o.wallNow();
    this.onDecision(parent.intentId);
    const st = this.parents.get(parent.intentId)!;
    st.updatedAt = now;
    const orderId = this.o.orderIdOf(parent.intentId);
    const clientId = parent.intent.clientId;
    const events: Record<string, unknown>[] = [];
    const childKey = `${r.account}\u0000${r.clientOrderId}`;
    if (!st.announced) {
      st.announced = true;
      if (withEvents) events.push(announcement(parent, orderId, inst, now));
    }
    const lastQty = r.lastFillQuantity;
    const fill =
      lastQty !== undefined && (r.status === 'filled' || r.status === 'partially_filled') && cmpFixed(lastQty, 0) > 0;
    if (fill) {
      const price = r.lastFillPrice ?? r.avgPrice ?? '0';
      // Scaled-integer arithmetic (exact, same text as decimal.js's toFixed()): once per fill.
      const cumFee = toFixed(r.fee ?? '0');
      const commission = fixedText(maxFixed(subFixed(cumFee, this.childFee.get(childKey) ?? '0'), 0));
      this.childFee.set(childKey, fixedText(cumFee));
      const posKey = `${r.account}\u0000${r.symbol}`;
      const { position, realizedPnl } = applyFill(this.positions.get(posKey) ?? FLAT, r.side, lastQty, price);
      this.positions.set(posKey, position);
      const maker = this.restedChildren.has(childKey);
      const t: TradeRecord = {
        id: ++this.seq,
        clientId,
        symbol: inst.venueSymbol,
        orderId,
        side: r.side === 'buy' ? 'BUY' : 'SELL',
        price,
        qty: lastQty,
        quoteQty: mulText(lastQty, price),
        commission,
        commissionAsset: inst.quote,
        realizedPnl,
        maker,
        time: now,
      };
      this.push(this.tradesBy, clientId, t);
      if (cmpFixed(realizedPnl, 0) !== 0) this.income(clientId, inst, 'REALIZED_PNL', realizedPnl, now, t.id);
      if (commission !== '0') this.income(clientId, inst, 'COMMISSION', `-${commission}`, now, t.id);
      if (withEvents)
        events.push(
          orderTradeUpdate({
            parent,
            orderId,
            inst,
            execType: 'TRADE',
            eventTime: now,
            fill: { quantity: lastQty, price, commission, tradeId: t.id, maker, realizedPnl },
          }),
        );
      st.lastExec = 'TRADE';
    } else if (r.amended) {
      // In-place amend (Binance PUT /fapi/v1/order): same order, new price / origQty.
      if (withEvents) events.push(orderTradeUpdate({ parent, orderId, inst, execType: 'AMENDMENT', eventTime: now }));
    } else if (r.status === 'new') {
      this.restedChildren.add(childKey);
    } else if (isTerminal(parent.status) && parent.status !== 'filled') {
      const x: ExecType = parent.status === 'expired' ? 'EXPIRED' : 'CANCELED';
      if (st.lastExec !== x && withEvents)
        events.push(orderTradeUpdate({ parent, orderId, inst, execType: x, eventTime: now }));
      st.lastExec = x;
    }
    if (isTerminal(r.status)) {
      this.childFee.delete(childKey);
      this.restedChildren.delete(childKey);
    }
    return { clientId, parent, inst, events, filled: fill };
  }

  /** A funding payment the venue booked on the client's account: a FUNDING_FEE income record
   * (signed: negative when paid). */
  onFunding(clientId: string, inst: InstrumentSpec, amount: string): void {
    this.income(clientId, inst, 'FUNDING_FEE', amount, this.o.wallNow(), 0);
  }

  trades(clientId: string, filter: (t: TradeRecord) => boolean): TradeRecord[] {
    return (this.tradesBy.get(clientId) ?? []).filter(filter);
  }

  incomes(clientId: string, filter: (t: IncomeRecord) => boolean): IncomeRecord[] {
    return (this.incomeBy.get(clientId) ?? []).filter(filter);
  }

  private income(
    clientId: string,
    inst: InstrumentSpec,
    incomeType: IncomeRecord['incomeType'],
    income: string,
    time: number,
    tradeId: number,
  ): void {
    this.push(this.incomeBy, clientId, {
      clientId,
      symbol: inst.venueSymbol,
      incomeType,
      income,
      asset: inst.quote,
      time,
      tranId: ++this.seq,
      tradeId: tradeId ? String(tradeId) : '',
      info: incomeType,
    });
  }

  private push<T>(m: Map<string, T[]>, clientId: string, v: T): void {
    let list = m.get(clientId);
    if (!list) m.set(clientId, (list = []));
    list.push(v);
    const max = this.o.maxPerClient ?? 10_000;
    if (list.length >= 2 * max) list.splice(0, list.length - max);
  }

  private bound<K, V>(m: Map<K, V>, max: number): void {
    while (m.size > max) m.delete(m.keys().next().value as K);
  }
}

/** The NEW update Binance sends before an order's first fill or end: the order as it was placed. */
function announcement(
  parent: ParentOrder,
  orderId: number,
  inst: InstrumentSpec,
  now: number,
): Record<string, unknown> {
  const before: ParentOrder = { ...parent, status: 'new', filledQuantity: '0' };
  delete (before as { avgPrice?: string }).avgPrice;
  return orderTradeUpdate({ parent: before, orderId, inst, execType: 'NEW', eventTime: now });
}
