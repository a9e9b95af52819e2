/** Order admission rules of the simulated venue, in Binance's order: parameters, filters
 * (tick, step, min/max quantity, min notional), reduce-only, then margin. Pure functions over
 * Decimal; the exchange applies the result. */
import { Decimal, parseDecimalString } from '../../core/decimal.js';
import type { ChildOrderRequest, InstrumentSpec, Side } from '../../core/types.js';
import { filtersOf } from './filters.js';
import { REJECT, type VenueReject } from './rejects.js';
import type { SimOrder, SimPosition } from './state.js';

const ZERO = new Decimal(0);
const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export interface CheckedOrder {
  readonly quantity: Decimal;
  readonly price?: Decimal;
  readonly postOnly: boolean; // postOnly flag or timeInForce GTX
}

export const signed = (side: Side, q: Decimal): Decimal => (side === 'buy' ? q : q.neg());

/** Size by which a fill of `delta` grows |position| (0 for a pure reduce, the excess for a flip). */
export function openingQty(q0: Decimal, delta: Decimal): Decimal {
  return Decimal.max(ZERO, q0.plus(delta).abs().minus(q0.abs()));
}

/** Parameter and filter checks that need no account state. `refPrice` values a market order. */
export function checkParameters(
  req: ChildOrderRequest,
  inst: InstrumentSpec,
  refPrice: Decimal | undefined,
): VenueReject | CheckedOrder {
  if (!CLIENT_ORDER_ID.test(req.clientOrderId)) return REJECT.badClientOrderId();
  const f = filtersOf(inst);
  const q = parseDecimalString(req.quantity);
  if (!q.ok) return q.reason === 'not_positive' ? REJECT.qtyNotPositive() : REJECT.malformed('quantity');
  let price: Decimal | undefined;
  if (req.type === 'limit') {
    const p = parseDecimalString(req.price);
    if (!p.ok) return REJECT.malformed('price');
    price = p.value;
    if (!price.mod(f.tick).isZero()) return REJECT.priceTick();
  }
  const qty = q.value;
  if (!qty.mod(f.step).isZero()) return REJECT.precision();
  if (qty.lt(f.minQty)) return REJECT.qtyBelowMin();
  if (qty.gt(f.maxQty)) return REJECT.qtyAboveMax();
  const valuePrice = price ?? refPrice;
  if (!req.reduceOnly && valuePrice && qty.mul(valuePrice).lt(f.minNotional))
    return REJECT.minNotional(inst.minNotional);
  const postOnly = req.type === 'limit' && (req.postOnly || req.timeInForce === 'GTX');
  return price ? { quantity: qty, price, postOnly } : { quantity: qty, postOnly };
}

/** Binance rejects a reduce-only order that would not reduce: no position, or the same side. */
export function reduceOnlyRejected(side: Side, pos: SimPosition | undefined): boolean {
  if (!pos || pos.qty.isZero()) return true;
  return pos.qty.isPositive() === (side === 'buy');
}

/** Initial margin the open orders of one symbol reserve: each non-reduce-only order's opening
 * size (against the current position, other orders ignored) × its limit price / leverage. */
function openOrderMargin(orders: Iterable<SimOrder>, pos: SimPosition | undefined, leverage: Decimal): Decimal {
  let m = ZERO;
  const q0 = pos?.qty ?? ZERO;
  for (const o of orders) {
    if (o.reduceOnly || !o.price) continue;
    const rem = o.quantity.minus(o.filled);
    m = m.plus(openingQty(q0, signed(o.side, rem)).mul(o.price).div(leverage));
  }
  return m;
}

/** Open-order margin per (account, symbol), kept incrementally: adding or removing an order
 * adjusts the sum while the symbol's position epoch (SimAccount.positionEpochs, bumped by every
 * fill, which is also the only thing that changes an order's filled size) and leverage are the
 * ones it was computed for; otherwise the next get() recounts. Not the position object: flat is
 * `undefined` both before and after a round trip, so an entry gone stale (adjustments skipped)
 * would match again and keep, e.g., a cancelled order's margin. */
export class OpenOrderMargin {
  private readonly cache = new Map<string, { epoch: number; lev: Decimal; value: Decimal }>();

  constructor(private readonly ordersOf: (account: string, symbol: string) => Iterable<SimOrder>) {}

  get(account: string, symbol: string, pos: SimPosition | undefined, epoch: number, lev: Decimal): Decimal {
    const key = `${account}\u0000${symbol}`;
    const c = this.cache.get(key);
    if (c && c.epoch === epoch && c.lev.eq(lev)) return c.value;
    const value = openOrderMargin(this.ordersOf(account, symbol), pos, lev);
    this.cache.set(key, { epoch, lev, value });
    return value;
  }

  /** Call after `o` joined (+1) or left (−1) the open orders. */
  adjust(o: SimOrder, sign: 1 | -1, pos: SimPosition | undefined, epoch: number, lev: Decimal): void {
    const c = this.cache.get(`${o.account}\u0000${o.symbol}`);
    if (!c || c.epoch !== epoch || !c.lev.eq(lev)) return; // stale: the next get() recounts
    c.value = c.value.plus(openOrderMargin([o], pos, lev).mul(sign));
  }
}
