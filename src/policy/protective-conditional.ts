/** What the pipeline does differently for a conditional order, as pure functions:
 * - the policy sees the market at the order's trigger price (its collar, notional and
 *   liquidation checks are about the order as it will execute);
 * - a protective order (reduce-only or closePosition) is never denied or shrunk by the kill
 *   switch, a halt, a reduce-only state or a regime rule: it reduces risk, and it must keep
 *   working at the venue if the gateway dies. Every other denial (symbol, fat finger, collar)
 *   still applies. The trace keeps the waived rules and says why. */
import { isProtectiveIntent, triggerReferencePrice } from '../core/conditional.js';
import type { DenyCode } from '../core/deny-codes.js';
import { singleChild } from './split-plan.js';
import type { Decision, MarketSnapshot, OrderIntent } from '../core/types.js';

export const PROTECTIVE_RULE = 'gateway.protective_conditional';

/** Denials a protective conditional order is exempt from: trading state and regime. */
const PROTECTIVE_EXEMPT: ReadonlySet<DenyCode> = new Set<DenyCode>([
  'KILL_SWITCH',
  'HALTED',
  'REDUCE_ONLY_STATE',
  'REGIME_NOTIONAL_CAP',
  'REGIME_UNKNOWN',
]);

const isProtective = isProtectiveIntent;

/** The snapshot with mark and last at the trigger reference price (a trailing stop without an
 * activation price is evaluated at the current market). */
export function atTriggerPrice(m: MarketSnapshot, intent: OrderIntent): MarketSnapshot {
  const ref = intent.trigger ? triggerReferencePrice(intent.trigger) : undefined;
  if (ref === undefined) return m;
  const px = Number(ref);
  return { ...m, mark: px, last: px };
}

/** A protective order's decision with the exempt denials and caps waived; others unchanged. */
export function protectiveDecision(intent: OrderIntent, d: Decision, now: number): Decision {
  if (!isProtective(intent) || d.kind === 'accept') return d;
  const binding = d.trace.filter((t) => t.mode === 'enforce' && (t.outcome === 'deny' || t.outcome === 'modify'));
  if (binding.length === 0 || !binding.every((t) => t.code !== undefined && PROTECTIVE_EXEMPT.has(t.code))) return d;
  const waived = binding.map((t) => t.ruleId).join(',');
  return {
    kind: 'accept',
    originalQuantity: d.originalQuantity,
    approvedQuantity: intent.quantity,
    ...(intent.price ? { approvedPrice: intent.price } : {}),
    children: singleChild(intent.clientOrderId, intent.quantity, now, intent.price),
    throttles: d.throttles,
    trace: [
      ...d.trace,
      {
        ruleId: PROTECTIVE_RULE,
        action: 'protective',
        mode: 'enforce',
        matched: true,
        outcome: 'pass',
        detail: `protective conditional order: ${waived} waived (it reduces risk)`,
      },
    ],
    policySetId: d.policySetId,
    policySha256: d.policySha256,
  };
}
