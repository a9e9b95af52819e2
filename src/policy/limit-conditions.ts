/** Conditions over the hierarchy facts (ctx.limits) and the side-aware regime: daily_pnl,
 * drawdown, margin_ratio, p_adverse, order_to_trade_ratio, cancel_ratio. A missing view or
 * scope is MISSING (the rule's on_missing decides). */
import { numLeaf, type Leaf } from './leaves.js';
import type { Facts } from './facts.js';
import type { Condition, RatioComparison } from './types.js';

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

/** Side-aware adverse-move probability: p_down for an order that adds long exposure, p_up for one
 * that adds short; an order that only reduces a position adds none (0). */
function pAdverse(f: Facts): number | undefined {
  const s = f.ctx.score;
  if (f.regime === 'unknown' || s.status !== 'ok') return undefined;
  if (f.reducing) return 0;
  return f.ctx.intent.side === 'buy' ? s.pDown : s.pUp;
}

function marginRatio(f: Facts): number | undefined {
  const e = f.ctx.exposure;
  const r = e.marginRatioAfterFill ?? e.account?.marginRatio;
  return r !== undefined && Number.isFinite(r) ? r : undefined;
}

function ratio(w: RatioComparison, kind: 'otr' | 'cancel'): (f: Facts) => number | undefined {
  return (f) => {
    const v = f.ctx.limits;
    if (!v) return undefined;
    const since = f.ctx.now - w.windowMs;
    const orders = v.orderCount(since) + 1; // this order included
    if (orders < w.minOrders) return 0;
    return kind === 'otr' ? orders / Math.max(1, v.tradeCount(since)) : v.cancelCount(since) / orders;
  };
}

export function limitLeaves(c: Condition): Leaf[] {
  const out: Leaf[] = [];
  if (c.daily_pnl) {
    const lv = c.daily_pnl.level;
    out.push(numLeaf(`dailyPnl_${lv}`, c.daily_pnl, (f) => num(f.ctx.limits?.scope(lv)?.dailyPnl)));
  }
  if (c.drawdown) {
    const lv = c.drawdown.level;
    out.push(numLeaf(`drawdown_${lv}`, c.drawdown, (f) => num(f.ctx.limits?.scope(lv)?.drawdown)));
  }
  if (c.margin_ratio) out.push(numLeaf('marginRatio', c.margin_ratio, marginRatio));
  if (c.p_adverse) out.push(numLeaf('pAdverse', c.p_adverse, pAdverse));
  if (c.order_to_trade_ratio)
    out.push(numLeaf('orderToTrade', c.order_to_trade_ratio, ratio(c.order_to_trade_ratio, 'otr')));
  if (c.cancel_ratio) out.push(numLeaf('cancelRatio', c.cancel_ratio, ratio(c.cancel_ratio, 'cancel')));
  return out;
}
