/** `liqguard venue` history: GET /fapi/v1/userTrades, /fapi/v1/allOrders, /fapi/v1/income. Fills
 * and funding payments are recorded as the simulated exchange reports them, stamped with the
 * wall clock (/fapi/v1/time; the exchange itself runs on replay time); realized PnL and the maker
 * flag come from the exchange's ledger entry of the fill. Bounded per account. */
import type { FastifyInstance } from 'fastify';
import { Decimal } from '../../core/decimal.js';
import type { ExecutionReport } from '../../core/types.js';
import { charge, type BinanceServerContext } from '../../binance-wire/context.js';
import {
  incomeJson,
  inRange,
  optInt,
  pickTrades,
  range,
  tradeJson,
  type IncomeRow,
  type TradeRow,
} from '../../binance-wire/history-params.js';
import { orderJson } from '../../binance-wire/order-shapes.js';
import { authenticate } from './auth.js';
import { instrumentOf, type PrivateContext } from './context.js';

const MAX_ROWS = 10_000;

export class VenueHistory {
  private readonly trades = new Map<string, TradeRow[]>();
  private readonly incomes = new Map<string, IncomeRow[]>();
  private readonly fees = new Map<string, Decimal>();
  private seq = 0;

  constructor(private readonly pc: PrivateContext) {}

  /** Subscribe to the exchange; returns the unsubscribe. */
  attach(): () => void {
    const offReports = this.pc.exchange.onReport((r) => this.onReport(r));
    const offFunding = this.pc.exchange.onFunding((p) => {
      const inst = this.pc.exchange.instrument(p.symbol);
      if (inst) this.income(p.account, inst.venueSymbol, 'FUNDING_FEE', p.amount, inst.quote, '');
    });
    return () => {
      offReports();
      offFunding();
    };
  }

  tradesOf(account: string): readonly TradeRow[] {
    return this.trades.get(account) ?? [];
  }
  incomesOf(account: string): readonly IncomeRow[] {
    return this.incomes.get(account) ?? [];
  }

  private onReport(r: ExecutionReport): void {
    const meta = this.pc.book.byClientOrderId(r.account, r.clientOrderId);
    const now = this.pc.wall.now();
    if (meta) meta.updateTime = now;
    const key = `${r.account}\u0000${r.clientOrderId}`;
    const fill = r.lastFillQuantity !== undefined && (r.status === 'filled' || r.status === 'partially_filled');
    if (!fill) {
      if (r.status !== 'new' && r.status !== 'partially_filled') this.fees.delete(key);
      return;
    }
    const inst = this.pc.exchange.instrument(r.symbol)!;
    const cumFee = new Decimal(r.fee ?? '0');
    const commission = Decimal.max(cumFee.minus(this.fees.get(key) ?? 0), 0);
    this.fees.set(key, cumFee);
    if (r.status === 'filled') this.fees.delete(key);
    // The fill's ledger entry (the latest trade of this order): realized PnL and maker.
    const ledger = this.pc.exchange.ledger(r.account);
    let entry;
    for (let i = ledger.length - 1; i >= 0 && i >= ledger.length - 50; i--)
      if (
        ledger[i]!.clientOrderId === r.clientOrderId &&
        (ledger[i]!.kind === 'trade' || ledger[i]!.kind === 'liquidation')
      ) {
        entry = ledger[i]!;
        break;
      }
    const price = r.lastFillPrice ?? r.avgPrice ?? '0';
    const qty = r.lastFillQuantity!;
    const t: TradeRow = {
      id: ++this.seq,
      symbol: inst.venueSymbol,
      orderId: Number(r.venueOrderId ?? 0),
      side: r.side === 'buy' ? 'BUY' : 'SELL',
      price,
      qty,
      quoteQty: new Decimal(qty).mul(price).toFixed(),
      commission: commission.toFixed(8),
      commissionAsset: inst.quote,
      realizedPnl: entry?.amount ?? '0',
      maker: entry?.maker ?? false,
      time: now,
    };
    push(this.trades, r.account, t);
    if (!new Decimal(t.realizedPnl).isZero())
      this.income(r.account, t.symbol, 'REALIZED_PNL', t.realizedPnl, inst.quote, String(t.id));
    if (!commission.isZero())
      this.income(r.account, t.symbol, 'COMMISSION', commission.neg().toFixed(8), inst.quote, String(t.id));
  }

  private income(
    account: string,
    symbol: string,
    incomeType: IncomeRow['incomeType'],
    income: string,
    asset: string,
    tradeId: string,
  ): void {
    const row = {
      symbol,
      incomeType,
      income,
      asset,
      info: incomeType,
      time: this.pc.wall.now(),
      tranId: ++this.seq,
      tradeId,
    };
    push(this.incomes, account, row);
  }
}

function push<T>(m: Map<string, T[]>, account: string, v: T): void {
  let list = m.get(account);
  if (!list) m.set(account, (list = []));
  list.push(v);
  if (list.length >= 2 * MAX_ROWS) list.splice(0, list.length - MAX_ROWS);
}

export function registerHistoryRoutes(
  app: FastifyInstance,
  ctx: BinanceServerContext,
  pc: PrivateContext,
  history: VenueHistory,
): void {
  app.get('/fapi/v1/userTrades', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 5);
    const inst = instrumentOf(pc, a.params.symbol);
    const rows = history.tradesOf(a.account).filter((t) => t.symbol === inst.venueSymbol);
    return pickTrades(rows, a.params).map(tradeJson);
  });

  app.get('/fapi/v1/allOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 5);
    const inst = instrumentOf(pc, a.params.symbol);
    const r = range(a.params, 500, 1000);
    const fromOrderId = optInt(a.params, 'orderId');
    const rows = pc.book
      .list(a.account, inst.symbol)
      .filter((m) => (fromOrderId !== undefined ? m.orderId >= fromOrderId : inRange(m.time, r)))
      .flatMap((m) => {
        const rep = pc.exchange.fetchOrderSync(a.account, inst.symbol, m.clientOrderId);
        return rep ? [orderJson(rep, inst, m, m.orderId, true)] : [];
      });
    return fromOrderId !== undefined ? rows.slice(0, r.limit) : rows.slice(-r.limit);
  });

  app.get('/fapi/v1/income', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 30);
    const inst = a.params.symbol !== undefined ? instrumentOf(pc, a.params.symbol) : undefined;
    const r = range(a.params, 100, 1000);
    const type = a.params.incomeType;
    const rows = history
      .incomesOf(a.account)
      .filter(
        (x) => (!inst || x.symbol === inst.venueSymbol) && (!type || x.incomeType === type) && inRange(x.time, r),
      );
    return rows.slice(-r.limit).map(incomeJson);
  });
}
