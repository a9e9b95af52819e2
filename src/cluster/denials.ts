/** Decisions cluster mode answers before (instead of) the policy: a denial is a value. */
import { renderDenial, type DenyCode, type DenyParams } from '../core/deny-codes.js';
import type { Decision, OrderIntent } from '../core/types.js';

export const GUARD = {
  unavailable: 'cluster.unavailable',
  duplicate: 'cluster.duplicate_client_order_id',
  cap: 'cluster.open_notional_cap',
} as const;

export function clusterDenial(
  intent: OrderIntent,
  policy: { id: string; sha256: string },
  ruleId: string,
  code: DenyCode,
  params: DenyParams,
): Decision {
  return {
    kind: 'deny',
    code,
    detail: renderDenial(code, params),
    params,
    originalQuantity: intent.quantity,
    approvedQuantity: '0',
    children: [],
    throttles: [],
    trace: [{ ruleId, action: 'reject', mode: 'enforce', matched: true, outcome: 'deny', code, params }],
    policySetId: policy.id,
    policySha256: policy.sha256,
  };
}
