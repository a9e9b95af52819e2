/** Policy rules that latch a trading state (`halt: {latch: symbol}`, `reduce_only: {latch: client}`):
 * evaluate() stays pure, so the pipeline asks this function which states a decision latches and
 * writes them to the TradingStateStore (and the audit log) itself. */
import type { Decision, OrderIntent } from '../core/types.js';
import type { TradingScope, StateSource } from './trading-state.js';
import type { PolicySet, ScopeKind } from './types.js';

export interface LatchEffect {
  readonly ruleId: string;
  readonly scope: TradingScope;
  readonly state: 'HALTED' | 'REDUCING';
  readonly source: StateSource;
  readonly reason: string;
}

function scopeOf(kind: ScopeKind, i: OrderIntent): TradingScope {
  if (kind === 'all') return { kind };
  const value =
    kind === 'client' ? i.clientId : kind === 'account' ? i.account : kind === 'symbol' ? i.symbol : i.venue;
  return { kind, value };
}

/** States to latch: enforced halt / reduce_only rules with `latch` that matched this order. */
export function latchedEffects(decision: Decision, set: PolicySet, intent: OrderIntent): LatchEffect[] {
  const out: LatchEffect[] = [];
  for (const t of decision.trace) {
    if (!t.matched || t.mode !== 'enforce' || (t.action !== 'halt' && t.action !== 'reduce_only')) continue;
    const rule = set.rules.find((r) => r.id === t.ruleId);
    const a = rule?.action;
    if (!a || (a.type !== 'halt' && a.type !== 'reduce_only') || !a.latch) continue;
    out.push({
      ruleId: t.ruleId,
      scope: scopeOf(a.latch, intent),
      state: a.type === 'halt' ? 'HALTED' : 'REDUCING',
      source: a.type,
      reason: `policy ${set.id} rule ${t.ruleId}${a.message ? `: ${a.message}` : ''}`,
    });
  }
  return out;
}
