/** Pipeline observers that connect a decision or venue report to the rest of the gateway:
 * metrics, the event bus (stream, dashboard), the stateful policy inputs, shadow-diff records. */
import type { Clock } from '../core/clock.js';
import { fixedText, maxFixed, mulFixed, mulText, subFixed } from '../core/fixed-point.js';
import type { AuditAppender } from '../core/stages.js';
import type { EventBus } from '../core/events.js';
import { isTerminal } from '../execution/order-store.js';
import type { Metrics } from './metrics.js';
import type { PipelineObserver } from '../pipeline.js';
import {
  latchedEffects,
  type InMemoryPolicyState,
  type PolicyManager,
  type TradingStateStore,
} from '../policy/index.js';

export function wireObservers(d: {
  metrics: Metrics;
  bus: EventBus;
  policyState: InMemoryPolicyState;
  policies: PolicyManager;
  tradingState: TradingStateStore;
  audit: AuditAppender;
  clock: Clock;
}): PipelineObserver[] {
  const stateful: PipelineObserver = {
    onDecision(intent, decision, _score, market) {
      const now = d.clock.now();
      d.policyState.recordMessage(intent.clientId, now);
      // Rules with halt / reduce_only latch a trading state for their scope until an operator lifts it.
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
      if (decision.kind === 'deny') return;
      d.policyState.recordOrder(intent, now);
      const ref = intent.price ? Number(intent.price) : (market.mark ?? market.last ?? 0);
      // Per-order notional on scaled BigInts (exact, equal to decimal.js: test/core/fixed-point).
      d.policyState.openOrder(intent.clientId, intent.intentId, mulText(decision.approvedQuantity, ref || 0));
    },
    onReport(report, parent) {
      if (!parent) return;
      const intent = parent.intent;
      if (isTerminal(parent.status)) d.policyState.closeOrder(intent.clientId, intent.intentId);
      else {
        const remaining = subFixed(parent.decision.approvedQuantity, parent.filledQuantity);
        const px = Number(intent.price ?? report.avgPrice ?? report.lastFillPrice ?? 0);
        d.policyState.openOrder(
          intent.clientId,
          intent.intentId,
          fixedText(mulFixed(maxFixed(remaining, '0'), Number.isFinite(px) ? px : 0)),
        );
      }
    },
    onCancelRequest(parent) {
      d.policyState.recordMessage(parent.intent.clientId, d.clock.now());
    },
    onShadow(intent, enforced, shadow) {
      const diff = d.policies.compareShadow(enforced, shadow);
      if (!diff) return;
      d.audit.append('shadow_diff', {
        intentId: intent.intentId,
        client: intent.clientId,
        symbol: intent.symbol,
        ...diff,
      });
      d.bus.publish({
        type: 'shadow_diff',
        ts: d.clock.now(),
        symbol: intent.symbol,
        client: intent.clientId,
        intentId: intent.intentId,
        fields: diff.fields,
      });
    },
  };
  const toBus: PipelineObserver = {
    onDecision(intent, decision, score) {
      const ts = d.clock.now();
      d.bus.publish({
        type: 'decision',
        symbol: intent.symbol,
        client: intent.clientId,
        ts,
        intent,
        decision,
        regime: score.regime,
      });
      d.bus.publish({ type: 'regime', symbol: intent.symbol, ts, score });
    },
    onReport(report, parent) {
      d.bus.publish({
        type: 'execution',
        symbol: report.symbol,
        ...(parent ? { client: parent.intent.clientId, intentId: parent.intentId } : {}),
        ts: d.clock.now(),
        report,
      });
    },
  };
  return [d.metrics.observer, stateful, toBus];
}
