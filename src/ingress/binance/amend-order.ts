/** PUT /fapi/v1/order (amend) and PUT /fapi/v1/batchOrders (up to 5 amendments, Binance batch
 * answer) on the door. Binance parameters symbol, side, quantity, price and orderId or
 * origClientOrderId; LIMIT orders only, like Binance. The order is amended IN PLACE at the venue
 * (pipeline.amend → Venue.amendOrder: ccxt editOrder on a real venue), so it keeps its orderId
 * and clientOrderId; the user-data stream shows execution type AMENDMENT.
 * - an INCREASE of quantity is first evaluated through the pipeline like a new order for the new
 *   remaining quantity at the new price (its decision is audited; the original's open notional
 *   still counts: conservative). Anything but an accept (a denial, a cap, a split) leaves the
 *   original working as it was and answers the reason, like a denied new order (-2010);
 * - a decrease, or a price change at the same or a lower quantity, goes to the venue directly
 *   (it does not add exposure). */
import type { FastifyInstance } from 'fastify';
import type { ClientConfig } from '../../config/types.js';
import { Decimal, decimalString, parseDecimalString, type DecimalString } from '../../core/decimal.js';
import type { OrderIntent } from '../../core/types.js';
import { isTerminal } from '../../execution/order-store.js';
import { asBatchEntry, MAX_BATCH_ORDERS, parseBatch } from '../../binance-wire/batch-params.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { findOrder, instrumentOf, signed, signedGuard, type FrontDoorContext } from './context.js';
import type { Params } from './order-wire.js';
import { showBinanceOrder } from './place-order.js';

export function registerAmendOrder(app: FastifyInstance, ctx: FrontDoorContext): void {
  const trader = signedGuard(ctx, 'trader');
  app.put('/fapi/v1/order', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    return amendBinanceOrder(ctx, client, params);
  });
  app.put('/fapi/v1/batchOrders', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const out: unknown[] = [];
    // In order, one at a time: each increase sees the exposure the previous amendments left.
    for (const p of parseBatch(params.batchOrders, MAX_BATCH_ORDERS))
      out.push(await amendBinanceOrder(ctx, client, p).catch(asBatchEntry));
    return out;
  });
}

async function amendBinanceOrder(
  ctx: FrontDoorContext,
  client: ClientConfig,
  params: Params,
): Promise<Record<string, unknown>> {
  const inst = instrumentOf(ctx, client, params)!;
  for (const k of ['side', 'quantity', 'price'] as const)
    if (params[k] === undefined || params[k] === '')
      throw new BinanceApiError(400, -1102, `Mandatory parameter '${k}' was not sent, was empty/null, or malformed.`);
  const [quantity, price] = (['quantity', 'price'] as const).map((k) => {
    const r = parseDecimalString(params[k]);
    if (!r.ok) throw new BinanceApiError(400, -1130, `Data sent for parameter '${k}' is not valid.`);
    return r.text;
  }) as [DecimalString, DecimalString];
  const p = findOrder(ctx, client, params, inst);
  if (isTerminal(p.status) || p.intent.trigger)
    throw new BinanceApiError(400, -2013, 'Order does not exist. LIQGUARD: only a working LIMIT order can be amended');
  const i = p.intent;
  if (i.type !== 'limit')
    throw new BinanceApiError(400, -1116, 'Invalid orderType. LIQGUARD: only LIMIT orders can be amended');
  if (params.side !== (i.side === 'buy' ? 'BUY' : 'SELL'))
    throw new BinanceApiError(400, -1130, "Data sent for parameter 'side' is not valid. LIQGUARD: side cannot change");
  const newQty = new Decimal(quantity);
  const filled = new Decimal(p.filledQuantity);
  if (newQty.lte(filled))
    throw new BinanceApiError(400, -4005, 'Quantity less than or equal to executed quantity. LIQGUARD: cannot amend');
  const origQty = new Decimal(p.decision.kind === 'deny' ? i.quantity : p.decision.approvedQuantity);
  if (newQty.eq(origQty) && i.price !== undefined && new Decimal(price).eq(i.price))
    throw new BinanceApiError(400, -5027, 'No need to modify the order.');
  const increase: OrderIntent | undefined = newQty.gt(origQty)
    ? increaseIntent(ctx, i, decimalString(newQty.sub(filled)), price)
    : undefined;
  const out = await ctx.pipeline.amend(p.intentId, quantity, price, increase);
  if (out.ok) return showBinanceOrder(ctx, out.parent);
  if (out.reason === 'policy') {
    const d = out.decision;
    const detail = d.detail ?? d.code ?? 'POLICY_REJECT';
    const how = d.kind === 'deny' ? '' : ` (the policy would ${d.kind} it: an amendment applies whole or not at all)`;
    throw new BinanceApiError(400, -2010, `LIQGUARD ${detail}${how} intentId=${out.intentId}`);
  }
  if (out.reason === 'venue') {
    // The venue's own code leads its reason ("-5022 Due to…"); else a plain rejection.
    const m = /^(-[0-9]{1,5}) (.*)$/s.exec(out.report.reason ?? '');
    throw new BinanceApiError(
      400,
      m ? Number(m[1]) : -2010,
      m ? m[2]! : `LIQGUARD VENUE_REJECTED: ${out.report.reason}`,
    );
  }
  throw new BinanceApiError(
    400,
    -2013,
    'Order does not exist. LIQGUARD: a split order, or one whose venue cannot amend in place, cannot be amended',
  );
}

/** The increase as the policy sees it: a new order for the new remaining quantity at the new
 * price, under a fresh id (it is evaluated and audited, never placed). */
function increaseIntent(
  ctx: FrontDoorContext,
  i: OrderIntent,
  quantity: DecimalString,
  price: DecimalString,
): OrderIntent {
  const intentId = ctx.ids.next('ord');
  return { ...i, intentId, clientOrderId: intentId, quantity, price, receivedAt: ctx.clock.now() };
}
