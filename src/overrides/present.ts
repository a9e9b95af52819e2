/** Wire view of an override: identities as `client/person` text. */
import { identityText } from './identity.js';
import type { OverrideView } from './types.js';

export function presentOverride(o: OverrideView): Record<string, unknown> {
  return {
    id: o.id,
    ruleId: o.ruleId,
    scope: o.scope,
    state: o.state,
    reason: o.reason,
    ttlMs: o.ttlMs,
    requestedBy: identityText(o.requestedBy),
    requestedAt: o.requestedAt,
    approveBy: o.approveBy,
    approvals: o.approvals.map((a) => ({ by: identityText(a.by), at: a.at })),
    requiredApprovals: o.requiredApprovals,
    ...(o.activatedAt !== undefined ? { activatedAt: o.activatedAt } : {}),
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
    ...(o.endedAt !== undefined ? { endedAt: o.endedAt } : {}),
    ...(o.endedBy ? { endedBy: identityText(o.endedBy) } : {}),
    ...(o.endReason ? { endReason: o.endReason } : {}),
  };
}
