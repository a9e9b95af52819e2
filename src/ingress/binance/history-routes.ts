/** Signed history and account-setup endpoints of the door: userTrades, allOrders, income (from
 * the door's journal of the pipeline's execution reports; wall-clock times), commissionRate,
 * multiAssetsMargin, positionSide/dual, marginType and symbolConfig. liqguard trades one-way,
 * cross-margin, single-asset: the setup endpoints say so in Binance's words, and a request to
 * change it is refused with a LIQGUARD message rather than silently ignored. */
import type { FastifyInstance } from 'fastify';
import type { InstrumentSpec } from '../../core/types.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import {
  commissionRateJson,
  DUAL_SIDE_POSITION,
  MULTI_ASSETS_MARGIN,
  refuseDualSideChange,
  symbolConfigJson,
} from '../../binance-wire/account-setup.js';
import { incomeJson, inRange, optInt, pickTrades, range, tradeJson } from '../../binance-wire/history-params.js';
import { instrumentOf, signed, signedGuard, venueOf, type FrontDoorContext } from './context.js';
import { presentBinanceOrder } from './order-wire.js';

/** The simulated venue's fee schedule (src/execution/simulated/options.ts defaults). */

export function registerHistoryRoutes(app: FastifyInstance, ctx: FrontDoorContext): void {
  const viewer = signedGuard(ctx, ['viewer', 'trader']);
  const trader = signedGuard(ctx, 'trader');

  app.get('/fapi/v1/userTrades', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    const rows = ctx.journal.trades(client.id, (t) => t.symbol === inst.venueSymbol);
    return pickTrades(rows, params).map(tradeJson);
  });

  app.get('/fapi/v1/allOrders', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    const r = range(params, 500, 1000);
    const fromOrderId = optInt(params, 'orderId');
    const mine = ctx.orders
      .list(
        (p) => p.intent.clientId === client.id && p.intent.symbol === inst.symbol && p.decision.kind !== 'deny',
        100_000,
      )
      .reverse();
    const rows = mine
      .map((p) => presentBinanceOrder(p, ctx.orderIds.idFor(p.intentId), inst, ctx.journal.timesOf(p.intentId)))
      .filter((o) => (fromOrderId !== undefined ? (o.orderId as number) >= fromOrderId : inRange(o.time as number, r)));
    return fromOrderId !== undefined ? rows.slice(0, r.limit) : rows.slice(-r.limit);
  });

  app.get('/fapi/v1/income', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params, false);
    const r = range(params, 100, 1000);
    const type = params.incomeType;
    const rows = ctx.journal.incomes(
      client.id,
      (x) => (!inst || x.symbol === inst.venueSymbol) && (!type || x.incomeType === type) && inRange(x.time, r),
    );
    return rows.slice(-r.limit).map(incomeJson);
  });

  app.get('/fapi/v1/commissionRate', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const inst = instrumentOf(ctx, client, params)!;
    const venue = venueOf(ctx, client);
    // Only the simulated venue's schedule is known here; a real venue's rates are the exchange's own.
    if (!('accountStateSync' in venue))
      throw new BinanceApiError(
        400,
        -1130,
        `LIQGUARD UNSUPPORTED: commissionRate is known for the simulated venue only (venue=${venue.id})`,
      );
    return commissionRateJson(inst);
  });

  app.get('/fapi/v1/multiAssetsMargin', { preHandler: viewer }, async (req) => {
    signed(req);
    return MULTI_ASSETS_MARGIN;
  });

  app.get('/fapi/v1/positionSide/dual', { preHandler: viewer }, async (req) => {
    signed(req);
    return DUAL_SIDE_POSITION;
  });
  app.post('/fapi/v1/positionSide/dual', { preHandler: trader }, async (req) => {
    const { params } = signed(req);
    refuseDualSideChange(params.dualSidePosition);
  });

  app.post('/fapi/v1/marginType', { preHandler: trader }, async (req) => {
    const { client, params } = signed(req);
    instrumentOf(ctx, client, params);
    const t = params.marginType;
    if (t === undefined)
      throw new BinanceApiError(
        400,
        -1102,
        "Mandatory parameter 'marginType' was not sent, was empty/null, or malformed.",
      );
    if (t === 'CROSSED') throw new BinanceApiError(400, -4046, 'No need to change margin type.');
    if (t === 'ISOLATED')
      throw new BinanceApiError(
        400,
        -1130,
        "Data sent for parameter 'marginType' is not valid. LIQGUARD UNSUPPORTED: cross margin only (liquidation checks assume it)",
      );
    throw new BinanceApiError(400, -1130, "Data sent for parameter 'marginType' is not valid.");
  });

  app.get('/fapi/v1/symbolConfig', { preHandler: viewer }, async (req) => {
    const { client, params } = signed(req);
    const one = instrumentOf(ctx, client, params, false);
    const insts: readonly InstrumentSpec[] = one ? [one] : venueOf(ctx, client).instruments();
    return insts.map((inst) => symbolConfigJson(inst, ctx.leverage.get(client.id, inst.symbol) ?? '20'));
  });
}
