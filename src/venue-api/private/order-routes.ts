/** Order endpoints: POST/GET/PUT/DELETE /fapi/v1/order, GET openOrders, DELETE allOpenOrders,
 * POST countdownCancelAll (the dead-man switch). Every answer is Binance-shaped; rejections of
 * the simulated exchange become Binance error bodies with its codes. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChildOrderRequest, ExecutionReport, InstrumentSpec, TimeInForce } from '../../core/types.js';
import { charge, type BinanceServerContext } from '../../binance-wire/context.js';
import { BinanceApiError, binanceErrors } from '../../binance-wire/errors.js';
import { isConditionalType } from '../../binance-wire/conditional-params.js';
import { conditionalOrderJson, placeLegacyConditional } from './algo-routes.js';
import { authenticate, type Authed } from './auth.js';
import { instrumentOf, venueReject, type PrivateContext } from './context.js';
import type { PrivateFaults } from './faults.js';
import { orderJson } from '../../binance-wire/order-shapes.js';
import { Decimal, decimalString, parseDecimalString, type DecimalString } from '../../core/decimal.js';
import { REJECT } from '../../execution/simulated/rejects.js';

const TIFS: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'GTX'];

export function registerOrderRoutes(
  app: FastifyInstance,
  ctx: BinanceServerContext,
  pc: PrivateContext,
  faults: PrivateFaults,
  timers: Set<NodeJS.Timeout>,
): { close(): void } {
  const countdowns = new Map<string, NodeJS.Timeout>();

  app.post('/fapi/v1/order', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 0);
    const counts = pc.counter.add(a.account);
    reply.header('X-MBX-ORDER-COUNT-10S', String(counts.c10)).header('X-MBX-ORDER-COUNT-1M', String(counts.c60));
    pc.counter.check(counts);
    const out = placeOne(pc, { ...a, params: a.params });
    const hold = faults.takeAcceptThenTimeout();
    if (hold) return withhold(req, reply, hold.mode ?? 'hang', hold.holdMs ?? 30_000, timers);
    return out;
  });

  // Amend (LIMIT only, like Binance) in place: same orderId and clientOrderId, new price and/or
  // quantity (the exchange checks the rest: -2013, -1116, -4005, -5027, margin, crossing).
  app.put('/fapi/v1/order', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    return amendOne(pc, a.account, a.params);
  });

  app.get('/fapi/v1/order', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const { inst, report, orderId } = findOrder(pc, a.account, a.params);
    if (!report) throw new BinanceApiError(400, -2013, 'Order does not exist.');
    const cond = pc.exchange.conditional.get(a.account, report.clientOrderId);
    if (cond) return conditionalOrderJson(pc, cond, report);
    return orderJson(report, inst, pc.book.byClientOrderId(a.account, report.clientOrderId), orderId, true);
  });

  app.delete('/fapi/v1/order', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    return cancelOne(pc, a.account, a.params);
  });

  app.get('/fapi/v1/openOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    const inst = a.params.symbol !== undefined ? instrumentOf(pc, a.params.symbol) : undefined;
    charge(ctx, req, reply, inst ? 1 : 40);
    return pc.exchange.openOrdersSync(a.account, inst?.symbol).map((r) => json(pc, a.account, r, true));
  });

  app.delete('/fapi/v1/allOpenOrders', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 1);
    const inst = instrumentOf(pc, a.params.symbol);
    cancelAll(pc, a.account, inst);
    return { code: 200, msg: 'The operation of cancel all open order is done.' };
  });

  app.post('/fapi/v1/countdownCancelAll', async (req, reply) => {
    const a = authenticate(req, pc.keys, pc.wall);
    charge(ctx, req, reply, 10);
    const inst = instrumentOf(pc, a.params.symbol);
    const raw = a.params.countdownTime;
    if (raw === undefined || !/^[0-9]{1,10}$/.test(raw)) throw binanceErrors.mandatory('countdownTime');
    const ms = Number(raw);
    const key = `${a.account}\u0000${inst.symbol}`;
    const prev = countdowns.get(key);
    if (prev) clearTimeout(prev);
    countdowns.delete(key);
    if (ms > 0) {
      const t = setTimeout(() => {
        countdowns.delete(key);
        cancelAll(pc, a.account, inst);
      }, ms);
      t.unref();
      countdowns.set(key, t);
    }
    return { symbol: inst.venueSymbol, countdownTime: String(ms) };
  });

  return {
    close() {
      for (const t of countdowns.values()) clearTimeout(t);
      countdowns.clear();
    },
  };
}

/** One new order (POST /fapi/v1/order, and each entry of POST /fapi/v1/batchOrders). */
export function placeOne(pc: PrivateContext, a: Authed): Record<string, unknown> {
  if (isConditionalType(a.params.type)) return placeLegacyConditional(pc, a);
  const inst = instrumentOf(pc, a.params.symbol);
  const child = parseNewOrder(a.params, a.account, inst);
  const { report: r, orderId } = placeRecorded(pc, child, inst);
  return orderJson(r, inst, pc.book.byClientOrderId(a.account, child.clientOrderId), orderId, false);
}

/** One cancel (DELETE /fapi/v1/order, and each entry of DELETE /fapi/v1/batchOrders). */
export function cancelOne(pc: PrivateContext, account: string, p: Record<string, string>): Record<string, unknown> {
  const { inst, report, orderId } = findOrder(pc, account, p);
  if (!report) throw new BinanceApiError(400, -2011, 'Unknown order sent.');
  const res = pc.exchange.cancelOrderSync(account, inst.symbol, report.clientOrderId);
  if (res.reject) throw new BinanceApiError(400, -2011, 'Unknown order sent.');
  const cond = pc.exchange.conditional.get(account, report.clientOrderId);
  if (cond) return conditionalOrderJson(pc, cond, res.report);
  return orderJson(res.report, inst, pc.book.byClientOrderId(account, report.clientOrderId), orderId, false);
}

/** One amendment (PUT /fapi/v1/order, and each entry of PUT /fapi/v1/batchOrders). */
export function amendOne(pc: PrivateContext, account: string, p: Record<string, string>): Record<string, unknown> {
  for (const k of ['side', 'quantity', 'price'] as const) if (!p[k]) throw binanceErrors.mandatory(k);
  const [quantity, price] = (['quantity', 'price'] as const).map((k) => {
    const r = parseDecimalString(p[k]);
    if (!r.ok) throw binanceErrors.invalidParam(k);
    return r.text;
  }) as [DecimalString, DecimalString];
  const { inst, report, orderId } = findOrder(pc, account, p);
  if (!report || pc.exchange.conditional.get(account, report.clientOrderId))
    throw new BinanceApiError(400, -2013, 'Order does not exist.');
  if (p.side !== (report.side === 'buy' ? 'BUY' : 'SELL')) throw binanceErrors.invalidParam('side');
  // The new price goes into the book first: the AMENDMENT pushed on the user stream shows it.
  const meta = pc.book.byClientOrderId(account, report.clientOrderId);
  if (meta) pc.book.add({ ...meta, price });
  const res = pc.exchange.amendOrderSync({
    account,
    symbol: inst.symbol,
    clientOrderId: report.clientOrderId,
    side: report.side,
    quantity,
    price,
  });
  if (res.reject) {
    if (meta) pc.book.add(meta);
    throw venueReject(res.reject);
  }
  return orderJson(res.report, inst, pc.book.byClientOrderId(account, report.clientOrderId), orderId, true);
}

/** Place on the simulated exchange and record the order's Binance-side facts in the book. */
function placeRecorded(
  pc: PrivateContext,
  child: ChildOrderRequest,
  inst: InstrumentSpec,
): { report: ExecutionReport; orderId: number } {
  pc.book.stage({
    account: child.account,
    orderId: 0,
    clientOrderId: child.clientOrderId,
    symbol: inst.symbol,
    type: child.type,
    timeInForce: child.timeInForce,
    ...(child.price ? { price: child.price } : {}),
    reduceOnly: child.reduceOnly,
    time: 0,
    reportedFee: '0',
  });
  const result = pc.exchange.placeOrderSync(child);
  const staged = pc.book.unstage(child.account, child.clientOrderId)!;
  if (result.reject) throw venueReject(result.reject);
  const r = result.report;
  const orderId = Number(r.venueOrderId);
  // Wall-clock times, as /fapi/v1/time (the exchange runs on replay time); history.ts keeps updateTime.
  pc.book.add({ ...staged, orderId, time: pc.wall.now(), updateTime: pc.wall.now() });
  return { report: r, orderId };
}

const DECIMAL_RE = /^[0-9]{1,20}(\.[0-9]{1,18})?$/;

function json(pc: PrivateContext, account: string, r: ExecutionReport, withTime: boolean) {
  const inst = pc.exchange.instrument(r.symbol)!;
  return orderJson(r, inst, pc.book.byClientOrderId(account, r.clientOrderId), Number(r.venueOrderId ?? 0), withTime);
}

function cancelAll(pc: PrivateContext, account: string, inst: InstrumentSpec): void {
  for (const o of pc.exchange.openOrdersSync(account, inst.symbol))
    pc.exchange.cancelOrderSync(account, inst.symbol, o.clientOrderId);
}

function findOrder(
  pc: PrivateContext,
  account: string,
  p: Record<string, string>,
): { inst: InstrumentSpec; report: ExecutionReport | undefined; orderId: number } {
  const inst = instrumentOf(pc, p.symbol);
  let clientId = p.origClientOrderId;
  if (!clientId && p.orderId) {
    if (!/^[0-9]{1,19}$/.test(p.orderId)) throw binanceErrors.invalidParam('orderId');
    clientId = pc.book.byOrderId(account, p.orderId)?.clientOrderId;
    if (!clientId) return { inst, report: undefined, orderId: 0 };
  }
  if (!clientId)
    throw new BinanceApiError(
      400,
      -1102,
      "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
    );
  const report = pc.exchange.fetchOrderSync(account, inst.symbol, clientId);
  const condId = report ? pc.exchange.conditional.get(account, report.clientOrderId)?.venueOrderId : undefined;
  if (report && p.orderId && report.venueOrderId !== p.orderId && condId !== p.orderId)
    return { inst, report: undefined, orderId: 0 };
  return { inst, report, orderId: Number(condId ?? report?.venueOrderId ?? 0) };
}

/** Raw wire decimals reach the simulator through the one parser; a refusal gets the code the
 * simulated exchange gives for it. */
function wireDecimal(param: 'quantity' | 'price', v: string): DecimalString {
  const r = parseDecimalString(v);
  if (r.ok) return r.text;
  const notPositive = param === 'quantity' && r.reason === 'not_positive';
  throw venueReject(notPositive ? REJECT.qtyNotPositive() : REJECT.malformed(param));
}

function parseNewOrder(p: Record<string, string>, account: string, inst: InstrumentSpec): ChildOrderRequest {
  const side = p.side;
  if (side === undefined) throw binanceErrors.mandatory('side');
  if (side !== 'BUY' && side !== 'SELL') throw new BinanceApiError(400, -1117, 'Invalid side.');
  const type = p.type;
  if (type === undefined) throw binanceErrors.mandatory('type');
  if (type !== 'MARKET' && type !== 'LIMIT') throw new BinanceApiError(400, -1116, 'Invalid orderType.');
  if (p.positionSide !== undefined && p.positionSide !== 'BOTH')
    throw new BinanceApiError(400, -4061, "Order's position side does not match user's setting.");
  const quantity = p.quantity;
  if (quantity === undefined) throw binanceErrors.mandatory('quantity');
  let timeInForce: TimeInForce = 'GTC';
  let price: string | undefined;
  if (type === 'LIMIT') {
    const tif = p.timeInForce;
    if (tif === undefined) throw binanceErrors.mandatory('timeInForce');
    if (!TIFS.includes(tif as TimeInForce)) throw new BinanceApiError(400, -1115, 'Invalid timeInForce.');
    timeInForce = tif as TimeInForce;
    price = p.price;
    if (price === undefined) throw binanceErrors.mandatory('price');
  } else if (p.price !== undefined) {
    throw new BinanceApiError(400, -1106, "Parameter 'price' sent when not required.");
  }
  if (p.reduceOnly !== undefined && p.reduceOnly !== 'true' && p.reduceOnly !== 'false')
    throw binanceErrors.invalidParam('reduceOnly');
  const clientOrderId = p.newClientOrderId ?? `sim-${randomBytes(9).toString('hex')}`;
  return {
    account,
    symbol: inst.symbol,
    clientOrderId,
    side: side === 'BUY' ? 'buy' : 'sell',
    type: type === 'LIMIT' ? 'limit' : 'market',
    quantity: wireDecimal('quantity', quantity),
    ...(price !== undefined ? { price: wireDecimal('price', price) } : {}),
    reduceOnly: p.reduceOnly === 'true',
    postOnly: timeInForce === 'GTX',
    timeInForce,
  };
}

/** The order stands at the venue; the client never gets the answer. */
function withhold(
  req: FastifyRequest,
  reply: FastifyReply,
  mode: 'hang' | 'drop',
  holdMs: number,
  timers: Set<NodeJS.Timeout>,
): FastifyReply {
  reply.hijack();
  if (mode === 'drop') {
    req.raw.socket.destroy();
    return reply;
  }
  const t = setTimeout(() => {
    timers.delete(t);
    req.raw.socket.destroy();
  }, holdMs);
  timers.add(t);
  return reply;
}
