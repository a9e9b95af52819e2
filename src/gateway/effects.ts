/** The effects of a decision or a venue report on the policy's stateful inputs: what later
 * decisions read. The pipeline runs them as named steps (recordDecisionEffects, applyFillEffects,
 * recordCancelRequest), before any observer. */
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/events.js';
import { fixedText, maxFixed, mulFixed, mulText, subFixed } from '../core/fixed-point.js';
import type { AuditAppender } from '../core/stages.js';
import type { Decision, OrderIntent } from '../core/types.js';
import { isTerminal } from '../execution/order-store.js';
import type { OrderEffects } from '../pipeline.js';
import {
  latchedEffects,
  type InMemoryPolicyState,
  type PolicyManager,
  type TradingStateStore,
} from '../policy/index.js';

interface PolicyEffectDeps {
  policyState: InMemoryPolicyState;
  policies: PolicyManager;
  tradingState: TradingStateStore;
  audit: AuditAppender;
  bus: EventBus;
  clock: Clock;
}

/** Message counts, open-order notional, and the halt / reduce-only latches of matched rules. */
export function policyStateEffects(d: PolicyEffectDeps): OrderEffects {
  return {
    afterDecision(intent, decision, market) {
      const now = d.clock.now();
      d.policyState.recordMessage(intent.clientId, now);
      latchTradingState(d, intent, decision, now);
      if (decision.kind === 'deny') return;
      d.policyState.recordOrder(intent, now);
      const ref = intent.price ? Number(intent.price) : (market.mark ?? market.last ?? 0);
      // Per-order notional on scaled BigInts (exact, equal to decimal.js: test/core/fixed-point).
      d.policyState.openOrder(intent.clientId, intent.intentId, mulText(decision.approvedQuantity, ref || 0));
    },
    afterReport(report, parent) {
      if (!parent) return;
      const intent = parent.intent;
      if (isTerminal(parent.status)) return d.policyState.closeOrder(intent.clientId, intent.intentId);
      const remaining = subFixed(parent.decision.approvedQuantity, parent.filledQuantity);
      const px = Number(intent.price ?? report.avgPrice ?? report.lastFillPrice ?? 0);
      const notional = fixedText(mulFixed(maxFixed(remaining, '0'), Number.isFinite(px) ? px : 0));
      d.policyState.openOrder(intent.clientId, intent.intentId, notional);
    },
    afterCancelRequest(parent) {
      d.policyState.recordMessage(parent.intent.clientId, d.clock.now());
    },
  };
}

/** Rules with halt / reduce_only latch a trading state for their scope until an operator lifts
 * it: set, audited as a kill record, published as a latch event. */
function latchTradingState(d: PolicyEffectDeps, intent: OrderIntent, decision: Decision, now: number): void {
  for (const e of latchedEffects(decision, d.policies.enforcing, intent)) {
    d.tradingState.set(e.scope, e.state, e.source, `rule ${e.ruleId}`, e.reason);
    d.audit.append('kill', {
      scope: e.scope.kind === 'all' ? { type: 'all' } : { type: e.scope.kind, value: e.scope.value },
      state: e.state,
      source: e.source,
      operator: `rule ${e.ruleId}`,
      reason: e.reason,
      intentId: intent.intentId,
    });
    d.bus.publish({
      type: 'latch',
      ts: now,
      scope: { level: e.scope.kind, id: e.scope.kind === 'all' ? 'all' : e.scope.value },
      state: e.state === 'HALTED' ? 'halt' : 'reduce_only',
      reason: e.reason,
      operator: `rule ${e.ruleId}`,
    });
  }
}
