/** Realized PnL of fills, by average-entry accounting (what Binance reports as `rp` and as
 * REALIZED_PNL income): a fill that reduces a position realizes (price - entry) per unit in the
 * position's direction; a fill that grows it moves the entry to the quantity-weighted average; a
 * fill that flips it closes the old side and opens the rest at the fill price. Pure, decimals only. */
import { Decimal } from '../../core/decimal.js';

export interface LedgerPosition {
  /** Signed quantity: positive long, negative short. */
  readonly quantity: string;
  readonly entryPrice: string;
}

export const FLAT: LedgerPosition = { quantity: '0', entryPrice: '0' };

/** Apply one fill (side, quantity > 0, price > 0) to a position: the new position and the PnL realized. */
export function applyFill(
  pos: LedgerPosition,
  side: 'buy' | 'sell',
  quantity: string,
  price: string,
): { position: LedgerPosition; realizedPnl: string } {
  const q = new Decimal(quantity).mul(side === 'buy' ? 1 : -1);
  const held = new Decimal(pos.quantity);
  const entry = new Decimal(pos.entryPrice);
  const px = new Decimal(price);
  if (held.isZero() || held.isNeg() === q.isNeg()) {
    const total = held.plus(q);
    const avg = held.abs().mul(entry).plus(q.abs().mul(px)).div(total.abs());
    return {
      position: { quantity: total.toFixed(), entryPrice: avg.toSignificantDigits(20).toFixed() },
      realizedPnl: '0',
    };
  }
  const closed = Decimal.min(held.abs(), q.abs());
  const realized = closed.mul(px.minus(entry)).mul(held.isNeg() ? -1 : 1);
  const total = held.plus(q);
  const entryAfter = total.isZero() ? new Decimal(0) : total.isNeg() === held.isNeg() ? entry : px;
  return { position: { quantity: total.toFixed(), entryPrice: entryAfter.toFixed() }, realizedPnl: realized.toFixed() };
}
