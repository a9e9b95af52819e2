/** Venue-side conditional orders through ccxt's unified createOrder: a stop is `triggerPrice`, a
 * take-profit `takeProfitPrice`, a trailing stop `trailingPercent` (+ `trailingTriggerPrice`),
 * with Binance's workingType / closePosition passed through. On Binance USD-M ccxt sends them to
 * /fapi/v1/algoOrder (clientAlgoId = the child's clientOrderId) and cancels them with
 * `{ trigger: true }`. The venue holds them, so they fire even when the gateway is down. */
import type { ConditionalOrderRequest } from '../../core/conditional.js';

export function conditionalParams(req: ConditionalOrderRequest): Record<string, unknown> {
  const t = req.trigger;
  const p: Record<string, unknown> = {
    clientOrderId: req.clientOrderId,
    workingType: t.workingType === 'mark' ? 'MARK_PRICE' : 'CONTRACT_PRICE',
  };
  // Binance refuses reduceOnly together with closePosition (-1106).
  if (t.closePosition) p.closePosition = true;
  else if (req.reduceOnly) p.reduceOnly = true;
  if (t.kind === 'stop') p.triggerPrice = t.stopPrice;
  else if (t.kind === 'take_profit') p.takeProfitPrice = t.stopPrice;
  else {
    p.trailingPercent = t.callbackRate;
    if (t.activationPrice !== undefined) p.trailingTriggerPrice = t.activationPrice;
  }
  if (req.type === 'limit') p.timeInForce = req.timeInForce === 'GTX' ? 'GTX' : req.timeInForce;
  return p;
}
