/** POST, PUT and DELETE /fapi/v1/batchOrders on `liqguard venue`, as Binance: up to 5 new orders
 * (any type POST /fapi/v1/order takes, conditional ones included) or amendments, up to 10
 * cancels by orderIdList / origClientOrderIdList; each entry on its own, in order; the answer
 * has one element per entry: the order, or `{code, msg}` where that entry failed. */
import type { FastifyInstance } from 'fastify';
import { asBatchEntry, MAX_BATCH_ORDERS, parseBatch, parseCancelRefs } from '../../binance-wire/batch-params.js';
import { charge, type BinanceServerContext } from '../../binance-wire/context.js';
import { authenticate } from './auth.js';
import type { PrivateContext } from './context.js';
import { amendOne, cancelOne, placeOne } from './order-routes.js';

export function registerBatchRoutes(app: FastifyInstance, ctx: BinanceServerContext, pc: PrivateContext): void {
  const each = (list: Record<string, string>[], one: (p: Record<string, string>) => unknown): unknown[] =>
    list.map((p) => {
      try {
        return one(p);
      } catch (e) {
        return asBatchEntry(e);
      }
    });

  app.post('/fapi/v1/batchOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 5);
    const list = parseBatch(a.params.batchOrders, MAX_BATCH_ORDERS);
    return each(list, (params) => {
      pc.counter.check(pc.counter.add(a.account)); // every order of a batch counts
      return placeOne(pc, { ...a, params });
    });
  });

  app.put('/fapi/v1/batchOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 5);
    return each(parseBatch(a.params.batchOrders, MAX_BATCH_ORDERS), (p) => amendOne(pc, a.account, p));
  });

  app.delete('/fapi/v1/batchOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const symbol = a.params.symbol;
    return each(parseCancelRefs(a.params), (ref) =>
      cancelOne(pc, a.account, { ...ref, ...(symbol ? { symbol } : {}) }),
    );
  });
}
