/** The two-person override workflow: a temporary, scoped bypass of one policy rule.
 *
 *   request ──approve (a different operator)──▶ active ──clock passes expiresAt──▶ expired
 *      │                                          └──revoke──▶ revoked
 *      ├──reject / revoke──▶ rejected / revoked
 *      └──approval window passes──▶ expired
 *
 * The state is computed from the injected clock on every read, so an override stops applying at
 * its deadline even if no timer ever fires; the timer only writes the expiry to the audit log
 * (sweep() does the same lazily). Every transition is audited before it takes effect: if the
 * audit write throws, the transition does not happen (fail closed). */
import type { Clock } from '../core/clock.js';
import { LiqguardError } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import { identityText, sameOperator, type OperatorIdentity } from './identity.js';
import { scopeCovers, scopeKey, scopeRecord, type OrderScope } from './scope.js';
import {
  realScheduler,
  type AuditPort,
  type OverrideEventSink,
  type OverrideRequest,
  type OverrideState,
  type OverrideTransition,
  type OverrideView,
  type Scheduler,
} from './types.js';

export interface OverrideWorkflowOptions {
  /** Approvals needed besides the requester (default 1: requester + one approver = two people). */
  readonly requiredApprovals?: number;
  /** A pending request expires after this long without enough approvals (default 15 min). */
  readonly approvalWindowMs?: number;
  readonly minTtlMs?: number; // default 1 s
  readonly maxTtlMs?: number; // default 8 h
  /** Require approvers to use a different API key than the requester (default false). */
  readonly distinctClients?: boolean;
  /** Ended overrides kept for GET /v1/overrides (the audit log keeps all). Default 1000. */
  readonly keepEnded?: number;
}

export interface OverrideWorkflowDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly audit?: AuditPort;
  readonly events?: OverrideEventSink;
  readonly scheduler?: Scheduler;
  /** When given, requests for a rule id it rejects are refused (the enforcing policy set's rules). */
  readonly knownRule?: (ruleId: string) => boolean;
  readonly options?: OverrideWorkflowOptions;
}

type Rec = OverrideView;

const RULE_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

export class OverrideWorkflow {
  private readonly live = new Map<string, Rec>();
  private readonly ended: Rec[] = [];
  private timer: { cancel(): void } | undefined;
  private readonly opt: Required<OverrideWorkflowOptions>;
  auditFailures = 0;

  constructor(private readonly d: OverrideWorkflowDeps) {
    const o = d.options ?? {};
    this.opt = {
      requiredApprovals: o.requiredApprovals ?? 1,
      approvalWindowMs: o.approvalWindowMs ?? 15 * 60_000,
      minTtlMs: o.minTtlMs ?? 1_000,
      maxTtlMs: o.maxTtlMs ?? 8 * 3_600_000,
      distinctClients: o.distinctClients ?? false,
      keepEnded: o.keepEnded ?? 1000,
    };
    if (!Number.isInteger(this.opt.requiredApprovals) || this.opt.requiredApprovals < 1)
      throw new Error('overrides: requiredApprovals must be an integer >= 1');
  }

  get limits(): { minTtlMs: number; maxTtlMs: number; requiredApprovals: number; approvalWindowMs: number } {
    const { minTtlMs, maxTtlMs, requiredApprovals, approvalWindowMs } = this.opt;
    return { minTtlMs, maxTtlMs, requiredApprovals, approvalWindowMs };
  }

  request(req: OverrideRequest): OverrideView {
    this.sweep();
    const details = [];
    if (!RULE_RE.test(req.ruleId))
      details.push({ path: 'ruleId', message: 'must be a rule id (letters, digits, _ . : -)' });
    else if (this.d.knownRule && !this.d.knownRule(req.ruleId))
      details.push({ path: 'ruleId', message: `no rule "${req.ruleId}" in the enforcing policy set` });
    if (!Number.isInteger(req.ttlMs) || req.ttlMs < this.opt.minTtlMs || req.ttlMs > this.opt.maxTtlMs) {
      details.push({
        path: 'ttlMs',
        message: `must be an integer number of ms between ${this.opt.minTtlMs} and ${this.opt.maxTtlMs}`,
      });
    }
    const reason = req.reason.trim();
    if (reason.length < 3 || reason.length > 500)
      details.push({ path: 'reason', message: 'must say why, in 3 to 500 characters' });
    if (details.length)
      throw new LiqguardError(
        'INVALID_FIELD',
        `invalid override request: ${details.map((x) => `${x.path} ${x.message}`).join('; ')}`,
        details,
      );
    const dup = [...this.live.values()].find(
      (r) => r.ruleId === req.ruleId && scopeKey(r.scope) === scopeKey(req.scope) && this.stateOf(r) !== 'expired',
    );
    if (dup)
      throw new LiqguardError(
        'CONFLICT',
        `override ${dup.id} for rule ${req.ruleId} in scope ${scopeKey(req.scope)} is already ` +
          `${this.stateOf(dup)}; revoke it first`,
      );
    const now = this.d.clock.now();
    const rec: Rec = {
      id: this.d.ids.next('ovr'),
      ruleId: req.ruleId,
      scope: req.scope,
      reason,
      ttlMs: req.ttlMs,
      state: 'pending',
      requestedBy: req.requestedBy,
      requestedAt: now,
      approveBy: now + this.opt.approvalWindowMs,
      approvals: [],
      requiredApprovals: this.opt.requiredApprovals,
    };
    this.emit(rec, 'requested', req.requestedBy, now);
    this.live.set(rec.id, rec);
    this.arm();
    return this.view(rec);
  }

  approve(id: string, approver: OperatorIdentity): OverrideView {
    this.sweep();
    const rec = this.mustBe(id, ['pending'], 'approve');
    if (sameOperator(approver, rec.requestedBy)) {
      throw new LiqguardError(
        'FORBIDDEN',
        `${identityText(approver)} requested override ${id} and cannot approve it: a second operator must ` +
          `(name yourself with the x-operator header)`,
      );
    }
    if (this.opt.distinctClients && approver.client === rec.requestedBy.client) {
      throw new LiqguardError(
        'FORBIDDEN',
        `override ${id} needs an approver with a different API key than the requester's (${rec.requestedBy.client})`,
      );
    }
    if (this.opt.distinctClients && rec.approvals.some((a) => a.by.client === approver.client)) {
      throw new LiqguardError(
        'FORBIDDEN',
        `override ${id} was already approved with API key ${approver.client}: each approval needs its own key`,
      );
    }
    if (rec.approvals.some((a) => sameOperator(a.by, approver)))
      throw new LiqguardError('CONFLICT', `${identityText(approver)} already approved override ${id}`);
    const now = this.d.clock.now();
    const approvals = [...rec.approvals, { by: approver, at: now }];
    const activates = approvals.length >= rec.requiredApprovals;
    const next: Rec = {
      ...rec,
      approvals,
      ...(activates ? { state: 'active' as const, activatedAt: now, expiresAt: now + rec.ttlMs } : {}),
    };
    this.emit(next, 'approved', approver, now);
    if (activates) this.emit(next, 'active', approver, now);
    this.live.set(id, next);
    this.arm();
    return this.view(next);
  }

  /** A reviewer declines a pending request. */
  reject(id: string, operator: OperatorIdentity, reason?: string): OverrideView {
    return this.end(id, ['pending'], 'rejected', operator, reason);
  }

  /** Ends a pending or active override now. */
  revoke(id: string, operator: OperatorIdentity, reason?: string): OverrideView {
    return this.end(id, ['pending', 'active'], 'revoked', operator, reason);
  }

  get(id: string): OverrideView | undefined {
    this.sweep();
    const rec = this.live.get(id) ?? this.ended.find((r) => r.id === id);
    return rec && this.view(rec);
  }

  /** Newest first. */
  list(filter: { state?: OverrideState } = {}): OverrideView[] {
    this.sweep();
    const all = [...this.live.values(), ...this.ended]
      .map((r) => this.view(r))
      .sort((a, b) => b.requestedAt - a.requestedAt);
    return filter.state ? all.filter((v) => v.state === filter.state) : all;
  }

  /** For the policy engine: active overrides of this rule covering this order. Pure read: the
   * state comes from the clock, nothing is written here (the order path never waits on audit). */
  activeOverridesFor(ruleId: string, order: OrderScope): OverrideView[] {
    const out: OverrideView[] = [];
    for (const r of this.live.values())
      if (r.ruleId === ruleId && this.stateOf(r) === 'active' && scopeCovers(r.scope, order)) out.push(this.view(r));
    return out;
  }

  /** Audits overrides whose deadline passed and moves them to the ended list. Returns how many. */
  sweep(): number {
    const now = this.d.clock.now();
    let n = 0;
    for (const r of [...this.live.values()]) {
      if (this.stateOf(r, now) !== 'expired') continue;
      const at = r.expiresAt ?? r.approveBy;
      const done: Rec = {
        ...r,
        state: 'expired',
        endedAt: at,
        endReason: r.expiresAt !== undefined ? 'ttl elapsed' : 'not approved in time',
      };
      try {
        this.emit(done, 'expired', undefined, now);
      } catch {
        this.auditFailures++;
        continue; // retried at the next sweep; the override already no longer applies
      }
      this.retire(done);
      n++;
    }
    this.arm();
    return n;
  }

  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private end(
    id: string,
    from: OverrideState[],
    to: 'rejected' | 'revoked',
    by: OperatorIdentity,
    reason?: string,
  ): OverrideView {
    this.sweep();
    const rec = this.mustBe(id, from, to === 'rejected' ? 'reject' : 'revoke');
    const now = this.d.clock.now();
    const done: Rec = { ...rec, state: to, endedAt: now, endedBy: by, ...(reason ? { endReason: reason } : {}) };
    this.emit(done, to, by, now);
    this.retire(done);
    this.arm();
    return this.view(done);
  }

  private mustBe(id: string, states: OverrideState[], verb: string): Rec {
    const rec = this.live.get(id) ?? this.ended.find((r) => r.id === id);
    if (!rec) throw new LiqguardError('NOT_FOUND', `no override ${id}; list them with GET /v1/overrides`);
    const s = this.stateOf(rec);
    if (!states.includes(s)) throw new LiqguardError('CONFLICT', `cannot ${verb} override ${id}: it is ${s}`);
    return rec;
  }

  private stateOf(r: Rec, now = this.d.clock.now()): OverrideState {
    if (r.state === 'expired' || r.state === 'revoked' || r.state === 'rejected') return r.state;
    if (r.expiresAt !== undefined) return now >= r.expiresAt ? 'expired' : 'active';
    return now >= r.approveBy ? 'expired' : 'pending';
  }

  private view(r: Rec): OverrideView {
    return { ...r, state: this.stateOf(r), approvals: [...r.approvals] };
  }

  private retire(r: Rec): void {
    this.live.delete(r.id);
    this.ended.unshift(r);
    if (this.ended.length > this.opt.keepEnded) this.ended.length = this.opt.keepEnded;
  }

  private emit(r: Rec, transition: OverrideTransition, by: OperatorIdentity | undefined, now: number): void {
    const body = {
      id: r.id,
      state: transition,
      ruleId: r.ruleId,
      scope: scopeRecord(r.scope),
      reason: r.reason,
      ttlMs: r.ttlMs,
      requestedBy: identityText(r.requestedBy),
      ...(by ? { by: identityText(by) } : {}),
      at: transition === 'expired' ? (r.endedAt ?? now) : now,
      approvals: r.approvals.map((a) => ({ by: identityText(a.by), at: a.at })),
      ...(r.activatedAt !== undefined ? { activatedAt: r.activatedAt } : {}),
      ...(r.expiresAt !== undefined ? { expiresAt: r.expiresAt } : {}),
      ...(transition === 'requested' || transition === 'expired' ? { approveBy: r.approveBy } : {}),
      ...(r.endReason ? { endReason: r.endReason } : {}),
    };
    this.d.audit?.append('override', body); // throws → the transition does not happen
    try {
      this.d.events?.publish({ type: 'override', ts: now, id: r.id, state: transition, detail: body });
    } catch {
      // The bus never fails a transition that is already audited.
    }
  }

  /** One timer for the nearest deadline; it re-arms itself through sweep(). */
  private arm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    let next = Infinity;
    for (const r of this.live.values()) next = Math.min(next, r.expiresAt ?? r.approveBy);
    if (next === Infinity) return;
    const scheduler = this.d.scheduler ?? realScheduler;
    this.timer = scheduler.setTimeout(
      () => {
        this.timer = undefined;
        this.sweep();
      },
      next > this.d.clock.now() ? next - this.d.clock.now() : 1_000,
    ); // past due: a failed audit write, retry gently
  }
}
