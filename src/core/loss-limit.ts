/** A loss limit as plain data, and the one comparison that decides a breach. Shared by the pure
 * policy pass (order time) and the limit book (every fill, mark and funding settlement), so both
 * latch at exactly the same number. */
import { Decimal } from './decimal.js';
import { renderDenial, type DenyParams } from './deny-codes.js';
import type { LatchState, ScopeFacts, ScopeLevel } from './limit-view.js';

export interface LossLimitSpec {
  readonly ruleId: string;
  readonly level: ScopeLevel;
  /** Globs over scope ids at that level; absent: every scope. */
  readonly ids?: readonly string[];
  /** Largest loss allowed since the period started (quote, positive). */
  readonly daily?: string;
  /** Largest fall from the equity peak (quote, positive). */
  readonly drawdown?: string;
  readonly onBreach: LatchState;
}

export interface LossBreach {
  readonly kind: 'daily' | 'drawdown';
  readonly params: DenyParams;
  /** `LOSS_LIMIT: rule=... level=... scope=... dailyPnl=... dailyLimit=...` */
  readonly reason: string;
}

/** A loss of exactly the limit is a breach: the limit is the most the scope may lose. */
export function lossBreach(
  spec: LossLimitSpec,
  facts: Pick<ScopeFacts, 'scope' | 'dailyPnl' | 'drawdown'>,
): LossBreach | undefined {
  const base = { rule: spec.ruleId, level: facts.scope.level, scope: facts.scope.id };
  if (spec.daily !== undefined && new Decimal(facts.dailyPnl).neg().gte(spec.daily)) {
    const params = { ...base, dailyPnl: facts.dailyPnl, dailyLimit: spec.daily, state: spec.onBreach };
    return { kind: 'daily', params, reason: renderDenial('LOSS_LIMIT', params) };
  }
  if (spec.drawdown !== undefined && new Decimal(facts.drawdown).gte(spec.drawdown)) {
    const params = { ...base, drawdown: facts.drawdown, drawdownLimit: spec.drawdown, state: spec.onBreach };
    return { kind: 'drawdown', params, reason: renderDenial('LOSS_LIMIT', params) };
  }
  return undefined;
}

export function globMatch(globs: readonly string[] | undefined, s: string): boolean {
  if (!globs) return true;
  return globs.some((g) =>
    new RegExp(
      `^${g
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(s),
  );
}
