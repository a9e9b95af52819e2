/** Denials the pipeline answers itself, around the policy: a clientOrderId already in use, and a
 * throttle that could not admit the order in time. Each is a DenyDecision with its own trace entry. */
import { renderDenial } from '../core/deny-codes.js';
import type { PolicyEvaluator } from '../core/stages.js';
import type { Decision, DenyDecision, OrderIntent } from '../core/types.js';

const GUARD_DUPLICATE = 'gateway.duplicate_client_order_id';

export function duplicateDecision(intent: OrderIntent, policy: PolicyEvaluator): DenyDecision {
  const params = { clientOrderId: intent.clientOrderId };
  return {
    kind: 'deny',
    code: 'DUPLICATE_CLIENT_ORDER_ID',
    detail: renderDenial('DUPLICATE_CLIENT_ORDER_ID', params),
    params,
    originalQuantity: intent.quantity,
    approvedQuantity: '0',
    children: [],
    throttles: [],
    trace: [
      {
        ruleId: GUARD_DUPLICATE,
        action: 'reject',
        mode: 'enforce',
        matched: true,
        outcome: 'deny',
        code: 'DUPLICATE_CLIENT_ORDER_ID',
        params,
      },
    ],
    policySetId: policy.id,
    policySha256: policy.sha256,
  };
}

export function throttledDecision(decision: Decision, ruleId: string, key: string, waitedMs: number): DenyDecision {
  const params = { rule: ruleId, key, waitedMs };
  const code = 'RATE_LIMIT_EXCEEDED';
  const denial = { ruleId, action: 'throttle', mode: 'enforce', matched: true, outcome: 'deny', code, params } as const;
  return {
    kind: 'deny',
    code,
    detail: renderDenial(code, params),
    params,
    originalQuantity: decision.originalQuantity,
    approvedQuantity: '0',
    children: [],
    throttles: [],
    trace: [...decision.trace, denial],
    policySetId: decision.policySetId,
    policySha256: decision.policySha256,
  };
}
