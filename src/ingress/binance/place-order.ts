/** One Binance order → OrderIntent → pipeline.submit, answered as the Binance order or thrown as
 * the Binance error (denial, venue rejection, bad parameter). batchOrders uses it for each order;
 * the single-order route of order-routes.ts shares submitBinanceOrder. */
import type { ClientConfig } from '../../config/types.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { parseOrderBody } from '../order-body.js';
import { toIntent } from '../routes-orders.js';
import { instrumentOf, type FrontDoorContext } from './context.js';
import { rejectionOf } from './denials.js';
import { binanceOrderBody, presentBinanceOrder, type Params } from './order-wire.js';

/** Parse, submit and raise a rejection as the Binance error; the caller presents the order. */
export async function submitBinanceOrder(ctx: FrontDoorContext, client: ClientConfig, params: Params) {
  const inst = instrumentOf(ctx, client, params)!;
  const { body, clientOrderId } = binanceOrderBody(params, inst, ctx.leverage.get(client.id, inst.symbol));
  const parsed = parseOrderBody(body);
  if (!parsed.ok)
    throw new BinanceApiError(
      400,
      parsed.code === 'MISSING_FIELD' ? -1102 : -1130,
      `LIQGUARD ${parsed.code}: ${parsed.message}`,
    );
  const fields = clientOrderId ? { ...parsed.value, clientOrderId } : parsed.value;
  const res = await ctx.pipeline.submit(toIntent(fields, client, ctx, 'binance'));
  const rejected = rejectionOf(res.order);
  if (rejected) throw rejected;
  return { res, inst };
}

export async function placeBinanceOrder(
  ctx: FrontDoorContext,
  client: ClientConfig,
  params: Params,
): Promise<Record<string, unknown>> {
  const { res, inst } = await submitBinanceOrder(ctx, client, params);
  return presentBinanceOrder(
    res.order,
    ctx.orderIds.idFor(res.order.intentId),
    inst,
    ctx.journal.timesOf(res.order.intentId),
  );
}
