/** ccxt orders → ExecutionReports. Raw Binance fields (origQty, executedQty, avgPrice) are used
 * verbatim when present so sizes stay exact decimal strings; otherwise ccxt's numbers are
 * converted once, at this edge. */
import { Decimal, DECIMAL_ZERO, decimalString, parseDecimalString, type DecimalString } from '../../core/decimal.js';
import type { DenyCode } from '../../core/deny-codes.js';
import type { ChildOrderRequest, ExecutionReport, OrderStatus } from '../../core/types.js';

export interface CcxtOrderLike {
  readonly id?: string;
  readonly clientOrderId?: string;
  readonly status?: string;
  readonly amount?: number;
  readonly filled?: number;
  readonly average?: number;
  readonly fee?: { readonly cost?: number };
  readonly timestamp?: number;
  readonly lastUpdateTimestamp?: number;
  readonly side?: string;
  readonly info?: unknown;
}

/** The venue edge: a raw field is checked by the one decimal parser (signed: fees can be rebates;
 * no digit limit: the venue, not a person, wrote it); a ccxt number is converted exactly once. */
const dec = (v: unknown): DecimalString | undefined => {
  if (typeof v === 'string') {
    const r = parseDecimalString(v, { sign: 'signed', limits: null });
    return r.ok ? r.text : undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return decimalString(new Decimal(v));
  return undefined;
};

function status(s: string | undefined, filled: Decimal, qty: Decimal): OrderStatus {
  switch (s) {
    case 'open':
      return filled.gt(0) ? 'partially_filled' : 'new';
    case 'closed':
      return filled.gte(qty) || filled.gt(0) ? 'filled' : 'canceled';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      return 'pending';
  }
}

export function reportFromOrder(
  venue: string,
  req: Pick<ChildOrderRequest, 'account' | 'symbol' | 'clientOrderId' | 'side' | 'quantity'>,
  o: CcxtOrderLike,
  now: number,
): ExecutionReport {
  const info = (o.info ?? {}) as Record<string, unknown>;
  const quantity = dec(info.origQty) ?? dec(o.amount) ?? req.quantity;
  const filledQuantity = dec(info.executedQty) ?? dec(o.filled) ?? DECIMAL_ZERO;
  const avg = dec(info.avgPrice) ?? dec(o.average);
  const st = status(o.status, new Decimal(filledQuantity), new Decimal(quantity));
  const fee = dec(o.fee?.cost);
  return {
    venue,
    account: req.account,
    symbol: req.symbol,
    clientOrderId: o.clientOrderId ?? req.clientOrderId,
    ...(o.id ? { venueOrderId: String(o.id) } : {}),
    side: o.side === 'sell' || o.side === 'buy' ? o.side : req.side,
    status: st,
    quantity,
    filledQuantity,
    ...(avg && new Decimal(avg).gt(0) ? { avgPrice: avg } : {}),
    ...(fee ? { fee } : {}),
    ts: o.lastUpdateTimestamp ?? o.timestamp ?? now,
  };
}

export function rejectedReport(
  venue: string,
  req: Pick<ChildOrderRequest, 'account' | 'symbol' | 'clientOrderId' | 'side' | 'quantity'>,
  code: DenyCode,
  reason: string,
  now: number,
): ExecutionReport {
  return {
    venue,
    account: req.account,
    symbol: req.symbol,
    clientOrderId: req.clientOrderId,
    side: req.side,
    status: 'rejected',
    quantity: req.quantity,
    filledQuantity: DECIMAL_ZERO,
    ts: now,
    code,
    reason,
  };
}

/** A report worth emitting again: status or filled size moved. */
export function changed(prev: ExecutionReport | undefined, next: ExecutionReport): boolean {
  return !prev || prev.status !== next.status || prev.filledQuantity !== next.filledQuantity;
}
