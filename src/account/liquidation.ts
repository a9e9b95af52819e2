/** Liquidation price of a one-way USD-M position (Binance's published formula):
 *
 *   LP = (WB − TMM1 + UPNL1 + cumB − Side1·Position1·EP1) / (Position1·MMR1 − Side1·Position1)
 *
 * WB: isolated margin (isolated) or cross wallet balance (cross); TMM1, UPNL1: maintenance margin
 * and unrealised PnL of every OTHER cross position (0 for isolated); cumB, MMR1: maintAmount and
 * ratio of the bracket that holds the notional AT the liquidation price; Side1 = 1 long, −1 short;
 * Position1 = |quantity|. */
import { type Decimal, dec } from '../core/decimal.js';
import type { MarginBracket } from '../core/types.js';

type Num = Decimal | string | number;

export interface LiquidationInput {
  /** Signed position size: > 0 long, < 0 short. */
  readonly quantity: Num;
  readonly entryPrice: Num;
  /** WB: the isolated margin, or the cross wallet balance (wallet minus isolated margins). */
  readonly balance: Num;
  /** TMM1: maintenance margin of the other cross positions (omit for isolated). */
  readonly otherMaintMargin?: Num;
  /** UPNL1: unrealised PnL of the other cross positions (omit for isolated). */
  readonly otherUnrealizedPnl?: Num;
  readonly brackets: readonly MarginBracket[];
}

export interface LiquidationResult {
  readonly price: Decimal;
  readonly bracket: MarginBracket;
}

/** The liquidation price, or undefined when there is none (flat, or LP ≤ 0: a long so well
 * collateralised the price would have to go below zero).
 *
 * Equity at price P minus maintenance margin is strictly monotone in P (slope Q·(1 − MMR) for a
 * long, −Q·(1 + MMR) for a short) and MM is continuous across brackets, so exactly one bracket
 * gives an LP whose notional lies inside that bracket: try each until one is consistent. */
export function liquidationPrice(i: LiquidationInput): LiquidationResult | undefined {
  const q = dec(i.quantity);
  if (q.isZero()) return undefined;
  const side = q.gt(0) ? 1 : -1;
  const size = q.abs();
  const ep = dec(i.entryPrice);
  const base = dec(i.balance)
    .minus(i.otherMaintMargin ?? 0)
    .plus(i.otherUnrealizedPnl ?? 0)
    .minus(size.mul(ep).mul(side));
  for (let k = 0; k < i.brackets.length; k++) {
    const b = i.brackets[k]!;
    const denom = size.mul(b.maintMarginRatio).minus(size.mul(side));
    const lp = base.plus(b.maintAmount).div(denom);
    if (lp.lte(0)) continue;
    const notional = size.mul(lp);
    const last = k === i.brackets.length - 1;
    if (notional.gte(b.notionalFloor) && (last || notional.lte(b.notionalCap))) return { price: lp, bracket: b };
  }
  return undefined;
}

/** True when `mark` has reached the liquidation price of a position of this sign. */
export function crossedLiquidation(quantity: Num, mark: Num, liq: Decimal): boolean {
  const q = dec(quantity);
  if (q.isZero()) return false;
  return q.gt(0) ? dec(mark).lte(liq) : dec(mark).gte(liq);
}
