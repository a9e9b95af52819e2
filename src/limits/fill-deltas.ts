/** Venue reports carry cumulative filled quantity, average price and fee per order; the same
 * state can arrive twice (placeOrder answer and stream). This turns them into fills counted once:
 * the quantity, price and fee added since the last report of that order. */
import { Decimal } from '../core/decimal.js';
import type { ExecutionReport } from '../core/types.js';

export interface FillDelta {
  readonly quantity: string;
  readonly price: string;
  readonly fee: string;
}

export class FillDeltas {
  private readonly seen = new Map<string, { filled: Decimal; notional: Decimal; fee: Decimal }>();

  next(r: ExecutionReport): FillDelta | undefined {
    if (!r.avgPrice) return undefined;
    const key = `${r.venue}|${r.account}|${r.clientOrderId}`;
    const filled = new Decimal(r.filledQuantity);
    const notional = filled.mul(r.avgPrice);
    const fee = new Decimal(r.fee ?? '0');
    const prev = this.seen.get(key) ?? { filled: new Decimal(0), notional: new Decimal(0), fee: new Decimal(0) };
    if (!filled.gt(prev.filled)) return undefined;
    this.seen.set(key, { filled, notional, fee });
    if (this.seen.size > 200_000) this.seen.delete(this.seen.keys().next().value!);
    const q = filled.minus(prev.filled);
    return {
      quantity: q.toFixed(),
      price: notional.minus(prev.notional).div(q).toSignificantDigits(16).toFixed(),
      fee: Decimal.max(fee.minus(prev.fee), 0).toFixed(),
    };
  }
}
