/** The hierarchy-limit actions of evaluate(): loss_limit, position_limit, self_trade, and the
 * guard that enforces latched scopes. Pure functions of the Facts (ctx.limits is the snapshot
 * the limit book built for this order). */
import { Decimal, floorToStep } from '../core/decimal.js';
import { renderDenial, type DenyCode, type DenyParams } from '../core/deny-codes.js';
import { SCOPE_LEVELS, type ScopeFacts } from '../core/limit-view.js';
import { globMatch, lossBreach } from '../core/loss-limit.js';
import type { RuleTrace } from '../core/types.js';
import type { Facts } from './facts.js';
import type { LossLimitAction, PolicySettings, PositionLimitAction, SelfTradeAction } from './types.js';

const LOSS_LATCH_RULE = 'gateway.loss_latch';
const ZERO = new Decimal(0);

export type LimitOutcome =
  | { readonly kind: 'pass'; readonly params: DenyParams; readonly detail?: string }
  | { readonly kind: 'modify'; readonly approved: Decimal; readonly code: DenyCode; readonly params: DenyParams }
  | { readonly kind: 'deny'; readonly code: DenyCode; readonly params: DenyParams };

function scopeFor(
  f: Facts,
  level: LossLimitAction['level'],
  ids: readonly string[] | undefined,
): ScopeFacts | undefined {
  const s = f.ctx.limits?.scope(level);
  return s && globMatch(ids, s.scope.id) ? s : undefined;
}

/** Halt lets only reduce-only exits through (when the set allows it); reduce_only any order
 * that really reduces the position. */
function allowedUnder(state: 'reduce_only' | 'halt', f: Facts, settings: PolicySettings): boolean {
  return state === 'halt' ? settings.kill_allows_reduce_only && f.ctx.intent.reduceOnly && f.reducing : f.reducing;
}

/** Latched scopes of the order, narrowest first: one trace entry each. */
export function latchGuard(f: Facts, settings: PolicySettings): { trace: RuleTrace; deny?: DenyParams }[] {
  const v = f.ctx.limits;
  if (!v) return [];
  const out: { trace: RuleTrace; deny?: DenyParams }[] = [];
  for (const level of SCOPE_LEVELS) {
    const s = v.latch(level);
    if (!s) continue;
    const params: DenyParams = {
      level,
      scope: s.scope.id,
      state: s.latch.state,
      latchedBy: s.latch.ruleId,
      since: s.latch.since,
    };
    const ok = allowedUnder(s.latch.state, f, settings);
    const base = { ruleId: LOSS_LATCH_RULE, action: 'loss_latch', mode: 'enforce' as const, matched: true, params };
    out.push(
      ok
        ? { trace: { ...base, outcome: 'pass', detail: 'reducing order allowed' } }
        : {
            trace: { ...base, outcome: 'deny', code: 'LOSS_LIMIT', detail: renderDenial('LOSS_LIMIT', params) },
            deny: params,
          },
    );
  }
  return out;
}

export function applyLossLimit(ruleId: string, a: LossLimitAction, f: Facts, settings: PolicySettings): LimitOutcome {
  const s = scopeFor(f, a.level, a.ids);
  if (!s) return { kind: 'pass', params: { rule: ruleId, level: a.level, reason: 'no_scope' } };
  const b = lossBreach(
    {
      ruleId,
      level: a.level,
      ...(a.daily ? { daily: a.daily } : {}),
      ...(a.drawdown ? { drawdown: a.drawdown } : {}),
      onBreach: a.on_breach,
    },
    s,
  );
  if (!b)
    return {
      kind: 'pass',
      params: { rule: ruleId, level: a.level, scope: s.scope.id, dailyPnl: s.dailyPnl, drawdown: s.drawdown },
    };
  if (allowedUnder(a.on_breach, f, settings))
    return { kind: 'pass', params: b.params, detail: 'reducing order allowed' };
  return { kind: 'deny', code: 'LOSS_LIMIT', params: b.params };
}

/** Largest order quantity (before lot flooring) that keeps one measure within its limit, or
 * undefined when the order does not increase that measure or stays within it. */
function positionRoom(
  a: PositionLimitAction,
  s: ScopeFacts,
  f: Facts,
  price: Decimal,
): { kind: string; limit: string; room: Decimal }[] {
  const sign = f.ctx.intent.side === 'buy' ? 1 : -1;
  const q = f.qty;
  const cur = new Decimal(s.positionQuantity(f.ctx.intent.symbol));
  const after = cur.plus(q.mul(sign));
  const grows = after.abs().gt(cur.abs());
  const mark = f.refPrice ?? price;
  const out: { kind: string; limit: string; room: Decimal }[] = [];
  const push = (kind: string, limit: string, room: Decimal, within: boolean) => {
    if (!within) out.push({ kind, limit, room });
  };
  if (a.quantity !== undefined && grows)
    push('quantity', a.quantity, new Decimal(a.quantity).minus(cur.mul(sign)), after.abs().lte(a.quantity));
  if (a.notional !== undefined && grows)
    push(
      'notional',
      a.notional,
      new Decimal(a.notional).div(price).minus(cur.mul(sign)),
      after.abs().mul(price).lte(a.notional),
    );
  if (a.gross_notional !== undefined && grows) {
    const other = new Decimal(s.grossNotional).minus(cur.abs().mul(mark));
    const room = new Decimal(a.gross_notional).minus(other).div(price).minus(cur.mul(sign));
    push('grossNotional', a.gross_notional, room, other.plus(after.abs().mul(price)).lte(a.gross_notional));
  }
  if (a.net_notional !== undefined) {
    const net = new Decimal(s.netNotional);
    const netAfter = net.plus(q.mul(price).mul(sign));
    if (netAfter.abs().gt(net.abs()))
      push(
        'netNotional',
        a.net_notional,
        new Decimal(a.net_notional).minus(net.mul(sign)).div(price),
        netAfter.abs().lte(a.net_notional),
      );
  }
  return out;
}

export function applyPositionLimit(ruleId: string, a: PositionLimitAction, f: Facts): LimitOutcome {
  const s = scopeFor(f, a.level, a.ids);
  if (!s) return { kind: 'pass', params: { rule: ruleId, level: a.level, reason: 'no_scope' } };
  const base = { rule: ruleId, level: a.level, scope: s.scope.id };
  // An order that reduces the position is never blocked by a position limit.
  if (f.reducing) return { kind: 'pass', params: base, detail: 'reducing order allowed' };
  const price = f.orderPrice;
  if (!price) return { kind: 'deny', code: 'POSITION_LIMIT', params: { ...base, reason: 'no_price' } };
  const rooms = positionRoom(a, s, f, price);
  if (!rooms.length) return { kind: 'pass', params: { ...base, position: s.positionQuantity(f.ctx.intent.symbol) } };
  const bind = rooms.reduce((x, y) => (y.room.lt(x.room) ? y : x));
  const inst = f.ctx.instrument;
  const approved = bind.room.gt(0) ? floorToStep(bind.room, inst.stepSize) : ZERO;
  const params = {
    ...base,
    [`${bind.kind}Limit`]: bind.limit,
    position: s.positionQuantity(f.ctx.intent.symbol),
    original: f.qty.toFixed(),
    approved: approved.toFixed(),
  };
  if (approved.lte(0) || approved.lt(inst.minQty) || approved.mul(price).lt(inst.minNotional))
    return { kind: 'deny', code: 'POSITION_LIMIT', params: { ...params, approved: '0' } };
  return { kind: 'modify', approved, code: 'POSITION_LIMIT', params };
}

/** Resting orders of the scope on the other side that this order would trade against. */
function crossingResting(a: SelfTradeAction, f: Facts): string[] {
  const v = f.ctx.limits;
  if (!v) return [];
  const i = f.ctx.intent;
  const px = i.type === 'limit' && i.price ? new Decimal(i.price) : undefined;
  return v
    .resting(a.level)
    .filter((r) => r.side !== i.side)
    .filter((r) => !px || !r.price || (i.side === 'buy' ? px.gte(r.price) : px.lte(r.price)))
    .map((r) => r.intentId)
    .sort();
}

export function applySelfTrade(ruleId: string, a: SelfTradeAction, f: Facts): LimitOutcome & { cancel?: string[] } {
  const crossing = crossingResting(a, f);
  const params = { rule: ruleId, level: a.level, ...(a.venue_mode ? { venueMode: a.venue_mode } : {}) };
  if (!crossing.length || f.ctx.intent.postOnly) return { kind: 'pass', params };
  const withIds = { ...params, resting: crossing.join(',') };
  if (a.on_cross === 'deny') return { kind: 'deny', code: 'SELF_TRADE', params: withIds };
  return { kind: 'pass', params: withIds, detail: 'resting orders cancelled first', cancel: crossing };
}
