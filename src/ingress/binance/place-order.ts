/** One Binance order → OrderIntent → pipeline.submit, answered as the Binance order or thrown as
 * the Binance error (denial, venue rejection, bad parameter). The single-order route
 * (order-routes.ts), batchOrders and amend share it, so a conditional type (STOP_MARKET,
 * TAKE_PROFIT_MARKET, STOP, TAKE_PROFIT, TRAILING_STOP_MARKET, closePosition) takes the same path
 * in a batch as on its own. */
import type { ClientConfig } from '../../config/types.js';
import type { ParentOrder } from '../../execution/order-store.js';
import type { SubmitResult } from '../../pipeline.js';
import { isConditionalType } from '../../binance-wire/conditional-params.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import { parseOrderBody } from '../order-body.js';
import { toIntent } from '../routes-orders.js';
import { presentConditionalOrder, submitConditional } from './conditional-wire.js';
import { instrumentOf, type FrontDoorContext } from './context.js';
import { rejectionOf } from './denials.js';
import { binanceOrderBody, presentBinanceOrder, type Params } from './order-wire.js';

/** Parse, submit and raise a rejection as the Binance error; the caller presents the order. */
export async function submitBinanceOrder(
  ctx: FrontDoorContext,
  client: ClientConfig,
  params: Params,
): Promise<SubmitResult> {
  if (isConditionalType(params.type)) return submitConditional(ctx, client, params, 'newClientOrderId');
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
  return res;
}

/** A parent as the Binance order object on /fapi/v1/order (conditional fields for a trigger order). */
export function showBinanceOrder(ctx: FrontDoorContext, p: ParentOrder): Record<string, unknown> {
  const inst = ctx.venues.get(p.intent.venue)?.instrument(p.intent.symbol);
  if (!inst) throw binanceErrors.unknown();
  if (p.intent.trigger) return presentConditionalOrder(ctx, p, ctx.orderIds.idFor(p.intentId), inst);
  return presentBinanceOrder(p, ctx.orderIds.idFor(p.intentId), inst, ctx.journal.timesOf(p.intentId));
}

export async function placeBinanceOrder(
  ctx: FrontDoorContext,
  client: ClientConfig,
  params: Params,
): Promise<Record<string, unknown>> {
  return showBinanceOrder(ctx, (await submitBinanceOrder(ctx, client, params)).order);
}
