/** The enforcing evaluator with approved two-person overrides applied: an overridden rule is
 * evaluated in shadow mode for the orders in the override's scope, so it is still traced (and
 * marked `[overridden: id]`) but cannot change the outcome. No active override for the order:
 * the set's own evaluator, at no cost. */
import type { PolicyEvaluator } from '../core/stages.js';
import type { Decision, RiskContext } from '../core/types.js';
import { evaluate, type PolicySet } from '../policy/index.js';
import type { PolicyStateView } from '../policy/state.js';
import type { OrderScope } from './scope.js';

/** The active overrides of one rule for one order's scope (local workflow and cluster-shared ones). */
export type ActiveOverrides = (ruleId: string, scope: OrderScope) => readonly { id: string }[];

/** `base` evaluates `set` (the policy manager swaps both together on reload). */
export function withOverrides(
  base: PolicyEvaluator,
  set: PolicySet,
  activeOverridesFor: ActiveOverrides,
  state: PolicyStateView,
): PolicyEvaluator {
  return {
    id: base.id,
    sha256: base.sha256,
    evaluate(ctx: RiskContext): Decision {
      const { clientId, account, venue, symbol } = ctx.intent;
      const scope = { clientId, account, venue, symbol };
      const bypass = new Map<string, string>();
      for (const r of set.rules) {
        if (r.mode !== 'enforce') continue;
        const active = activeOverridesFor(r.id, scope);
        if (active.length) bypass.set(r.id, active.map((o) => o.id).join(','));
      }
      if (!bypass.size) return base.evaluate(ctx);
      const derived = {
        ...set,
        rules: set.rules.map((r) => (bypass.has(r.id) ? { ...r, mode: 'shadow' as const } : r)),
      };
      const d = evaluate(ctx, derived, state);
      const trace = d.trace.map((t) =>
        bypass.has(t.ruleId)
          ? { ...t, detail: `${t.detail ? `${t.detail} ` : ''}[overridden: ${bypass.get(t.ruleId)}]` }
          : t,
      );
      return { ...d, trace };
    },
  };
}
