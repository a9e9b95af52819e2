/** Values and ports of the override workflow. */
import type { AuditEventType } from '../core/stages.js';
import type { OperatorIdentity } from './identity.js';
import type { Scope } from './scope.js';

/** pending: waiting for approvals; active: the rule is bypassed in scope; the rest are final. */
export type OverrideState = 'pending' | 'active' | 'expired' | 'revoked' | 'rejected';

/** Audit/bus transition names: one record per transition, from request to the end. */
export type OverrideTransition = 'requested' | 'approved' | 'active' | 'expired' | 'revoked' | 'rejected';

export interface OverrideRequest {
  readonly ruleId: string;
  readonly scope: Scope;
  readonly reason: string;
  /** How long the override stays active once approved. */
  readonly ttlMs: number;
  readonly requestedBy: OperatorIdentity;
}

interface Approval {
  readonly by: OperatorIdentity;
  readonly at: number;
}

/** What callers see; `state` is computed from the clock at the time of the call. */
export interface OverrideView {
  readonly id: string;
  readonly ruleId: string;
  readonly scope: Scope;
  readonly reason: string;
  readonly ttlMs: number;
  readonly state: OverrideState;
  readonly requestedBy: OperatorIdentity;
  readonly requestedAt: number;
  /** A pending request not approved by then expires. */
  readonly approveBy: number;
  readonly approvals: readonly Approval[];
  readonly requiredApprovals: number;
  readonly activatedAt?: number;
  readonly expiresAt?: number;
  readonly endedAt?: number;
  readonly endedBy?: OperatorIdentity;
  readonly endReason?: string;
}

/** audit/: the hash-chained log (AuditAppender.append satisfies it). */
export interface AuditPort {
  append(type: AuditEventType, body: Readonly<Record<string, unknown>>): unknown;
}

/** events.ts EventBus satisfies it. */
export interface OverrideEventSink {
  publish(e: {
    type: 'override';
    ts: number;
    id: string;
    state: string;
    detail: Readonly<Record<string, unknown>>;
  }): void;
}

/** Timers, injected so tests drive expiry with a manual clock. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const realScheduler: Scheduler = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};
