/** Venue symbol filters enforced before anything is sent: price on the tick, quantity on the
 * lot and within [minQty, maxQty], notional at least the minimum (waived for reduce-only, as
 * Binance does). A failure is a rejected ExecutionReport; the venue never sees the order. */
import { Decimal, parseDecimalString } from '../../core/decimal.js';
import { renderDenial, type DenyCode, type DenyParams } from '../../core/deny-codes.js';
import type { ChildOrderRequest, InstrumentSpec } from '../../core/types.js';

export interface FilterFailure {
  readonly code: DenyCode;
  readonly reason: string;
}

const fail = (code: DenyCode, params: DenyParams): FilterFailure => ({ code, reason: renderDenial(code, params) });

/** `refPrice` values a market order for the notional check (skipped when unknown). */
export function checkFilters(
  req: ChildOrderRequest,
  inst: InstrumentSpec,
  refPrice?: string,
): FilterFailure | undefined {
  const q = parseDecimalString(req.quantity);
  if (!q.ok)
    return fail('VENUE_REJECTED', { field: 'quantity', value: req.quantity, reason: 'not a positive decimal' });
  let price: Decimal | undefined;
  if (req.type === 'limit') {
    const p = parseDecimalString(req.price);
    if (!p.ok)
      return fail('VENUE_REJECTED', {
        field: 'price',
        value: String(req.price),
        reason: 'limit order needs a positive decimal price',
      });
    price = p.value;
    if (!price.mod(inst.tickSize).isZero())
      return fail('INVALID_TICK', { symbol: inst.symbol, field: 'price', value: req.price!, tickSize: inst.tickSize });
  }
  const qty = q.value;
  if (!qty.mod(inst.stepSize).isZero())
    return fail('INVALID_TICK', {
      symbol: inst.symbol,
      field: 'quantity',
      value: req.quantity,
      stepSize: inst.stepSize,
    });
  if (qty.lt(inst.minQty))
    return fail('BELOW_MIN_NOTIONAL', { symbol: inst.symbol, quantity: req.quantity, minQty: inst.minQty });
  if (qty.gt(inst.maxQty))
    return fail('VENUE_REJECTED', { symbol: inst.symbol, quantity: req.quantity, maxQty: inst.maxQty });
  const value = price ?? (refPrice ? new Decimal(refPrice) : undefined);
  if (!req.reduceOnly && value && qty.mul(value).lt(inst.minNotional)) {
    return fail('BELOW_MIN_NOTIONAL', {
      symbol: inst.symbol,
      notional: qty.mul(value).toFixed(),
      minNotional: inst.minNotional,
    });
  }
  return undefined;
}
