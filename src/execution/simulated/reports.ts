/** ExecutionReport views of simulated orders. */
import type { ExecutionReport } from '../../core/types.js';
import { rejectReason, type VenueReject } from './rejects.js';
import type { SimOrder } from './state.js';
import { DECIMAL_ZERO, decimalString, type DecimalString } from '../../core/decimal.js';

const TERMINAL = new Set(['filled', 'canceled', 'rejected', 'expired']);
export const isTerminalOrder = (o: SimOrder): boolean => TERMINAL.has(o.status);

/** `fee` is the order's cumulative fee (quote); last* describe the most recent fill. */
export function orderReport(venue: string, o: SimOrder, ts: number): ExecutionReport {
  return {
    venue,
    account: o.account,
    symbol: o.symbol,
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    side: o.side,
    status: o.status,
    quantity: decimalString(o.quantity),
    filledQuantity: decimalString(o.filled),
    ...(o.filled.gt(0)
      ? {
          avgPrice: decimalString(o.filledNotional.div(o.filled).toDecimalPlaces(8)),
          fee: decimalString(o.fee.toDecimalPlaces(8)),
        }
      : {}),
    ...(o.lastFillQty ? { lastFillQuantity: decimalString(o.lastFillQty) } : {}),
    ...(o.lastFillPrice ? { lastFillPrice: decimalString(o.lastFillPrice) } : {}),
    ts,
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.liquidation ? { liquidation: true } : {}),
  };
}

export interface RejectTarget {
  readonly account: string;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: ExecutionReport['side'];
  readonly quantity: DecimalString;
}

export function rejectReport(venue: string, req: RejectTarget, reject: VenueReject, ts: number): ExecutionReport {
  return {
    venue,
    account: req.account,
    symbol: req.symbol,
    clientOrderId: req.clientOrderId,
    side: req.side,
    status: 'rejected',
    quantity: req.quantity,
    filledQuantity: DECIMAL_ZERO,
    ts,
    code: reject.code,
    reason: rejectReason(reject),
  };
}
