/** POST /fapi/v1/batchOrders (up to 5 orders, each through the pipeline on its own, in order; any
 * type POST /fapi/v1/order takes, conditional ones included) and DELETE /fapi/v1/batchOrders (cancel up to 10 by orderIdList or origClientOrderIdList). The
 * answer is Binance's batch format: one entry per order, the order object or `{code, msg}`.
 * PUT /fapi/v1/batchOrders (amend) is in amend-order.ts. */
import type { FastifyInstance } from 'fastify';
import type { ClientConfig } from '../../config/types.js';
import { isTerminal } from '../../execution/order-store.js';
import { asBatchEntry, MAX_BATCH_ORDERS, parseBatch, parseCancelRefs } from '../../binance-wire/batch-params.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { findOrder, instrumentOf, signed, signedGuard, type FrontDoorContext } from './context.js';
import type { Params } from './order-wire.js';
import { placeBinanceOrder, showBinanceOrder } from './place-order.js';

export function registerBatchOrders(app: FastifyInstance, ctx: FrontDoorContext): void {
  const trader = signedGuard(ctx, 'trader');

  app.post('/fapi/v1/batchOrders', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const orders = parseBatch(params.batchOrders, MAX_BATCH_ORDERS);
    const out: unknown[] = [];
    // In order, one at a time: each sees the exposure the previous ones created.
    for (const p of orders) out.push(await placeBinanceOrder(ctx, client, p).catch(asBatchEntry));
    return out;
  });

  app.delete('/fapi/v1/batchOrders', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    const refs = parseCancelRefs(params);
    const out: unknown[] = [];
    for (const ref of refs) out.push(await cancelOne(ctx, client, ref, inst).catch(asBatchEntry));
    return out;
  });
}

async function cancelOne(
  ctx: FrontDoorContext,
  client: ClientConfig,
  ref: Params,
  inst: NonNullable<ReturnType<typeof instrumentOf>>,
): Promise<Record<string, unknown>> {
  const p = findOrder(ctx, client, ref, inst);
  if (isTerminal(p.status)) throw new BinanceApiError(400, -2011, 'Unknown order sent.');
  await ctx.pipeline.cancel(p.intentId, `cancelled by ${client.id} (binance api batch)`);
  return showBinanceOrder(ctx, p);
}
