/** Binance USD-M conditional-order parameters (POST /fapi/v1/algoOrder, and POST /fapi/v1/order
 * with a conditional type) parsed into a trigger spec and the order it becomes. Shared by
 * `liqguard venue` and the gateway's front door, so both doors accept the same orders with the
 * same error codes. */
import type { TriggerSpec } from '../core/conditional.js';
import { parseDecimalString, type DecimalString } from '../core/decimal.js';
import type { OrderType, Side, TimeInForce } from '../core/types.js';
import { BinanceApiError, binanceErrors } from './errors.js';

const CONDITIONAL_TYPES = ['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'] as const;
export type ConditionalType = (typeof CONDITIONAL_TYPES)[number];
export const isConditionalType = (t: string | undefined): t is ConditionalType =>
  CONDITIONAL_TYPES.includes(t as ConditionalType);

export interface ParsedConditional {
  readonly binanceType: ConditionalType;
  readonly side: Side;
  readonly type: OrderType; // what it becomes at trigger
  /** "0" with closePosition (sized at trigger). */
  readonly quantity: DecimalString;
  readonly price?: DecimalString;
  readonly timeInForce: TimeInForce;
  readonly reduceOnly: boolean;
  readonly trigger: TriggerSpec;
  /** clientAlgoId (algo endpoint) or newClientOrderId (order endpoint). */
  readonly clientId?: string;
}

const TIFS = ['GTC', 'IOC', 'FOK', 'GTX'];
const CID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const DECIMAL = /^[0-9]{1,15}(\.[0-9]{1,12})?$/;
/** A wire decimal (15 integer and 12 fraction digits at most, like any order body) or undefined. */
const wireDecimal = (v: string): DecimalString | undefined => {
  const r = parseDecimalString(v, { sign: 'non_negative' });
  return r.ok ? r.text : undefined;
};

/** `type` is `type` on /fapi/v1/order and on the algo endpoint; `algoType` must be CONDITIONAL
 * there (checked by the caller). Throws BinanceApiError with Binance's codes. */
export function parseConditional(
  p: Readonly<Record<string, string>>,
  idParam: 'clientAlgoId' | 'newClientOrderId',
): ParsedConditional {
  const side = p.side;
  if (side === undefined) throw binanceErrors.mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw new BinanceApiError(400, -1117, 'Invalid side.');
  const t = p.type;
  if (!isConditionalType(t)) throw new BinanceApiError(400, -1116, 'Invalid orderType.');
  if (p.positionSide !== undefined && p.positionSide !== 'BOTH')
    throw new BinanceApiError(400, -4061, "Order's position side does not match user's setting.");
  const closePosition = flag(p, 'closePosition');
  const reduceOnly = flag(p, 'reduceOnly');
  if (closePosition && !['STOP_MARKET', 'TAKE_PROFIT_MARKET'].includes(t))
    throw new BinanceApiError(
      400,
      -4136,
      'Target strategy invalid for orderType, closePosition. closePosition is only for STOP_MARKET and TAKE_PROFIT_MARKET',
    );
  if (closePosition && p.quantity !== undefined)
    throw new BinanceApiError(400, -4136, 'quantity cannot be sent with closePosition=true');
  if (closePosition && reduceOnly)
    throw new BinanceApiError(400, -1106, "Parameter 'reduceOnly' sent when not required.");
  const rawQuantity = closePosition ? '0' : p.quantity;
  if (rawQuantity === undefined) throw binanceErrors.mandatory('quantity');
  const quantity = wireDecimal(rawQuantity);
  if (quantity === undefined) throw binanceErrors.invalidParam('quantity');
  const working = p.workingType ?? 'CONTRACT_PRICE';
  if (working !== 'MARK_PRICE' && working !== 'CONTRACT_PRICE') throw binanceErrors.invalidParam('workingType');
  const limit = t === 'STOP' || t === 'TAKE_PROFIT';
  let price: DecimalString | undefined;
  let tif: TimeInForce = 'GTC';
  if (limit) {
    if (p.price === undefined) throw binanceErrors.mandatory('price');
    price = wireDecimal(p.price);
    if (price === undefined) throw binanceErrors.invalidParam('price');
    const tifRaw = p.timeInForce ?? 'GTC';
    if (!TIFS.includes(tifRaw)) throw new BinanceApiError(400, -1115, 'Invalid timeInForce.');
    tif = tifRaw as TimeInForce;
  } else if (p.price !== undefined && p.price !== '0')
    throw new BinanceApiError(400, -1106, "Parameter 'price' sent when not required.");
  const trigger =
    t === 'TRAILING_STOP_MARKET' ? trailing(p, working, closePosition) : stop(p, t, working, closePosition);
  const clientId = p[idParam];
  if (clientId !== undefined && !CID.test(clientId))
    throw new BinanceApiError(
      400,
      -1100,
      `Illegal characters found in parameter '${idParam}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`,
    );
  return {
    binanceType: t,
    side: side === 'BUY' ? 'buy' : 'sell',
    type: limit ? 'limit' : 'market',
    quantity,
    ...(price !== undefined ? { price } : {}),
    timeInForce: tif,
    reduceOnly,
    trigger,
    ...(clientId !== undefined ? { clientId } : {}),
  };
}

function stop(
  p: Readonly<Record<string, string>>,
  t: ConditionalType,
  working: string,
  closePosition: boolean,
): TriggerSpec {
  const stopPrice = p.triggerPrice ?? p.stopPrice;
  if (stopPrice === undefined) throw binanceErrors.mandatory(p.algoType ? 'triggerPrice' : 'stopPrice');
  if (!DECIMAL.test(stopPrice) || Number(stopPrice) <= 0) throw binanceErrors.invalidParam('triggerPrice');
  const kind = t.startsWith('STOP') ? 'stop' : 'take_profit';
  return { kind, stopPrice, workingType: working === 'MARK_PRICE' ? 'mark' : 'contract', closePosition };
}

function trailing(p: Readonly<Record<string, string>>, working: string, closePosition: boolean): TriggerSpec {
  const rate = p.callbackRate;
  if (rate === undefined) throw binanceErrors.mandatory('callbackRate');
  if (!DECIMAL.test(rate) || Number(rate) < 0.1 || Number(rate) > 10)
    throw new BinanceApiError(400, -2007, 'Invalid callBack rate. LIQGUARD: 0.1 to 10 (percent)');
  // The algo endpoint names it activatePrice; ccxt and the order endpoint send activationPrice.
  const act = p.activatePrice ?? p.activationPrice;
  if (act !== undefined && (!DECIMAL.test(act) || Number(act) <= 0))
    throw binanceErrors.invalidParam('activationPrice');
  return {
    kind: 'trailing_stop',
    callbackRate: rate,
    ...(act !== undefined ? { activationPrice: act } : {}),
    workingType: working === 'MARK_PRICE' ? 'mark' : 'contract',
    closePosition,
  };
}

function flag(p: Readonly<Record<string, string>>, k: string): boolean {
  const v = p[k];
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw binanceErrors.invalidParam(k);
}
