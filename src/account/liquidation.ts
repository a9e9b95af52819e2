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
 * gives an LP whose notional lies inside that bracket: try each until one is consistent.
 *
 * Cost (issue 15: this was the order path's largest decimal.js user, once per order in the
 * exposure step and once per position in the simulated venue's account read): the bracket's
 * strings are parsed once per bracket object, and the consistency test needs no division. With
 * d = MMR − Side (never 0: MMR < 1) and num = base + cumB, the notional at LP is |Q|·LP = num / d,
 * so LP > 0 and floor ≤ notional ≤ cap are compared multiplied through by d (sign-aware). Only
 * the chosen bracket divides, with the same expression as before, so the price is unchanged. */
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
    const b = parsedBracket(i.brackets[k]!);
    const num = base.plus(b.maintAmount);
    const d = side > 0 ? b.mmrMinusOne : b.mmrPlusOne;
    const dPositive = side < 0; // MMR + 1 > 0; MMR − 1 < 0
    // LP > 0 ⇔ num / d > 0
    if (num.isZero() || num.isPositive() !== dPositive) continue;
    // floor ≤ num / d (and num / d ≤ cap unless last), multiplied through by d
    const last = k === i.brackets.length - 1;
    const lo = b.floor.mul(d);
    if (dPositive ? num.lt(lo) : num.gt(lo)) continue;
    if (!last) {
      const hi = b.cap.mul(d);
      if (dPositive ? num.gt(hi) : num.lt(hi)) continue;
    }
    const lp = num.div(size.mul(b.mmr).minus(size.mul(side)));
    return { price: lp, bracket: i.brackets[k]! };
  }
  return undefined;
}

interface ParsedBracket {
  readonly mmr: Decimal;
  readonly mmrMinusOne: Decimal;
  readonly mmrPlusOne: Decimal;
  readonly maintAmount: Decimal;
  readonly floor: Decimal;
  readonly cap: Decimal;
}

/** Brackets are immutable configuration shared by every order of a symbol; keyed by identity. */
const parsed = new WeakMap<MarginBracket, ParsedBracket>();

function parsedBracket(b: MarginBracket): ParsedBracket {
  let p = parsed.get(b);
  if (!p || !Object.isFrozen(b)) {
    const mmr = dec(b.maintMarginRatio);
    p = {
      mmr,
      mmrMinusOne: mmr.minus(1),
      mmrPlusOne: mmr.plus(1),
      maintAmount: dec(b.maintAmount),
      floor: dec(b.notionalFloor),
      cap: dec(b.notionalCap),
    };
    // Only a frozen bracket can be cached: a mutable one could change between orders.
    if (Object.isFrozen(b)) parsed.set(b, p);
  }
  return p;
}

/** True when `mark` has reached the liquidation price of a position of this sign. */
export function crossedLiquidation(quantity: Num, mark: Num, liq: Decimal): boolean {
  const q = dec(quantity);
  if (q.isZero()) return false;
  return q.gt(0) ? dec(mark).lte(liq) : dec(mark).gte(liq);
}
