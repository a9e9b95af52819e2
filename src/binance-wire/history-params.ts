/** History endpoints shared by the gateway's door and `liqguard venue` (userTrades, allOrders,
 * income): the time-range / limit parameters and the row shapes, as Binance USD-M. */
import { BinanceApiError } from './errors.js';

type Query = Readonly<Record<string, string | undefined>>;

export interface Range {
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

export function range(p: Query, def: number, max: number): Range {
  const limit = optInt(p, 'limit') ?? def;
  if (limit < 1 || limit > max) throw new BinanceApiError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  const startTime = optInt(p, 'startTime');
  const endTime = optInt(p, 'endTime');
  return { limit, ...(startTime !== undefined ? { startTime } : {}), ...(endTime !== undefined ? { endTime } : {}) };
}

export const inRange = (t: number, r: Range): boolean =>
  (r.startTime === undefined || t >= r.startTime) && (r.endTime === undefined || t <= r.endTime);

export function optInt(p: Query, k: string): number | undefined {
  const v = p[k];
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,16}$/.test(v)) throw new BinanceApiError(400, -1130, `Data sent for parameter '${k}' is not valid.`);
  return Number(v);
}

/** One fill as a history row (both surfaces keep these fields). */
export interface TradeRow {
  readonly id: number;
  readonly symbol: string; // venue symbol
  readonly orderId: number;
  readonly side: 'BUY' | 'SELL';
  readonly price: string;
  readonly qty: string;
  readonly quoteQty: string;
  readonly commission: string;
  readonly commissionAsset: string;
  readonly realizedPnl: string;
  readonly maker: boolean;
  readonly time: number;
}

export interface IncomeRow {
  readonly symbol: string;
  readonly incomeType: 'REALIZED_PNL' | 'COMMISSION' | 'FUNDING_FEE';
  readonly income: string;
  readonly asset: string;
  readonly info: string;
  readonly time: number;
  readonly tranId: number;
  readonly tradeId: string;
}

export const tradeJson = (t: TradeRow) => ({
  buyer: t.side === 'BUY',
  commission: t.commission,
  commissionAsset: t.commissionAsset,
  id: t.id,
  maker: t.maker,
  orderId: t.orderId,
  price: t.price,
  qty: t.qty,
  quoteQty: t.quoteQty,
  realizedPnl: t.realizedPnl,
  side: t.side,
  positionSide: 'BOTH',
  symbol: t.symbol,
  time: t.time,
});

export const incomeJson = (x: IncomeRow) => ({
  symbol: x.symbol,
  incomeType: x.incomeType,
  income: x.income,
  asset: x.asset,
  info: x.info,
  time: x.time,
  tranId: x.tranId,
  tradeId: x.tradeId,
});

/** userTrades rows: from `fromId` on (oldest first), else the newest `limit` in the time range. */
export function pickTrades<T extends { id: number; time: number }>(rows: readonly T[], p: Query): T[] {
  const r = range(p, 500, 1000);
  const fromId = optInt(p, 'fromId');
  const orderId = optInt(p, 'orderId');
  const sel = rows.filter(
    (t) =>
      (orderId === undefined || (t as unknown as { orderId: number }).orderId === orderId) &&
      (fromId !== undefined ? t.id >= fromId : inRange(t.time, r)),
  );
  return fromId !== undefined ? sel.slice(0, r.limit) : sel.slice(-r.limit);
}
