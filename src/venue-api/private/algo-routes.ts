/** Conditional orders of `liqguard venue`: the algo-order endpoints current ccxt and the Binance
 * SDKs use (POST/GET/DELETE /fapi/v1/algoOrder, GET openAlgoOrders, GET allAlgoOrders, DELETE
 * algoOpenOrders) and conditional types on POST /fapi/v1/order (placeLegacyConditional). The
 * simulated exchange holds them and triggers them on its mark or last price. A test hook,
 * POST /_liqguard/mark, moves a symbol's mark price (served with the fault control endpoint). */
import type { FastifyInstance } from 'fastify';
import { binanceConditionalType } from '../../core/conditional.js';
import type { ExecutionReport, InstrumentSpec } from '../../core/types.js';
import type { SimConditional } from '../../execution/simulated/index.js';
import { parseConditional } from '../../binance-wire/conditional-params.js';
import { charge, type BinanceServerContext } from '../../binance-wire/context.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import type { Authed } from './auth.js';
import { authenticate } from './auth.js';
import { instrumentOf, venueReject, type PrivateContext } from './context.js';
import { binanceStatus, fp, fq } from '../../binance-wire/order-shapes.js';

const MARK_HOOK_PATH = '/_liqguard/mark';

const ALGO_STATUS = { new: 'NEW', canceled: 'CANCELED', expired: 'EXPIRED', rejected: 'REJECTED' } as const;

export function registerAlgoRoutes(
  app: FastifyInstance,
  ctx: BinanceServerContext,
  pc: PrivateContext,
  hooks: boolean,
): void {
  app.post('/fapi/v1/algoOrder', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 0);
    pc.counter.check(pc.counter.add(a.account));
    if (a.params.algoType !== 'CONDITIONAL')
      throw a.params.algoType === undefined
        ? binanceErrors.mandatory('algoType')
        : binanceErrors.invalidParam('algoType');
    const c = place(pc, a, 'clientAlgoId');
    return algoJson(pc, c);
  });

  app.get('/fapi/v1/algoOrder', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const c = findAlgo(pc, a);
    if (!c) throw new BinanceApiError(400, -2013, 'Order does not exist.');
    return algoJson(pc, c);
  });

  app.delete('/fapi/v1/algoOrder', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const c = findAlgo(pc, a);
    if (!c || c.status !== 'new') throw new BinanceApiError(400, -2011, 'Unknown order sent.');
    pc.exchange.cancelOrderSync(a.account, c.req.symbol, c.req.clientOrderId);
    return { algoId: Number(c.venueOrderId), clientAlgoId: c.req.clientOrderId, code: '200', msg: 'success' };
  });

  app.get('/fapi/v1/openAlgoOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    const inst = a.params.symbol !== undefined ? instrumentOf(pc, a.params.symbol) : undefined;
    charge(ctx, req, reply, inst ? 1 : 40);
    return pc.exchange.conditional.waiting(a.account, inst?.symbol).map((c) => algoJson(pc, c));
  });

  app.get('/fapi/v1/allAlgoOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 5);
    const inst = instrumentOf(pc, a.params.symbol);
    return pc.exchange.conditional.list(a.account, inst.symbol).map((c) => algoJson(pc, c));
  });

  app.delete('/fapi/v1/algoOpenOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const inst = instrumentOf(pc, a.params.symbol);
    for (const c of pc.exchange.conditional.waiting(a.account, inst.symbol))
      pc.exchange.cancelOrderSync(a.account, inst.symbol, c.req.clientOrderId);
    return { code: 200, msg: 'The operation of cancel all open order is done.' };
  });

  if (hooks) {
    // Test hook: a mark price event, as the replay would deliver it (triggers MARK_PRICE orders).
    app.post(MARK_HOOK_PATH, async (req, reply) => {
      const body = (typeof req.body === 'string' ? JSON.parse(req.body) : req.body) as {
        symbol?: unknown;
        markPrice?: unknown;
        lastPrice?: unknown;
      };
      const inst = typeof body?.symbol === 'string' ? pc.byVenueSymbol.get(body.symbol) : undefined;
      const mark = Number(body?.markPrice);
      if (!inst || !(mark > 0))
        return reply
          .code(400)
          .send({ code: -1102, msg: 'send {"symbol":"BTCUSDT","markPrice":"…"} (lastPrice optional)' });
      const last = Number(body.lastPrice ?? mark);
      pc.exchange.ingest({
        type: 'mark',
        symbol: inst.symbol,
        ts: pc.exchange.now(),
        markPrice: mark,
        lastPrice: last > 0 ? last : mark,
      });
      return { ok: true, symbol: inst.venueSymbol, markPrice: pc.exchange.markPrice(inst.symbol) };
    });
  }
}

/** POST /fapi/v1/order with a conditional type: Binance's order shape with stopPrice etc. */
export function placeLegacyConditional(pc: PrivateContext, a: Authed): Record<string, unknown> {
  const c = place(pc, a, 'newClientOrderId');
  return conditionalOrderJson(pc, c, pc.exchange.fetchOrderSync(c.req.account, c.req.symbol, c.req.clientOrderId)!);
}

/** A conditional order (waiting, or the order it became) as GET /fapi/v1/order shows it. */
export function conditionalOrderJson(
  pc: PrivateContext,
  c: SimConditional,
  r: ExecutionReport,
): Record<string, unknown> {
  const inst = pc.exchange.instrument(c.req.symbol)!;
  const t = c.req.trigger;
  const type = binanceConditionalType(t, c.req.type === 'limit');
  const avg = r.avgPrice ?? '0';
  return {
    orderId: Number(c.venueOrderId),
    symbol: inst.venueSymbol,
    status: binanceStatus(r.status),
    clientOrderId: c.req.clientOrderId,
    price: fp(inst, c.req.price ?? '0'),
    avgPrice: fp(inst, avg),
    origQty: fq(inst, r.quantity),
    executedQty: fq(inst, r.filledQuantity),
    cumQuote: (Number(r.filledQuantity) * Number(avg)).toFixed(8),
    timeInForce: c.req.timeInForce,
    type,
    origType: type,
    reduceOnly: c.req.reduceOnly || t.closePosition,
    closePosition: t.closePosition,
    side: c.req.side.toUpperCase(),
    positionSide: 'BOTH',
    stopPrice: fp(inst, t.stopPrice ?? '0'),
    workingType: t.workingType === 'mark' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
    priceProtect: false,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    ...(t.kind === 'trailing_stop'
      ? { activatePrice: fp(inst, t.activationPrice ?? '0'), priceRate: t.callbackRate }
      : {}),
    time: c.createdAt,
    updateTime: r.ts,
  };
}

function place(pc: PrivateContext, a: Authed, idParam: 'clientAlgoId' | 'newClientOrderId'): SimConditional {
  const inst: InstrumentSpec = instrumentOf(pc, a.params.symbol);
  const p = parseConditional(a.params, idParam);
  const clientOrderId =
    p.clientId ?? `sim-algo-${pc.exchange.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const req = {
    account: a.account,
    symbol: inst.symbol,
    clientOrderId,
    side: p.side,
    type: p.type,
    quantity: p.quantity,
    ...(p.price ? { price: p.price } : {}),
    reduceOnly: p.reduceOnly,
    postOnly: p.timeInForce === 'GTX',
    timeInForce: p.timeInForce,
    trigger: p.trigger,
  };
  const res = pc.exchange.placeConditionalSync(req);
  if (res.reject) throw venueReject(res.reject);
  const c = pc.exchange.conditional.get(a.account, clientOrderId)!;
  // The triggered order keeps the id, so GET /fapi/v1/order by orderId finds it too.
  pc.book.add({
    account: a.account,
    orderId: Number(c.venueOrderId),
    clientOrderId,
    symbol: inst.symbol,
    type: p.type,
    timeInForce: p.timeInForce,
    ...(p.price ? { price: p.price } : {}),
    reduceOnly: p.reduceOnly || p.trigger.closePosition,
    time: c.createdAt,
    reportedFee: '0',
  });
  return c;
}

function findAlgo(pc: PrivateContext, a: Authed): SimConditional | undefined {
  const { algoId, clientAlgoId } = a.params;
  if (clientAlgoId !== undefined) return pc.exchange.conditional.get(a.account, clientAlgoId);
  if (algoId === undefined)
    throw new BinanceApiError(400, -1102, "Param 'algoId' or 'clientAlgoId' must be sent, but both were empty/null!");
  if (!/^[0-9]{1,19}$/.test(algoId)) throw binanceErrors.invalidParam('algoId');
  return pc.exchange.conditional.byOrderId(a.account, algoId);
}

function algoJson(pc: PrivateContext, c: SimConditional): Record<string, unknown> {
  const inst = pc.exchange.instrument(c.req.symbol)!;
  const t = c.req.trigger;
  const actual =
    c.status === 'triggered' ? pc.exchange.fetchOrderSync(c.req.account, c.req.symbol, c.req.clientOrderId) : undefined;
  const algoStatus =
    c.status === 'triggered'
      ? actual && ['new', 'partially_filled'].includes(actual.status)
        ? 'TRIGGERED'
        : 'FINISHED'
      : ALGO_STATUS[c.status];
  return {
    algoId: Number(c.venueOrderId),
    clientAlgoId: c.req.clientOrderId,
    algoType: 'CONDITIONAL',
    orderType: binanceConditionalType(t, c.req.type === 'limit'),
    symbol: inst.venueSymbol,
    side: c.req.side.toUpperCase(),
    positionSide: 'BOTH',
    timeInForce: c.req.timeInForce,
    quantity: fq(inst, c.req.quantity),
    algoStatus,
    triggerPrice: fp(inst, t.stopPrice ?? '0'),
    price: fp(inst, c.req.price ?? '0'),
    icebergQuantity: null,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: t.workingType === 'mark' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
    priceMatch: 'NONE',
    closePosition: t.closePosition,
    priceProtect: false,
    reduceOnly: c.req.reduceOnly,
    ...(t.kind === 'trailing_stop'
      ? { activatePrice: fp(inst, t.activationPrice ?? '0'), callbackRate: t.callbackRate }
      : {}),
    createTime: c.createdAt,
    updateTime: c.updatedAt,
    triggerTime: c.triggerTime ?? 0,
    goodTillDate: 0,
    ...(actual ? { actualOrderId: actual.venueOrderId ?? '', actualPrice: fp(inst, actual.avgPrice ?? '0') } : {}),
  };
}
