/** Conditional orders on the Binance front door: Binance parameters → an OrderIntent with a
 * trigger (through the one strict order parser), and a parent order → Binance's algo-order and
 * conditional-order shapes. A held order that triggered shows the order it became. */
import { binanceConditionalType } from '../../core/conditional.js';
import { Decimal, decimalString } from '../../core/decimal.js';
import type { ClientConfig } from '../../config/types.js';
import type { SubmitResult } from '../../pipeline.js';
import type { InstrumentSpec, OrderIntent } from '../../core/types.js';
import { isTerminal, type ParentOrder } from '../../execution/order-store.js';
import { parseConditional } from '../../binance-wire/conditional-params.js';
import { BinanceApiError } from '../../binance-wire/errors.js';
import { parseOrderBody } from '../order-body.js';
import { toIntent } from '../routes-orders.js';
import { instrumentOf, venueOf, type FrontDoorContext } from './context.js';
import { rejectionOf } from './denials.js';
import { binanceStatusOf, presentBinanceOrder, type Params } from './order-wire.js';

/** Parse, build the intent, run it through the pipeline; a denial is a Binance error. */
export async function submitConditional(
  ctx: FrontDoorContext,
  client: ClientConfig,
  params: Params,
  idParam: 'clientAlgoId' | 'newClientOrderId',
): Promise<SubmitResult> {
  const inst = instrumentOf(ctx, client, params)!;
  const c = parseConditional(params, idParam);
  let quantity = c.quantity;
  if (c.trigger.closePosition) {
    // The policy needs a size: the position now (the venue sizes the order again at trigger).
    const st = await venueOf(ctx, client).accountState(client.account);
    const pos = new Decimal(st.positions.find((p) => p.symbol === inst.symbol)?.quantity ?? '0');
    if (pos.isZero() || pos.isPositive() === (c.side === 'buy'))
      throw new BinanceApiError(
        400,
        -2022,
        'ReduceOnly Order is rejected. LIQGUARD: closePosition needs an open position on the other side',
      );
    quantity = decimalString(pos.abs());
  }
  const body: Record<string, unknown> = {
    symbol: inst.symbol,
    side: c.side,
    type: c.type,
    quantity,
    ...(c.price !== undefined ? { price: c.price } : {}),
    reduceOnly: c.reduceOnly || c.trigger.closePosition,
    ...(c.type === 'limit' ? (c.timeInForce === 'GTX' ? { postOnly: true } : { timeInForce: c.timeInForce }) : {}),
    ...(ctx.leverage.get(client.id, inst.symbol) ? { leverage: ctx.leverage.get(client.id, inst.symbol) } : {}),
  };
  const parsed = parseOrderBody(body);
  if (!parsed.ok)
    throw new BinanceApiError(
      400,
      parsed.code === 'MISSING_FIELD' ? -1102 : -1130,
      `LIQGUARD ${parsed.code}: ${parsed.message}`,
    );
  const fields = c.clientId ? { ...parsed.value, clientOrderId: c.clientId } : parsed.value;
  const intent: OrderIntent = { ...toIntent(fields, client, ctx, 'binance'), trigger: c.trigger };
  const res = await ctx.pipeline.submit(intent);
  const rejected = rejectionOf(res.order);
  if (rejected) throw rejected;
  return res;
}

/** The order a held conditional became at trigger, if it triggered. */
function triggered(ctx: FrontDoorContext, p: ParentOrder): { parent?: ParentOrder; price?: string } | undefined {
  const s = ctx.conditionals?.state(p.intentId);
  if (!s?.triggeredIntentId) return undefined;
  return {
    ...(ctx.orders.get(s.triggeredIntentId) ? { parent: ctx.orders.get(s.triggeredIntentId)! } : {}),
    ...(s.triggerPrice ? { price: s.triggerPrice } : {}),
  };
}

/** The parent as Binance's algo order (GET/POST /fapi/v1/algoOrder, openAlgoOrders). */
export function presentAlgoOrder(ctx: FrontDoorContext, p: ParentOrder, inst: InstrumentSpec): Record<string, unknown> {
  const i = p.intent;
  const t = i.trigger!;
  const tr = triggered(ctx, p);
  let algoStatus: string;
  if (tr) algoStatus = tr.parent && !isTerminal(tr.parent.status) ? 'TRIGGERED' : 'FINISHED';
  else if (p.status === 'filled') algoStatus = 'FINISHED';
  else if (p.status === 'partially_filled') algoStatus = 'TRIGGERED';
  else algoStatus = binanceStatusOf(p.status);
  return {
    algoId: ctx.orderIds.idFor(p.intentId),
    clientAlgoId: i.clientOrderId,
    algoType: 'CONDITIONAL',
    orderType: binanceConditionalType(t, i.type === 'limit'),
    symbol: inst.venueSymbol,
    side: i.side.toUpperCase(),
    positionSide: 'BOTH',
    timeInForce: i.timeInForce,
    quantity: t.closePosition ? '0' : p.decision.kind === 'deny' ? i.quantity : p.decision.approvedQuantity,
    algoStatus,
    triggerPrice: t.stopPrice ?? '0',
    price: i.price ?? '0',
    icebergQuantity: null,
    selfTradePreventionMode: 'NONE',
    workingType: t.workingType === 'mark' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
    priceMatch: 'NONE',
    closePosition: t.closePosition,
    priceProtect: false,
    reduceOnly: i.reduceOnly,
    ...(t.kind === 'trailing_stop' ? { activatePrice: t.activationPrice ?? '0', callbackRate: t.callbackRate } : {}),
    createTime: p.createdAt,
    updateTime: p.updatedAt,
    triggerTime: 0,
    goodTillDate: 0,
    ...(tr?.parent
      ? { actualOrderId: String(ctx.orderIds.idFor(tr.parent.intentId)), actualPrice: tr.parent.avgPrice ?? '0' }
      : {}),
    liqguard: liqguardView(ctx, p),
  };
}

/** The parent as a Binance conditional order on /fapi/v1/order (type STOP_MARKET etc.). */
export function presentConditionalOrder(
  ctx: FrontDoorContext,
  p: ParentOrder,
  orderId: number,
  inst: InstrumentSpec,
): Record<string, unknown> {
  const t = p.intent.trigger!;
  const type = binanceConditionalType(t, p.intent.type === 'limit');
  const base = presentBinanceOrder(p, orderId, inst);
  const tr = triggered(ctx, p)?.parent;
  const filled = tr
    ? {
        status: binanceStatusOf(tr.status),
        executedQty: tr.filledQuantity,
        cumQty: tr.filledQuantity,
        avgPrice: tr.avgPrice ?? '0',
      }
    : {};
  return {
    ...base,
    ...filled,
    type,
    origType: type,
    stopPrice: t.stopPrice ?? '0',
    workingType: t.workingType === 'mark' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
    closePosition: t.closePosition,
    ...(t.kind === 'trailing_stop' ? { activatePrice: t.activationPrice ?? '0', priceRate: t.callbackRate } : {}),
    liqguard: liqguardView(ctx, p),
  };
}

function liqguardView(ctx: FrontDoorContext, p: ParentOrder): Record<string, unknown> {
  const d = p.decision;
  const s = ctx.conditionals?.state(p.intentId);
  return {
    intentId: p.intentId,
    decision: d.kind,
    ...(d.code ? { code: d.code } : {}),
    ...(d.detail ? { detail: d.detail } : {}),
    regime: p.regime,
    // Where the order waits: at the venue (protective) or in the gateway (re-evaluated at trigger).
    heldBy: s ? 'gateway' : 'venue',
    ...(s?.triggeredIntentId ? { triggeredIntentId: s.triggeredIntentId } : {}),
  };
}
