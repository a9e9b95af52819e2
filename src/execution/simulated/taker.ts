/** The taker side of a new order: how much of it trades on arrival and at what price. A market
 * order takes in full; a limit order is marketable when its price leaves room for at least the
 * half spread, and then takes the largest size whose impact stays within the limit. Prices are
 * Decimal, rounded to the tick against the taker and never through the limit. */
import { Decimal, floorToStep, roundToStep } from '../../core/decimal.js';
import type { InstrumentSpec, OrderType, Side } from '../../core/types.js';
import { filtersOf } from './filters.js';
import { impactFraction, maxQtyWithin, type BarLiquidity, type ImpactParams } from './impact.js';

export interface TakerPlan {
  readonly marketable: boolean;
  readonly qty: Decimal; // 0 when nothing takes
  readonly price?: Decimal;
}

const ZERO = new Decimal(0);

export function planTaker(
  inst: InstrumentSpec,
  type: OrderType,
  side: Side,
  qty: Decimal,
  limit: Decimal | undefined,
  ref: Decimal | undefined,
  bar: BarLiquidity | undefined,
  impact: ImpactParams,
): TakerPlan {
  if (!ref) return { marketable: false, qty: ZERO };
  let takeQty = type === 'market' ? qty : ZERO;
  let marketable = type === 'market';
  if (type === 'limit' && limit) {
    const room = side === 'buy' ? limit.div(ref).minus(1).toNumber() : new Decimal(1).minus(limit.div(ref)).toNumber();
    marketable = room >= impact.halfSpread;
    if (marketable) {
      const cap = maxQtyWithin(room, bar, impact);
      takeQty = Number.isFinite(cap)
        ? Decimal.min(qty, floorToStep(new Decimal(cap.toFixed(12)), filtersOf(inst).step))
        : qty;
    }
  }
  if (takeQty.lte(0)) return { marketable, qty: ZERO };
  return { marketable, qty: takeQty, price: takerPrice(inst, side, takeQty, ref, limit, bar, impact) };
}

/** ref × (1 ± impact(qty)), rounded to the tick against the taker, clamped to the limit. */
function takerPrice(
  inst: InstrumentSpec,
  side: Side,
  qty: Decimal,
  ref: Decimal,
  limit: Decimal | undefined,
  bar: BarLiquidity | undefined,
  impact: ImpactParams,
): Decimal {
  const f = new Decimal(impactFraction(qty.toNumber(), bar, impact).toFixed(12));
  const tick = filtersOf(inst).tick;
  if (side === 'buy') {
    const p = roundToStep(ref.mul(f.plus(1)), tick, 'up');
    return limit ? Decimal.min(p, limit) : p;
  }
  const p = Decimal.max(roundToStep(ref.mul(new Decimal(1).minus(f)), tick, 'down'), tick);
  return limit ? Decimal.max(p, limit) : p;
}
