/** Pipeline observers of the gateway: metrics, the event bus (stream, dashboard) and shadow-diff
 * records. None of them changes what a later decision reads (that is gateway/effects.ts). */
import type { Clock } from '../core/clock.js';
import type { AuditAppender } from '../core/stages.js';
import type { EventBus } from '../core/events.js';
import type { Metrics } from './metrics.js';
import type { PipelineObserver } from '../pipeline.js';
import type { PolicyManager } from '../policy/index.js';

export function wireObservers(d: {
  metrics: Metrics;
  bus: EventBus;
  policies: PolicyManager;
  audit: AuditAppender;
  clock: Clock;
}): PipelineObserver[] {
  const shadowDiffs: PipelineObserver = {
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
  // Events are built only when someone subscribes to their type (bus.wants), and without
  // intermediate spread objects: three events per order.
  const toBus: PipelineObserver = {
    onDecision(intent, decision, score) {
      const ts = d.clock.now();
      if (d.bus.wants('decision'))
        d.bus.publish({
          type: 'decision',
          symbol: intent.symbol,
          client: intent.clientId,
          ts,
          intent,
          decision,
          regime: score.regime,
        });
      if (d.bus.wants('regime')) d.bus.publish({ type: 'regime', symbol: intent.symbol, ts, score });
    },
    onReport(report, parent) {
      if (!d.bus.wants('execution')) return;
      const ts = d.clock.now();
      d.bus.publish(
        parent
          ? {
              type: 'execution',
              symbol: report.symbol,
              client: parent.intent.clientId,
              intentId: parent.intentId,
              ts,
              report,
            }
          : { type: 'execution', symbol: report.symbol, ts, report },
      );
    },
  };
  return [d.metrics.observer, shadowDiffs, toBus];
}
