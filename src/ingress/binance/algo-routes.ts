/** Conditional orders on the front door: the algo-order endpoints current ccxt and the Binance
 * SDKs use (POST/GET/DELETE /fapi/v1/algoOrder, GET openAlgoOrders and allAlgoOrders, DELETE
 * algoOpenOrders). Conditional types on POST /fapi/v1/order and batchOrders go through
 * submitBinanceOrder (place-order.ts), which shares submitConditional with this route.
 * Every order goes through pipeline.submit with its trigger (see conditional-wire.ts). */
import type { FastifyInstance } from 'fastify';
import type { ClientConfig } from '../../config/types.js';
import { isTerminal, type ParentOrder } from '../../execution/order-store.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import { instrumentOf, signed, signedGuard, type FrontDoorContext } from './context.js';
import { presentAlgoOrder, presentConditionalOrder, submitConditional } from './conditional-wire.js';
import type { Params } from './order-wire.js';

export function registerAlgoRoutes(app: FastifyInstance, ctx: FrontDoorContext): void {
  const trader = signedGuard(ctx, 'trader');
  const viewer = signedGuard(ctx, ['viewer', 'trader']);
  const show = (p: ParentOrder) =>
    presentAlgoOrder(ctx, p, ctx.venues.get(p.intent.venue)!.instrument(p.intent.symbol)!);
  const mine = (client: ClientConfig, symbol?: string) => (p: ParentOrder) =>
    p.intent.clientId === client.id && p.intent.trigger !== undefined && (!symbol || p.intent.symbol === symbol);

  app.post('/fapi/v1/algoOrder', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    if (params.algoType !== 'CONDITIONAL')
      throw params.algoType === undefined
        ? binanceErrors.mandatory('algoType')
        : binanceErrors.invalidParam('algoType');
    return show((await submitConditional(ctx, client, params, 'clientAlgoId')).order);
  });

  app.get('/fapi/v1/algoOrder', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    return show(findAlgo(ctx, client, params));
  });

  app.delete('/fapi/v1/algoOrder', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const p = findAlgo(ctx, client, params);
    if (isTerminal(p.status)) throw new BinanceApiError(400, -2011, 'Unknown order sent.');
    await ctx.pipeline.cancel(p.intentId, `cancelled by ${client.id} (binance api)`);
    return {
      algoId: ctx.orderIds.idFor(p.intentId),
      clientAlgoId: p.intent.clientOrderId,
      code: '200',
      msg: 'success',
    };
  });

  app.get('/fapi/v1/openAlgoOrders', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params, false);
    return ctx.orders.working(mine(client, inst?.symbol)).map(show);
  });

  app.get('/fapi/v1/allAlgoOrders', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    return ctx.orders.list(mine(client, inst.symbol), 500).reverse().map(show);
  });

  app.delete('/fapi/v1/algoOpenOrders', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    await ctx.pipeline.cancelWhere(mine(client, inst.symbol), `cancel all algo orders by ${client.id} (binance api)`);
    return { code: 200, msg: 'The operation of cancel all open order is done.' };
  });
}

/** POST /fapi/v1/order with a conditional type (order-routes delegates here). */
function findAlgo(ctx: FrontDoorContext, client: ClientConfig, params: Params): ParentOrder {
  const { algoId, clientAlgoId } = params;
  let p: ParentOrder | undefined;
  if (clientAlgoId !== undefined) p = ctx.orders.getByClientOrderId(client.id, clientAlgoId);
  else if (algoId !== undefined) {
    if (!/^[0-9]{1,16}$/.test(algoId)) throw binanceErrors.invalidParam('algoId');
    const id = ctx.orderIds.intentOf(Number(algoId));
    p = id ? ctx.orders.get(id) : undefined;
  } else
    throw new BinanceApiError(400, -1102, "Param 'algoId' or 'clientAlgoId' must be sent, but both were empty/null!");
  if (!p || p.intent.clientId !== client.id || !p.intent.trigger)
    throw new BinanceApiError(400, -2013, 'Order does not exist.');
  return p;
}
