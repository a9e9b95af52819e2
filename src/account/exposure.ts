/** computeExposure: what an order would do to the account, before the decision. Pure: the
 * account state, the mark and the horizon volatility come in, an Exposure goes out. Prices and
 * sizes in Decimal; only the distance/probability outputs are numbers (model-side values). */
import { Decimal, dec } from '../core/decimal.js';
import type {
  AccountState,
  Exposure,
  InstrumentSpec,
  MarginBracket,
  MarginMode,
  OrderIntent,
  PositionState,
} from '../core/types.js';
import { liquidationPrice } from './liquidation.js';
import { maintenanceMargin, marginRatio } from './margin.js';
import { touchProbability } from './normal.js';

/** A PositionState may carry its own maintenance margin and mark (the simulated venue and ccxt
 * positions both know them); without them they are derived from the brackets. */
export type PositionWithMargin = PositionState & { readonly maintMargin?: string; readonly markPrice?: string };

export interface ExposureInput {
  readonly intent: OrderIntent;
  readonly instrument: InstrumentSpec;
  readonly account?: AccountState;
  readonly markPrice: string | number;
  /** Standard deviation of the log price over the scoring horizon (e.g. 0.02 for 2 %). */
  readonly horizonSigma: number;
  /** Multiplies horizonSigma for the touch probability (1 calm, > 1 stressed regimes). */
  readonly regimeVolScale: number;
  /** Quote notional of this client's open orders, all symbols. */
  readonly openOrdersNotional: string;
  /** Leverage when neither the intent nor the position has one (Binance's default is 20). */
  readonly defaultLeverage?: string;
  /** Margin mode of a new position (Binance's default is cross). */
  readonly defaultMarginMode?: MarginMode;
  /** Fee rate charged on the fill, taken from the wallet (e.g. "0.0005" taker). Default 0. */
  readonly feeRate?: string;
  /** Brackets of other symbols, to value their maintenance margin for cross liquidation. */
  readonly bracketsOf?: (symbol: string) => readonly MarginBracket[] | undefined;
}

const ZERO = new Decimal(0);
const fmt = (d: Decimal): string => d.toDecimalPlaces(8).toFixed();

export interface FillEffect {
  readonly q1: Decimal;
  readonly ep1: Decimal;
  readonly realized: Decimal;
  readonly opened: Decimal; // size added in the new direction
  readonly filled: Decimal; // size that actually trades (reduceOnly trims)
  readonly reduces: boolean;
}

/** One-way netting: increase averages the entry, reduce keeps it and realises PnL, a flip opens
 * the remainder at the fill price. reduceOnly trims to the position and never opens. */
export function applyFill(q0: Decimal, ep0: Decimal, delta: Decimal, price: Decimal, reduceOnly: boolean): FillEffect {
  const opposite = !q0.isZero() && !delta.isZero() && q0.isPositive() !== delta.isPositive();
  if (reduceOnly && !opposite) return { q1: q0, ep1: ep0, realized: ZERO, opened: ZERO, filled: ZERO, reduces: false };
  const d = reduceOnly && delta.abs().gt(q0.abs()) ? q0.neg() : delta;
  const q1 = q0.plus(d);
  if (!opposite) {
    const ep1 = q1.isZero() ? ZERO : q0.abs().mul(ep0).plus(d.abs().mul(price)).div(q1.abs());
    return { q1, ep1, realized: ZERO, opened: d.abs(), filled: d.abs(), reduces: false };
  }
  const closed = Decimal.min(d.abs(), q0.abs());
  const realized = price
    .minus(ep0)
    .mul(closed)
    .mul(q0.isPositive() ? 1 : -1);
  const flips = d.abs().gt(q0.abs());
  const ep1 = flips ? price : q1.isZero() ? ZERO : ep0;
  return { q1, ep1, realized, opened: flips ? d.abs().minus(q0.abs()) : ZERO, filled: d.abs(), reduces: !flips };
}

/** Isolated margin after a fill: opening adds notional / leverage at the fill price; a reduce
 * releases margin pro rata; a flip starts over with the opened size; flat is 0. */
export function isolatedMarginAfter(
  im0: Decimal,
  q0: Decimal,
  f: FillEffect,
  price: Decimal,
  leverage: Decimal,
): Decimal {
  if (f.q1.isZero()) return ZERO;
  if (f.reduces) return im0.mul(f.q1.abs()).div(q0.abs());
  if (f.opened.eq(f.q1.abs())) return f.opened.mul(price).div(leverage); // new or flipped
  return im0.plus(f.opened.mul(price).div(leverage));
}

function markOf(p: PositionWithMargin): Decimal {
  if (p.markPrice) return dec(p.markPrice);
  const q = dec(p.quantity);
  return q.isZero() ? dec(p.entryPrice) : dec(p.entryPrice).plus(dec(p.unrealizedPnl).div(q));
}

export function computeExposure(input: ExposureInput): Exposure {
  const { intent, instrument, account } = input;
  const mark = dec(input.markPrice);
  const positions = (account?.positions ?? []) as readonly PositionWithMargin[];
  const pos = positions.find((p) => p.symbol === intent.symbol);
  const others = positions.filter((p) => p.symbol !== intent.symbol && !dec(p.quantity).isZero());

  const q0 = pos ? dec(pos.quantity) : ZERO;
  const ep0 = pos && !q0.isZero() ? dec(pos.entryPrice) : ZERO;
  const lev = dec(intent.leverage ?? pos?.leverage ?? input.defaultLeverage ?? '20');
  const mode: MarginMode = pos?.marginMode ?? input.defaultMarginMode ?? 'cross';
  const qty = dec(intent.quantity);
  const delta = intent.side === 'buy' ? qty : qty.neg();
  const price = intent.type === 'limit' && intent.price ? dec(intent.price) : mark;
  const f = applyFill(q0, ep0, delta, price, intent.reduceOnly);
  const fee = f.filled.mul(price).mul(input.feeRate ?? 0);

  // Isolated margin after the fill: opening adds notional/leverage, a reduce releases margin
  // pro rata (the realised PnL and the fee go through the cross wallet, as on Binance).
  const im0 = pos && mode === 'isolated' ? dec(pos.isolatedMargin) : ZERO;
  const im1 = mode === 'isolated' ? isolatedMarginAfter(im0, q0, f, price, lev) : ZERO;

  // Other positions: their maintenance margin is taken from the position, the brackets, or as
  // the unexplained rest of the account's maintenance margin (conservative: counted as cross).
  let otherCrossMM = ZERO;
  let otherCrossUpnl = ZERO;
  let otherMM = ZERO;
  let otherUpnl = ZERO;
  let otherIsolatedMargin = ZERO;
  let unknownMM = false;
  for (const p of others) {
    const upnl = dec(p.unrealizedPnl);
    let mm: Decimal | undefined;
    if (p.maintMargin !== undefined) mm = dec(p.maintMargin);
    else {
      const br = input.bracketsOf?.(p.symbol);
      if (br) mm = maintenanceMargin(dec(p.quantity).abs().mul(markOf(p)), br);
    }
    if (mm === undefined) unknownMM = true;
    otherMM = otherMM.plus(mm ?? 0);
    otherUpnl = otherUpnl.plus(upnl);
    if (p.marginMode === 'cross') {
      otherCrossMM = otherCrossMM.plus(mm ?? 0);
      otherCrossUpnl = otherCrossUpnl.plus(upnl);
    } else otherIsolatedMargin = otherIsolatedMargin.plus(p.isolatedMargin);
  }
  if (unknownMM && account) {
    const ownMM = maintenanceMargin(q0.abs().mul(mark), instrument.brackets);
    const rest = dec(account.maintMargin).minus(ownMM).minus(otherMM);
    if (rest.gt(0)) {
      otherMM = otherMM.plus(rest);
      otherCrossMM = otherCrossMM.plus(rest);
    }
  }

  const wallet1 = dec(account?.walletBalance ?? 0)
    .plus(f.realized)
    .minus(fee);
  const crossWallet1 = wallet1.minus(otherIsolatedMargin).minus(mode === 'isolated' ? im1 : 0);
  const liq = liquidationPrice(
    mode === 'isolated'
      ? { quantity: f.q1, entryPrice: f.ep1, balance: im1, brackets: instrument.brackets }
      : {
          quantity: f.q1,
          entryPrice: f.ep1,
          balance: crossWallet1,
          otherMaintMargin: otherCrossMM,
          otherUnrealizedPnl: otherCrossUpnl,
          brackets: instrument.brackets,
        },
  );

  const notional1 = f.q1.abs().mul(mark);
  const upnl1 = mark.minus(f.ep1).mul(f.q1);
  const mm1 = maintenanceMargin(notional1, instrument.brackets);
  const ratio = marginRatio(otherMM.plus(mm1), wallet1.plus(otherUpnl).plus(upnl1));
  const allocated = mode === 'isolated' ? im1.plus(upnl1) : crossWallet1.plus(otherCrossUpnl).plus(upnl1);
  const leverage = notional1.isZero()
    ? 0
    : allocated.lte(0)
      ? Number.POSITIVE_INFINITY
      : notional1.div(allocated).toNumber();

  let clientNotional = dec(input.openOrdersNotional).plus(qty.mul(price));
  for (const p of positions)
    clientNotional = clientNotional.plus(
      dec(p.quantity)
        .abs()
        .mul(p.symbol === intent.symbol ? mark : markOf(p)),
    );

  const out: { -readonly [K in keyof Exposure]: Exposure[K] } = {
    openOrdersNotional: input.openOrdersNotional,
    clientNotional: fmt(clientNotional),
    postFillQuantity: f.q1.toFixed(),
    postFillLeverage: leverage,
    marginRatioAfterFill: ratio,
    reducesPosition: f.reduces,
    touchProbability: 0,
  };
  if (pos) out.position = pos;
  if (account) out.account = account;
  if (liq) {
    const lp = liq.price;
    const beyond = f.q1.isPositive() ? mark.lte(lp) : mark.gte(lp);
    const logDistance = beyond ? 0 : Math.abs(Math.log(lp.div(mark).toNumber()));
    out.liquidationPriceAfterFill = fmt(lp);
    out.distanceToLiquidationPct = beyond ? 0 : lp.minus(mark).abs().div(mark).mul(100).toNumber();
    if (input.horizonSigma > 0 && Number.isFinite(input.horizonSigma))
      out.distanceToLiquidationVol = logDistance / input.horizonSigma;
    const p = touchProbability(logDistance, input.horizonSigma * input.regimeVolScale);
    if (Number.isNaN(p)) delete out.touchProbability;
    else out.touchProbability = p;
  }
  return out;
}
