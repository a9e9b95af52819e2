/** PUT /fapi/v1/order (amend) on the door: Binance parameters symbol, side, quantity, price and
 * orderId or origClientOrderId; LIMIT orders only, like Binance. liqguard applies an amendment as
 * cancel-and-replace, and the replacement is a new order (new orderId and clientOrderId; the
 * user-data stream shows the CANCELED/NEW pair):
 * - an INCREASE of quantity is evaluated through the pipeline like a new order for the new
 *   remaining quantity, BEFORE the original is cancelled: if it is denied the original keeps
 *   working and the bot gets the usual Binance error body. While it is evaluated the original's
 *   open notional still counts (conservative: never less strict than the new total alone);
 * - a DECREASE, or a price change at the same or a lower quantity, cancels the original first
 *   (it reduces risk) and then places the replacement. */
import type { FastifyInstance } from 'fastify';
import { Decimal } from '../../core/decimal.js';
import { isTerminal } from '../../execution/order-store.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { findOrder, instrumentOf, signed, signedGuard, type FrontDoorContext } from './context.js';
import { placeBinanceOrder } from './place-order.js';

const DECIMAL_RE = /^[0-9]{1,20}(\.[0-9]{1,18})?$/;

export function registerAmendOrder(app: FastifyInstance, ctx: FrontDoorContext): void {
  const trader = signedGuard(ctx, 'trader');
  app.put('/fapi/v1/order', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    for (const k of ['side', 'quantity', 'price'] as const)
      if (params[k] === undefined || params[k] === '')
        throw new BinanceApiError(400, -1102, `Mandatory parameter '${k}' was not sent, was empty/null, or malformed.`);
    for (const k of ['quantity', 'price'] as const)
      if (!DECIMAL_RE.test(params[k]!) || new Decimal(params[k]!).lte(0))
        throw new BinanceApiError(400, -1130, `Data sent for parameter '${k}' is not valid.`);
    const p = findOrder(ctx, client, params, inst);
    if (isTerminal(p.status) || p.intent.trigger)
      throw new BinanceApiError(
        400,
        -2013,
        'Order does not exist. LIQGUARD: only a working LIMIT order can be amended',
      );
    const i = p.intent;
    if (i.type !== 'limit')
      throw new BinanceApiError(400, -1116, 'Invalid orderType. LIQGUARD: only LIMIT orders can be amended');
    const side = i.side === 'buy' ? 'BUY' : 'SELL';
    if (params.side !== side)
      throw new BinanceApiError(
        400,
        -1130,
        "Data sent for parameter 'side' is not valid. LIQGUARD: side cannot change",
      );
    const newQty = new Decimal(params.quantity!);
    const filled = new Decimal(p.filledQuantity);
    if (newQty.lte(filled))
      throw new BinanceApiError(400, -4005, 'Quantity less than or equal to executed quantity. LIQGUARD: cannot amend');
    const origQty = new Decimal(p.decision.kind === 'deny' ? i.quantity : p.decision.approvedQuantity);
    if (newQty.eq(origQty) && i.price !== undefined && new Decimal(params.price!).eq(i.price))
      throw new BinanceApiError(400, -5027, 'No need to modify the order.');
    const replacement = {
      symbol: inst.venueSymbol,
      side,
      type: 'LIMIT',
      quantity: newQty.sub(filled).toFixed(),
      price: params.price!,
      timeInForce: i.postOnly ? 'GTX' : (i.timeInForce ?? 'GTC'),
      ...(i.reduceOnly ? { reduceOnly: 'true' } : {}),
    };
    const reason = `amended by ${client.id} (binance api)`;
    if (newQty.gt(origQty)) {
      const out = await placeBinanceOrder(ctx, client, replacement); // throws the denial: original untouched
      await ctx.pipeline.cancel(p.intentId, reason);
      return out;
    }
    await ctx.pipeline.cancel(p.intentId, reason);
    return placeBinanceOrder(ctx, client, replacement);
  });
}
