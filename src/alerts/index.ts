/** alerts/: webhook notifications from the gateway event bus. See README.md. */
import type { Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { AuditAppender } from '../core/stages.js';
import type { EventBus } from '../core/events.js';
import type { AlertsConfig } from './config.js';
import { AlertDispatcher, type AlertTimers, type WebhookPost } from './dispatcher.js';
import { AlertRules } from './rules.js';

export { resolveAlertsConfig } from './config.js';
export { AlertDispatcher, type AlertTimers } from './dispatcher.js';
export { AlertRules } from './rules.js';
export * from './types.js';

export interface AlertingDeps {
  readonly config: AlertsConfig;
  readonly bus: Pick<EventBus, 'subscribe'>;
  readonly instance: string;
  readonly clock: Clock;
  readonly audit?: Pick<AuditAppender, 'append'>;
  readonly registry?: Registry;
  readonly timers?: AlertTimers;
  readonly post?: WebhookPost;
}

/** Subscribe the rules to the bus and hand what they raise to the dispatcher. The bus listener
 * only evaluates the rules and enqueues: the order path never waits for a webhook. */
export function startAlerting(d: AlertingDeps): { dispatcher: AlertDispatcher; close(): Promise<void> } {
  const rules = new AlertRules({ shadowDiff: d.config.shadowDiff });
  const dispatcher = new AlertDispatcher({
    config: d.config,
    instance: d.instance,
    clock: d.clock,
    ...(d.audit ? { audit: d.audit } : {}),
    ...(d.registry ? { registry: d.registry } : {}),
    ...(d.timers ? { timers: d.timers } : {}),
    ...(d.post ? { post: d.post } : {}),
  });
  const unsubscribe = d.bus.subscribe((e) => {
    for (const draft of rules.onEvent(e)) dispatcher.raise(draft);
  });
  return {
    dispatcher,
    async close() {
      unsubscribe();
      await dispatcher.close();
    },
  };
}
