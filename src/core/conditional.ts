/** Conditional (trigger) orders: the spec every stage shares. A conditional order waits until the
 * trigger price is reached, then becomes a market order (STOP_MARKET, TAKE_PROFIT_MARKET,
 * TRAILING_STOP_MARKET) or a limit order at its `price` (STOP, TAKE_PROFIT). Prices are decimal
 * strings; the trigger logic itself is pure (see triggerCheck). */
import { Decimal } from './decimal.js';
import type { ChildOrderRequest, OrderIntent, Side } from './types.js';

type TriggerKind = 'stop' | 'take_profit' | 'trailing_stop';
/** MARK_PRICE triggers on the mark price, CONTRACT_PRICE on the last trade price (Binance). */
export type WorkingType = 'mark' | 'contract';

export interface TriggerSpec {
  readonly kind: TriggerKind;
  /** Trigger price (stop / take_profit). */
  readonly stopPrice?: string;
  /** Trailing stop: the price that arms it (default: armed at placement). */
  readonly activationPrice?: string;
  /** Trailing stop: callback in percent (Binance: 0.1 to 10). */
  readonly callbackRate?: string;
  readonly workingType: WorkingType;
  /** Close the whole position at trigger (quantity ignored; reduce-only). */
  readonly closePosition: boolean;
}

/** A conditional order as a venue receives it: the child order it becomes, plus its trigger. */
export interface ConditionalOrderRequest extends ChildOrderRequest {
  readonly trigger: TriggerSpec;
}

/** Binance order type name of a conditional order. */
export function binanceConditionalType(t: TriggerSpec, limit: boolean): string {
  if (t.kind === 'trailing_stop') return 'TRAILING_STOP_MARKET';
  if (t.kind === 'stop') return limit ? 'STOP' : 'STOP_MARKET';
  return limit ? 'TAKE_PROFIT' : 'TAKE_PROFIT_MARKET';
}

/** Mutable trailing state: armed once the activation price is reached, then the best price. */
export interface TrailState {
  armed: boolean;
  extreme?: Decimal;
}

/** Does `price` fire the trigger? Pure except for the trailing state it updates.
 * stop: a buy fires at or above the stop price, a sell at or below (stop-loss of a short / long);
 * take_profit: the opposite; trailing: a sell fires once the price fell callbackRate % from the
 * highest price since it was armed (a buy: rose from the lowest). */
export function triggerCheck(side: Side, t: TriggerSpec, price: Decimal, trail?: TrailState): boolean {
  if (t.kind === 'stop' || t.kind === 'take_profit') {
    const stop = new Decimal(t.stopPrice!);
    const up = (t.kind === 'stop') === (side === 'buy');
    return up ? price.gte(stop) : price.lte(stop);
  }
  const st = trail!;
  if (!st.armed) {
    if (t.activationPrice === undefined) st.armed = true;
    else {
      const act = new Decimal(t.activationPrice);
      st.armed = side === 'sell' ? price.gte(act) : price.lte(act);
    }
    if (!st.armed) return false;
  }
  if (st.extreme === undefined) st.extreme = price;
  else st.extreme = side === 'sell' ? Decimal.max(st.extreme, price) : Decimal.min(st.extreme, price);
  const rate = new Decimal(t.callbackRate!).div(100);
  const one = new Decimal(1);
  return side === 'sell' ? price.lte(st.extreme.mul(one.minus(rate))) : price.gte(st.extreme.mul(one.plus(rate)));
}

/** The reference price the policy evaluates a conditional order against at placement. */
export function triggerReferencePrice(t: TriggerSpec): string | undefined {
  return t.kind === 'trailing_stop' ? t.activationPrice : t.stopPrice;
}

/** Protective: reduce-only or closePosition. It only ever reduces risk, so it goes to the venue
 * as a native conditional order and no kill, halt or regime rule stops it. */
export const isProtectiveIntent = (i: OrderIntent): boolean =>
  i.trigger !== undefined && (i.reduceOnly || i.trigger.closePosition);
