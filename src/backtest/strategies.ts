/** Built-in order-flow generators for backtests: deterministic bots that look at the bars and
 * their account and ask for orders. They know nothing of the gateway: the engine sends what
 * they ask through the real pipeline, so a policy shapes their flow exactly as it would a live
 * bot's. Sizes are computed as numbers (a bot's intent) and leave as lot-floored decimal strings. */
import { maxNotionalForLeverage } from '../account/margin.js';
import { Decimal, floorToStep, roundToStep } from '../core/decimal.js';
import type { AccountState, InstrumentSpec, Side, TimeInForce } from '../core/types.js';
import { createPrng, type Prng } from '../training/prng.js';
import type { MarketMakerSpec, StrategySpec, TrendSpec } from './spec.js';

export interface BarView {
  readonly ts: number; // close time
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** What a strategy sees at one step. */
export interface StrategyView {
  readonly now: number;
  readonly symbols: readonly string[];
  /** Bars seen so far (warm-up included), oldest first. */
  history(symbol: string): readonly BarView[];
  account(): AccountState;
  instrument(symbol: string): InstrumentSpec;
}

export interface OrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly type: 'market' | 'limit';
  readonly quantity: string;
  readonly price?: string;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly timeInForce: TimeInForce;
  readonly leverage: string;
}

export type StrategyAction = { readonly kind: 'cancel_all' } | { readonly kind: 'order'; readonly order: OrderRequest };

export interface Strategy {
  readonly spec: StrategySpec;
  decide(view: StrategyView): StrategyAction[];
}

const positionQty = (acc: AccountState, symbol: string): number =>
  Number(acc.positions.find((p) => p.symbol === symbol)?.quantity ?? '0');

/** Lot-floored quantity for a base size, or undefined when below the venue's minimums. */
export function lotQuantity(inst: InstrumentSpec, qty: number, price: number): string | undefined {
  if (!(qty > 0) || !Number.isFinite(qty)) return undefined;
  const q = floorToStep(new Decimal(qty.toPrecision(15)), inst.stepSize);
  if (q.lt(inst.minQty) || q.mul(price.toPrecision(15)).lt(inst.minNotional)) return undefined;
  return q.toFixed();
}

const leverageFor = (lev: number, inst: InstrumentSpec): string => String(Math.min(lev, inst.maxLeverage));

/** Largest position notional the venue allows at this leverage (its margin brackets), with room
 * for the price to move between the decision and the fill: a bot that knows its venue never
 * asks for more (the venue would reject it with -2027). */
function bracketCap(inst: InstrumentSpec, leverage: string): number {
  const cap = maxNotionalForLeverage(leverage, inst.brackets);
  return cap ? cap.toNumber() * 0.95 : 0;
}
const noise = (rng: Prng, jitter: number): number => 1 + jitter * (2 * rng.next() - 1);

/** Leveraged trend follower: long above the moving average (or on a breakout of the channel),
 * short below it, holding equity × leverage × size spread over the symbols, with market orders.
 * Flips close with a reduce-only order first, so a policy that blocks new exposure still lets
 * the exit through. */
class TrendFollower implements Strategy {
  private readonly rng: Prng;
  private readonly dir = new Map<string, number>();
  constructor(readonly spec: TrendSpec) {
    this.rng = createPrng(spec.seed);
  }

  private signal(symbol: string, bars: readonly BarView[]): number {
    const s = this.spec;
    const last = bars[bars.length - 1]!;
    const prev = this.dir.get(symbol) ?? 0;
    if (s.signal === 'ma') {
      let sum = 0;
      for (let i = bars.length - s.lookback; i < bars.length; i++) sum += bars[i]!.close;
      const ma = sum / s.lookback;
      return last.close > ma ? 1 : last.close < ma ? -1 : prev;
    }
    let hi = -Infinity;
    let lo = Infinity;
    for (let i = bars.length - 1 - s.lookback; i < bars.length - 1; i++) {
      hi = Math.max(hi, bars[i]!.high);
      lo = Math.min(lo, bars[i]!.low);
    }
    return last.close > hi ? 1 : last.close < lo ? -1 : prev;
  }

  decide(view: StrategyView): StrategyAction[] {
    const s = this.spec;
    const out: StrategyAction[] = [];
    const acc = view.account();
    const equity = Number(acc.marginBalance);
    for (const symbol of view.symbols) {
      const k = noise(this.rng, s.jitter); // drawn every step so both arms see the same stream
      const bars = view.history(symbol);
      if (bars.length < s.lookback + 1) continue;
      const dir = this.signal(symbol, bars);
      this.dir.set(symbol, dir);
      if (dir === 0 || !(equity > 0)) continue;
      const inst = view.instrument(symbol);
      const price = bars[bars.length - 1]!.close;
      const lev = leverageFor(s.leverage, inst);
      const target = Math.min((equity * Number(lev) * s.size * k) / view.symbols.length, bracketCap(inst, lev)) / price; // base, unsigned
      const pos = positionQty(acc, symbol);
      const order = (side: Side, qty: number, reduceOnly: boolean): void => {
        const q = reduceOnly ? floorToStep(new Decimal(qty.toPrecision(15)), inst.stepSize) : undefined;
        const quantity = reduceOnly ? (q!.gt(0) ? q!.toFixed() : undefined) : lotQuantity(inst, qty, price);
        if (quantity)
          out.push({
            kind: 'order',
            order: {
              symbol,
              side,
              type: 'market',
              quantity,
              reduceOnly,
              postOnly: false,
              timeInForce: 'GTC',
              leverage: lev,
            },
          });
      };
      const buy: Side = dir > 0 ? 'buy' : 'sell';
      const sell: Side = dir > 0 ? 'sell' : 'buy';
      if (pos !== 0 && Math.sign(pos) !== dir) {
        order(buy, Math.abs(pos), true); // flip: exit first
        order(buy, target, false);
      } else if (pos === 0) {
        order(buy, target, false);
      } else {
        const diff = target - Math.abs(pos);
        if (Math.abs(diff) <= s.rebalance * target) continue;
        if (diff > 0) order(buy, diff, false);
        else order(sell, -diff, true);
      }
    }
    return out;
  }
}

/** Market maker: every step cancels its quotes and quotes both sides around the last close at
 * ±spread/2 (post-only limits), so it accumulates inventory against the move, up to a cap. The
 * side that reduces the inventory is sent reduce-only when it fits within the position. */
class MarketMaker implements Strategy {
  private readonly rng: Prng;
  constructor(readonly spec: MarketMakerSpec) {
    this.rng = createPrng(spec.seed);
  }

  decide(view: StrategyView): StrategyAction[] {
    const s = this.spec;
    const out: StrategyAction[] = [{ kind: 'cancel_all' }];
    const acc = view.account();
    const equity = Number(acc.marginBalance);
    const half = s.spreadBps / 2 / 10_000;
    for (const symbol of view.symbols) {
      const k = noise(this.rng, s.jitter);
      const bars = view.history(symbol);
      const last = bars[bars.length - 1];
      if (!last || !(equity > 0)) continue;
      const inst = view.instrument(symbol);
      const lev = leverageFor(s.leverage, inst);
      const venueCap = bracketCap(inst, lev);
      const cap = Math.min((equity * Number(lev) * s.maxInventory) / view.symbols.length, venueCap);
      const pos = positionQty(acc, symbol);
      const inventory = pos * last.close;
      // The side that grows the inventory may not take it past the venue's bracket cap.
      const quote = (side: Side): number => {
        const q = (equity * Number(lev) * s.size * k) / view.symbols.length;
        const grows = side === 'buy' ? pos >= 0 : pos <= 0;
        return grows ? Math.min(q, Math.max(0, venueCap - Math.abs(inventory))) : q;
      };
      const bid = roundToStep(new Decimal((last.close * (1 - half)).toPrecision(15)), inst.tickSize, 'down');
      const ask = roundToStep(new Decimal((last.close * (1 + half)).toPrecision(15)), inst.tickSize, 'up');
      const place = (side: Side, px: Decimal): void => {
        if (!px.gt(0)) return;
        const quantity = lotQuantity(inst, quote(side) / px.toNumber(), px.toNumber());
        if (!quantity) return;
        const reduces = side === 'buy' ? pos < 0 : pos > 0;
        const reduceOnly = reduces && Number(quantity) <= Math.abs(pos);
        out.push({
          kind: 'order',
          order: {
            symbol,
            side,
            type: 'limit',
            quantity,
            price: px.toFixed(),
            reduceOnly,
            postOnly: true,
            timeInForce: 'GTX',
            leverage: lev,
          },
        });
      };
      if (inventory < cap) place('buy', bid);
      if (inventory > -cap) place('sell', ask);
    }
    return out;
  }
}

export function createStrategy(spec: StrategySpec): Strategy {
  return spec.kind === 'trend' ? new TrendFollower(spec) : new MarketMaker(spec);
}
