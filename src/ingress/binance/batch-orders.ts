/** POST /fapi/v1/batchOrders (up to 5 orders, each through the pipeline on its own, in order) and
 * DELETE /fapi/v1/batchOrders (cancel up to 10 by orderIdList or origClientOrderIdList). The
 * answer is Binance's batch format: one entry per order, the order object or `{code, msg}`. */
import type { FastifyInstance } from 'fastify';
import type { ClientConfig } from '../../config/types.js';
import { isTerminal } from '../../execution/order-store.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import { findOrder, instrumentOf, signed, signedGuard, type FrontDoorContext } from './context.js';
import type { Params } from './order-wire.js';
import { placeBinanceOrder, showBinanceOrder } from './place-order.js';

const MAX_BATCH_ORDERS = 5;
const MAX_BATCH_CANCELS = 10;

/** The `batchOrders` parameter: a JSON array of objects whose values become string params. */
export function parseBatch(raw: string | undefined, max: number): Params[] {
  if (raw === undefined || raw === '') throw binanceErrors.mandatory('batchOrders');
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new BinanceApiError(400, -1130, "Data sent for parameter 'batchOrders' is not valid.");
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > max)
    throw new BinanceApiError(
      400,
      -1130,
      `Data sent for parameter 'batchOrders' is not valid. LIQGUARD: 1 to ${max} orders`,
    );
  return list.map((o) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      throw new BinanceApiError(400, -1130, "Data sent for parameter 'batchOrders' is not valid.");
    const p: Record<string, string> = {};
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (typeof v === 'string') p[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') p[k] = String(v);
      else throw new BinanceApiError(400, -1130, `Data sent for parameter '${k.slice(0, 30)}' is not valid.`);
    }
    return p;
  });
}

const asEntry = (err: unknown): { code: number; msg: string } => {
  const e = err instanceof BinanceApiError ? err : binanceErrors.unknown();
  return { code: e.code, msg: e.message };
};

export function registerBatchOrders(app: FastifyInstance, ctx: FrontDoorContext): void {
  const trader = signedGuard(ctx, 'trader');

  app.post('/fapi/v1/batchOrders', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const orders = parseBatch(params.batchOrders, MAX_BATCH_ORDERS);
    const out: unknown[] = [];
    // In order, one at a time: each sees the exposure the previous ones created.
    for (const p of orders) out.push(await placeBinanceOrder(ctx, client, p).catch(asEntry));
    return out;
  });

  app.delete('/fapi/v1/batchOrders', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    const ids = idList(params.orderIdList, 'orderIdList');
    const cids = idList(params.origClientOrderIdList, 'origClientOrderIdList');
    if (ids && cids)
      throw new BinanceApiError(400, -1130, 'LIQGUARD send orderIdList or origClientOrderIdList, not both');
    const refs: Params[] = ids
      ? ids.map((orderId) => ({ orderId }))
      : (cids ?? []).map((origClientOrderId) => ({ origClientOrderId }));
    if (refs.length === 0)
      throw new BinanceApiError(
        400,
        -1102,
        "Param 'orderIdList' or 'origClientOrderIdList' must be sent, but both were empty/null!",
      );
    if (refs.length > MAX_BATCH_CANCELS)
      throw new BinanceApiError(
        400,
        -1130,
        `Data sent for parameter 'orderIdList' is not valid. LIQGUARD: at most ${MAX_BATCH_CANCELS}`,
      );
    const out: unknown[] = [];
    for (const ref of refs) out.push(await cancelOne(ctx, client, ref, inst).catch(asEntry));
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

/** `[1,2]` or `["a","b"]` as strings. */
function idList(raw: string | undefined, name: string): string[] | undefined {
  if (raw === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new BinanceApiError(400, -1130, `Data sent for parameter '${name}' is not valid.`);
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isSafeInteger(x))))
    throw new BinanceApiError(400, -1130, `Data sent for parameter '${name}' is not valid.`);
  return v.map(String);
}
