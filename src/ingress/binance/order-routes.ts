/** Signed order endpoints: /fapi/v1/order (POST, GET, DELETE), /fapi/v1/openOrders,
 * /fapi/v1/allOpenOrders. Each translates Binance parameters into the gateway's OrderIntent and
 * calls the pipeline; nothing order-related is decided here. */
import type { FastifyInstance } from 'fastify';
import { isTerminal, type ParentOrder } from '../../execution/order-store.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { findOrder, instrumentOf, signed, signedGuard, type FrontDoorContext } from './context.js';
import { presentRisk } from '../present.js';
import { showBinanceOrder, submitBinanceOrder } from './place-order.js';

export function registerOrderRoutes(app: FastifyInstance, ctx: FrontDoorContext): void {
  const trader = signedGuard(ctx, 'trader');
  const viewer = signedGuard(ctx, ['viewer', 'trader']); // a trading key reads its own orders and account
  const show = (p: ParentOrder) => showBinanceOrder(ctx, p);

  app.post('/fapi/v1/order', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const res = await submitBinanceOrder(ctx, client, params);
    const out = show(res.order);
    return { ...out, liqguard: { ...(out.liqguard as Record<string, unknown>), risk: presentRisk(res.exposure) } };
  });

  app.get('/fapi/v1/order', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    return show(findOrder(ctx, client, params, instrumentOf(ctx, client, params)!));
  });

  app.delete('/fapi/v1/order', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const p = findOrder(ctx, client, params, instrumentOf(ctx, client, params)!);
    if (isTerminal(p.status)) throw new BinanceApiError(400, -2011, 'Unknown order sent.');
    await ctx.pipeline.cancel(p.intentId, `cancelled by ${client.id} (binance api)`);
    return show(p);
  });

  app.get('/fapi/v1/openOrders', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params, false);
    return ctx.orders
      .working((p) => p.intent.clientId === client.id && (!inst || p.intent.symbol === inst.symbol))
      .map(show);
  });

  app.delete('/fapi/v1/allOpenOrders', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    await ctx.pipeline.cancelWhere(
      (p) => p.intent.clientId === client.id && p.intent.symbol === inst.symbol,
      `cancel all by ${client.id} (binance api)`,
    );
    return { code: 200, msg: 'The operation of cancel all open order is done.' };
  });
}
