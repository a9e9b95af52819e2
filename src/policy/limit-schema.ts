/** Semantic step of the hierarchy-limit parts of a policy file (their schema is in file-schema.ts):
 * loss_limit, position_limit and self_trade actions, and the daily_pnl, drawdown, margin_ratio,
 * p_adverse, order_to_trade_ratio and cancel_ratio conditions, typed values → evaluated form. */
import type { ConditionFile, RuleFile } from './file-schema.js';
import { compileComparison, dec, listOf, ms } from './validate-kit.js';
import type { LossLimitAction, PositionLimitAction, SelfTradeAction } from './types.js';

/** Compiles the limit condition keys present in `raw` into `out`. */
export function compileLimitConditions(raw: ConditionFile, out: Record<string, unknown>): void {
  for (const k of ['daily_pnl', 'drawdown'] as const) {
    const c = raw[k];
    if (c) out[k] = { level: c.level, ...compileComparison(c) };
  }
  for (const k of ['margin_ratio', 'p_adverse'] as const) {
    const c = raw[k];
    if (c) out[k] = compileComparison(c);
  }
  for (const k of ['order_to_trade_ratio', 'cancel_ratio'] as const) {
    const c = raw[k];
    if (c) out[k] = { windowMs: ms(c.window), minOrders: c.min_orders ?? 1, ...compileComparison(c) };
  }
}

export function compileLimitAction(raw: RuleFile): LossLimitAction | PositionLimitAction | SelfTradeAction {
  if (raw.loss_limit) {
    const a = raw.loss_limit;
    return {
      type: 'loss_limit',
      level: a.level,
      ...(a.ids !== undefined ? { ids: listOf(a.ids) } : {}),
      ...(a.daily !== undefined ? { daily: dec(a.daily) } : {}),
      ...(a.drawdown !== undefined ? { drawdown: dec(a.drawdown) } : {}),
      on_breach: a.on_breach ?? 'reduce_only',
    };
  }
  if (raw.position_limit) {
    const a = raw.position_limit;
    const out: Record<string, unknown> = {
      type: 'position_limit',
      level: a.level,
      ...(a.ids !== undefined ? { ids: listOf(a.ids) } : {}),
    };
    for (const k of ['quantity', 'notional', 'gross_notional', 'net_notional'] as const) {
      const v = a[k];
      if (v !== undefined) out[k] = dec(v);
    }
    return out as unknown as PositionLimitAction;
  }
  const a = raw.self_trade ?? {};
  return {
    type: 'self_trade',
    level: a.level ?? 'client',
    on_cross: a.on_cross ?? 'deny',
    ...(a.venue_mode ? { venue_mode: a.venue_mode } : {}),
  };
}
