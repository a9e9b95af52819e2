/** Binance USD-M order shapes: the `/fapi/v1/order` parameters in, the order object out. A
 * liqguard parent order (possibly split into children) is shown as ONE Binance order: its
 * executedQty is the sum of its children's fills, its status the aggregate status. */
import { Decimal } from '../../core/decimal.js';
import type { InstrumentSpec, OrderStatus } from '../../core/types.js';
import type { ParentOrder } from '../../execution/order-store.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { binanceStatus, PLAIN_ORDER_FIELDS } from '../../binance-wire/order-shapes.js';

/** Binance order status of a parent (`pending`: accepted, children not sent yet, is NEW):
 * the venue API's own mapping, so the two Binance surfaces cannot drift apart. */
export const binanceStatusOf = (s: OrderStatus): string => binanceStatus(s);

/** Binance's newClientOrderId rule. */
const BINANCE_CLIENT_ORDER_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/** `times`: the order's wall-clock times (the door's journal); without them the decision clock. */
export function presentBinanceOrder(
  p: ParentOrder,
  orderId: number,
  inst: InstrumentSpec,
  times?: { time: number; updateTime: number },
): Record<string, unknown> {
  const i = p.intent;
  const d = p.decision;
  const filled = new Decimal(p.filledQuantity);
  const cumQuote = p.avgPrice && filled.gt(0) ? filled.mul(p.avgPrice).toFixed() : '0';
  const type = i.type === 'market' ? 'MARKET' : 'LIMIT';
  return {
    orderId,
    symbol: inst.venueSymbol,
    status: binanceStatusOf(p.status),
    clientOrderId: i.clientOrderId,
    price: i.price ?? '0',
    avgPrice: p.avgPrice ?? '0',
    // A cap shows as the approved size: the order Binance-side is the order liqguard let through.
    origQty: d.kind === 'deny' ? i.quantity : d.approvedQuantity,
    executedQty: p.filledQuantity,
    cumQty: p.filledQuantity,
    cumQuote,
    timeInForce: i.timeInForce,
    type,
    reduceOnly: i.reduceOnly,
    side: i.side === 'buy' ? 'BUY' : 'SELL',
    origType: type,
    selfTradePreventionMode: d.selfTradePreventionMode ?? 'NONE',
    ...PLAIN_ORDER_FIELDS,
    time: times?.time ?? Math.floor(p.createdAt),
    updateTime: times?.updateTime ?? Math.floor(p.updatedAt),
    // Not a Binance field: ccxt keeps it in order.info. The liqguard view of the same order.
    liqguard: {
      intentId: p.intentId,
      decision: d.kind,
      ...(d.code ? { code: d.code } : {}),
      ...(d.detail ? { detail: d.detail } : {}),
      originalQuantity: d.originalQuantity,
      approvedQuantity: d.approvedQuantity,
      regime: p.regime,
      children: p.children.length,
    },
  };
}

export type Params = Readonly<Record<string, string>>;

/** The REST order body (src/ingress/order-body.ts) built from Binance parameters, so the one
 * strict parser decides what a valid order is. Binance-only checks come first, with Binance's
 * codes; `leverage` is the value the client set with POST /fapi/v1/leverage. */
export function binanceOrderBody(
  p: Params,
  inst: InstrumentSpec,
  leverage: string | undefined,
): { body: Record<string, unknown>; clientOrderId?: string } {
  const side = p.side;
  if (side === undefined) throw mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw new BinanceApiError(400, -1117, 'Invalid side.');
  const type = p.type;
  if (type === undefined) throw mandatory('type');
  if (type !== 'MARKET' && type !== 'LIMIT')
    throw new BinanceApiError(
      400,
      -1116,
      `Invalid orderType. LIQGUARD UNSUPPORTED_ORDER_TYPE: type=${clip(type)} supported=MARKET,LIMIT`,
    );
  if (p.quantity === undefined) throw mandatory('quantity');
  if (p.positionSide !== undefined && p.positionSide !== 'BOTH')
    throw new BinanceApiError(
      400,
      -4061,
      "Order's position side does not match user's setting. LIQGUARD: one-way mode only (positionSide=BOTH)",
    );
  if (p.closePosition === 'true')
    throw unsupported('closePosition', 'send a reduceOnly MARKET order for the position size');
  for (const k of ['stopPrice', 'triggerPrice', 'activationPrice', 'callbackRate', 'goodTillDate'])
    if (p[k] !== undefined) throw unsupported(k, 'conditional orders are not routed through liqguard');
  if (p.priceMatch !== undefined && p.priceMatch !== 'NONE') throw unsupported('priceMatch', 'send an explicit price');
  const reduceOnly = bool(p, 'reduceOnly');
  let tif = p.timeInForce;
  if (type === 'LIMIT') {
    if (p.price === undefined) throw mandatory('price');
    if (tif === undefined) throw mandatory('timeInForce');
    if (!['GTC', 'IOC', 'FOK', 'GTX'].includes(tif)) throw new BinanceApiError(400, -1115, 'Invalid timeInForce.');
  } else {
    if (p.price !== undefined) throw new BinanceApiError(400, -1106, "Parameter 'price' sent when not required.");
    tif = undefined; // Binance ignores timeInForce on MARKET orders
  }
  const cid = p.newClientOrderId;
  if (cid !== undefined && !BINANCE_CLIENT_ORDER_ID_RE.test(cid))
    throw new BinanceApiError(
      400,
      -1100,
      "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
    );
  const body: Record<string, unknown> = {
    symbol: inst.symbol,
    side: side === 'BUY' ? 'buy' : 'sell',
    type: type === 'MARKET' ? 'market' : 'limit',
    quantity: p.quantity,
    ...(p.price !== undefined ? { price: p.price } : {}),
    reduceOnly,
    ...(tif === 'GTX' ? { postOnly: true } : tif ? { timeInForce: tif } : {}),
    ...(leverage ? { leverage } : {}),
  };
  return cid === undefined ? { body } : { body, clientOrderId: cid };
}

function bool(p: Params, k: string): boolean {
  const v = p[k];
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new BinanceApiError(400, -1130, `Data sent for parameter '${k}' is not valid.`);
}

const mandatory = (k: string) =>
  new BinanceApiError(400, -1102, `Mandatory parameter '${k}' was not sent, was empty/null, or malformed.`);
const unsupported = (k: string, hint: string) =>
  new BinanceApiError(400, -1130, `Data sent for parameter '${k}' is not valid. LIQGUARD UNSUPPORTED: ${k} (${hint})`);
const clip = (s: string): string => (s.length > 30 ? `${s.slice(0, 30)}…` : s);
