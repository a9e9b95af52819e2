/** Operator routes: the kill switch (POST/DELETE/GET /v1/kill), policy reload and the two-person
 * override workflow. Every change is audited with the operator's identity: the authenticated
 * client plus the person named by `x-operator` (or the body's `operator`). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { LiqguardError, type ErrorDetail } from '../core/errors.js';
import type { ParentOrder } from '../execution/order-store.js';
import { identityText, PERSON_RE, type OperatorIdentity } from '../overrides/identity.js';
import { presentOverride } from '../overrides/present.js';
import { parseScope, scopeCovers, scopeKey, scopeRecord, type Scope } from '../overrides/scope.js';
import type { AuditPort } from '../overrides/types.js';
import type { OverrideWorkflow } from '../overrides/workflow.js';
import type { GatewayEvent } from '../core/events.js';
import type { ApiKeyAuth } from './auth.js';
import {
  absentBodyIsEmpty,
  endOverrideBody,
  killBody,
  operatorOnlyBody,
  overrideRequestBody,
  unkillBody,
  unkillQuery,
  type OpsBody,
} from './ops-schemas.js';

export interface KillEntry {
  readonly scope: Scope;
  readonly operator: string;
  readonly reason: string;
  readonly since: number;
  /** HALTED | REDUCING; 'kill' entries come from operators, others from policy latches. */
  readonly state?: string;
  readonly source?: string;
}

/** policy/: the persisted trading-state store (a kill survives a restart until lifted). */
export interface KillSwitchPort {
  kill(scope: Scope, operator: string, reason: string): unknown;
  /** false (or a promise of false) when no kill is in force for exactly this scope. */
  lift(scope: Scope, operator: string): unknown;
  list(): readonly KillEntry[];
}

/** Pipeline satisfies it: cancels working parents (pending children dropped, working ones cancelled). */
export interface CancelPort {
  cancelWhere(filter: (p: ParentOrder) => boolean, reason: string): Promise<number>;
}

export type PolicyReloadResult =
  | { readonly ok: true; readonly id: string; readonly sha256: string; readonly version?: number }
  | {
      readonly ok: false;
      readonly error: string;
      readonly details?: readonly ErrorDetail[];
      readonly current?: { readonly id: string; readonly sha256: string };
    };

/** policy/: validate the files, swap atomically on success, keep the old set on error. */
export interface PolicyReloadPort {
  reload(): PolicyReloadResult | Promise<PolicyReloadResult>;
}

// ─── adapters to the policy stage (structural: no import of src/policy) ─────────────────────
type PolicyScope =
  { readonly kind: 'all' } | { readonly kind: 'client' | 'account' | 'symbol' | 'venue'; readonly value: string };
const toPolicyScope = (s: Scope): PolicyScope =>
  s.type === 'all' ? { kind: 'all' } : { kind: s.type, value: s.value };
const fromPolicyScope = (s: PolicyScope): Scope =>
  s.kind === 'all' ? { type: 'all' } : { type: s.kind, value: s.value };

/** policy/TradingStateStore → KillSwitchPort. GET /v1/kill also shows halts latched by rules. */
export function killSwitchFromTradingState(store: {
  kill(scope: PolicyScope, operator: string, reason: string): unknown;
  lift(scope: PolicyScope, operator: string): readonly unknown[];
  list(): readonly {
    scope: PolicyScope;
    state: string;
    source: string;
    operator: string;
    reason: string;
    since: number;
  }[];
}): KillSwitchPort {
  return {
    kill: (scope, operator, reason) => store.kill(toPolicyScope(scope), operator, reason),
    lift: (scope, operator) => store.lift(toPolicyScope(scope), operator).length > 0,
    list: () =>
      store.list().map((e) => ({
        scope: fromPolicyScope(e.scope),
        operator: e.operator,
        reason: e.reason,
        since: e.since,
        state: e.state,
        source: e.source,
      })),
  };
}

/** policy/PolicyManager → PolicyReloadPort. */
export function policyReloadFromManager(manager: {
  reload():
    | { ok: true; enforce: { id: string; version: number; sha256: string } }
    | { ok: false; message: string; errors: readonly ErrorDetail[]; kept: { id: string; sha256: string } };
}): PolicyReloadPort {
  return {
    reload() {
      const r = manager.reload();
      return r.ok
        ? { ok: true, id: r.enforce.id, sha256: r.enforce.sha256, version: r.enforce.version }
        : { ok: false, error: r.message, details: r.errors, current: { id: r.kept.id, sha256: r.kept.sha256 } };
    },
  };
}

export interface OpsRouteDeps {
  readonly killSwitch: KillSwitchPort;
  readonly cancel: CancelPort;
  readonly audit: AuditPort;
  readonly clock: Clock;
  readonly bus?: { publish(e: GatewayEvent): void };
  readonly policies?: PolicyReloadPort;
  readonly overrides?: OverrideWorkflow;
}

/** A validated body (its schema in ops-schemas.ts); `operator` is the only field every one may carry. */
type Body = { readonly operator?: string; readonly [k: string]: unknown };

/** The schema bounds the raw length; a reason must also say something once trimmed. */
function text(b: Body, key: string, min: number, max: number): string | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim().length < min || v.length > max)
    throw new LiqguardError('INVALID_FIELD', `${key} must be a string of ${min} to ${max} characters`, [
      { path: key, message: 'invalid' },
    ]);
  return v.trim();
}

function scopeOf(raw: unknown): Scope {
  const r = parseScope(raw);
  if (!r.ok)
    throw new LiqguardError(
      'INVALID_FIELD',
      `invalid scope: ${r.details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      r.details,
    );
  return r.scope;
}

/** preValidation of DELETE /v1/kill: `?type=&value=` without a body stands for the body { scope }. */
async function scopeFromQuery(req: FastifyRequest): Promise<void> {
  const q = req.query as { type?: string; value?: string };
  if ((req.body === undefined || req.body === null) && q.type !== undefined)
    req.body = { scope: { type: q.type, ...(q.value !== undefined ? { value: q.value } : {}) } };
}

/** The authenticated client plus the named person (header `x-operator` or body `operator`). */
export function operatorOf(req: FastifyRequest, b: Body): OperatorIdentity {
  const h = req.headers['x-operator'];
  const header = typeof h === 'string' && h.trim() ? h.trim() : undefined;
  const field = b.operator;
  if (field !== undefined && (typeof field !== 'string' || !PERSON_RE.test(field.trim()))) {
    throw new LiqguardError('INVALID_FIELD', "operator must name a person: 1-64 letters, digits, spaces or . _ @ ' -", [
      { path: 'operator', message: 'invalid' },
    ]);
  }
  if (header !== undefined && !PERSON_RE.test(header))
    throw new LiqguardError(
      'INVALID_FIELD',
      "the x-operator header must name a person: 1-64 letters, digits, spaces or . _ @ ' -",
      [{ path: 'x-operator', message: 'invalid' }],
    );
  const person = (field as string | undefined)?.trim() ?? header;
  if (header && person && header.toLowerCase() !== person.toLowerCase())
    throw new LiqguardError(
      'INVALID_FIELD',
      'the operator field and the x-operator header name different people; send one',
      [{ path: 'operator', message: 'conflicts with x-operator' }],
    );
  return person ? { client: req.client!.id, person } : { client: req.client!.id };
}

export function opsRoutes(deps: OpsRouteDeps) {
  return (app: FastifyInstance, auth: ApiKeyAuth): void => {
    const { killSwitch, audit, clock } = deps;
    const publish = (e: GatewayEvent): void => {
      try {
        deps.bus?.publish(e);
      } catch {
        // never fail an operator action because a subscriber broke
      }
    };
    const tags = ['ops'];
    const presentKill = (k: KillEntry) => ({
      scope: k.scope,
      key: scopeKey(k.scope),
      state: k.state ?? 'HALTED',
      source: k.source ?? 'kill',
      operator: k.operator,
      reason: k.reason,
      since: k.since,
    });
    const isKill = (k: KillEntry): boolean => (k.source ?? 'kill') === 'kill';

    app.get(
      '/v1/kill',
      { preHandler: auth.guard('viewer'), schema: { tags, summary: 'Kill switches in force' } },
      async () => {
        const kills = killSwitch.list().map(presentKill);
        return { active: kills.length > 0, kills };
      },
    );

    app.post(
      '/v1/kill',
      {
        preValidation: [auth.guard('operator'), absentBodyIsEmpty],
        schema: {
          tags,
          summary: 'Engage the kill switch for a scope: new orders stop, working orders in scope are cancelled',
          body: killBody,
        },
      },
      async (req) => {
        const b = req.body as OpsBody<typeof killBody>;
        const scope = scopeOf(b.scope);
        const reason = text(b, 'reason', 3, 500)!;
        const who = identityText(operatorOf(req, b));
        // Stop new orders first; an audit failure must not leave trading running.
        await killSwitch.kill(scope, who, reason);
        const now = clock.now();
        let auditError: unknown;
        try {
          audit.append('kill', { scope: scopeRecord(scope), operator: who, reason, at: now });
        } catch (err) {
          auditError = err;
        }
        publish({ type: 'kill', ts: now, active: true, scope: scopeRecord(scope), operator: who, reason });
        const cancelled = await deps.cancel.cancelWhere(
          (p) => scopeCovers(scope, p.intent),
          `kill switch ${scopeKey(scope)} by ${who}: ${reason}`,
        );
        if (auditError) throw auditError;
        return { active: true, scope, operator: who, reason, cancelled, kills: killSwitch.list().map(presentKill) };
      },
    );

    app.delete(
      '/v1/kill',
      {
        preValidation: [auth.guard('operator'), scopeFromQuery, absentBodyIsEmpty],
        schema: {
          tags,
          summary: 'Lift the kill switch of exactly this scope (body { scope } or ?type=&value=)',
          body: unkillBody,
          querystring: unkillQuery,
        },
      },
      async (req) => {
        const b = req.body as OpsBody<typeof unkillBody>;
        const scope = scopeOf(b.scope);
        const who = identityText(operatorOf(req, b));
        if (!killSwitch.list().some((k) => isKill(k) && scopeKey(k.scope) === scopeKey(scope))) {
          throw new LiqguardError(
            'NOT_FOUND',
            `no kill switch in force for scope ${scopeKey(scope)}; GET /v1/kill lists them`,
          );
        }
        const now = clock.now();
        // Audit first: a lift that cannot be audited does not happen (fail closed).
        audit.append('unkill', {
          scope: scopeRecord(scope),
          operator: who,
          at: now,
          ...(b.reason !== undefined ? { reason: b.reason } : {}),
        });
        if ((await killSwitch.lift(scope, who)) === false)
          throw new LiqguardError('NOT_FOUND', `no kill switch in force for scope ${scopeKey(scope)}`);
        publish({ type: 'kill', ts: now, active: false, scope: scopeRecord(scope), operator: who });
        const kills = killSwitch.list().map(presentKill);
        return { active: kills.length > 0, lifted: scope, operator: who, kills };
      },
    );

    if (deps.policies) {
      const policies = deps.policies;
      app.post(
        '/v1/policies/reload',
        {
          preValidation: [auth.guard('operator'), absentBodyIsEmpty],
          schema: {
            tags,
            summary: 'Validate the policy files, then swap atomically; on error the old set stays in force',
            body: operatorOnlyBody,
          },
        },
        async (req) => {
          const who = identityText(operatorOf(req, req.body as OpsBody<typeof operatorOnlyBody>));
          let r: PolicyReloadResult;
          try {
            r = await policies.reload();
          } catch (err) {
            r = {
              ok: false,
              error: (err as Error).message,
              ...((err as LiqguardError).details ? { details: (err as LiqguardError).details } : {}),
            };
          }
          const now = clock.now();
          if (r.ok) {
            audit.append('policy_load', {
              trigger: 'reload',
              operator: who,
              ok: true,
              id: r.id,
              sha256: r.sha256,
              ...(r.version !== undefined ? { version: r.version } : {}),
            });
            publish({ type: 'policy', ts: now, id: r.id, sha256: r.sha256, ok: true });
            return {
              ok: true,
              policy: { id: r.id, sha256: r.sha256, ...(r.version !== undefined ? { version: r.version } : {}) },
              operator: who,
            };
          }
          audit.append('policy_load', {
            trigger: 'reload',
            operator: who,
            ok: false,
            error: r.error,
            ...(r.current ? { kept: r.current } : {}),
          });
          publish({
            type: 'policy',
            ts: now,
            id: r.current?.id ?? '',
            sha256: r.current?.sha256 ?? '',
            ok: false,
            error: r.error,
          });
          const kept = r.current
            ? `; still enforcing ${r.current.id} (sha256 ${r.current.sha256.slice(0, 12)})`
            : '; the previous set stays in force';
          throw new LiqguardError('CONFLICT', `policy reload rejected: ${r.error}${kept}`, r.details ?? []);
        },
      );
    }

    if (deps.overrides) registerOverrideRoutes(app, auth, deps.overrides);
  };
}

function registerOverrideRoutes(app: FastifyInstance, auth: ApiKeyAuth, wf: OverrideWorkflow): void {
  const tags = ['overrides'];
  const idOf = (req: FastifyRequest): string => (req.params as { id: string }).id;
  app.get(
    '/v1/overrides',
    {
      preHandler: auth.guardAny(['operator', 'compliance']),
      schema: { tags, summary: 'Overrides, newest first (?state=pending|active|expired|revoked|rejected)' },
    },
    async (req) => {
      const state = (req.query as { state?: string }).state;
      if (state !== undefined && !['pending', 'active', 'expired', 'revoked', 'rejected'].includes(state))
        throw new LiqguardError('INVALID_FIELD', 'state must be one of pending, active, expired, revoked, rejected', [
          { path: 'state', message: 'invalid' },
        ]);
      return { overrides: wf.list(state ? { state: state as never } : {}).map(presentOverride), limits: wf.limits };
    },
  );
  app.get(
    '/v1/overrides/:id',
    { preHandler: auth.guardAny(['operator', 'compliance']), schema: { tags, summary: 'One override' } },
    async (req) => {
      const o = wf.get(idOf(req));
      if (!o) throw new LiqguardError('NOT_FOUND', `no override ${idOf(req)}`);
      return presentOverride(o);
    },
  );
  app.post(
    '/v1/overrides',
    {
      preValidation: [auth.guard('operator'), absentBodyIsEmpty],
      schema: {
        tags,
        summary: 'Request a temporary bypass of one rule in a scope; a second operator must approve it',
        body: overrideRequestBody,
      },
    },
    async (req, reply) => {
      const b = req.body as OpsBody<typeof overrideRequestBody>;
      const o = wf.request({
        ruleId: b.ruleId,
        scope: scopeOf(b.scope),
        reason: b.reason,
        ttlMs: b.ttlMs,
        requestedBy: operatorOf(req, b),
      });
      void reply.status(201);
      return presentOverride(o);
    },
  );
  app.post(
    '/v1/overrides/:id/approve',
    {
      preValidation: [auth.guard('operator'), absentBodyIsEmpty],
      schema: {
        tags,
        summary: 'Approve an override (not by its requester); it becomes active until it expires',
        body: operatorOnlyBody,
      },
    },
    async (req) => {
      const b = req.body as OpsBody<typeof operatorOnlyBody>;
      return presentOverride(wf.approve(idOf(req), operatorOf(req, b)));
    },
  );
  for (const verb of ['reject', 'revoke'] as const) {
    app.post(
      `/v1/overrides/:id/${verb}`,
      {
        preValidation: [auth.guard('operator'), absentBodyIsEmpty],
        schema: {
          tags,
          summary: verb === 'reject' ? 'Decline a pending override' : 'End a pending or active override now',
          body: endOverrideBody,
        },
      },
      async (req) => {
        const b = req.body as OpsBody<typeof endOverrideBody>;
        return presentOverride(wf[verb](idOf(req), operatorOf(req, b), text(b, 'reason', 3, 500)));
      },
    );
  }
}
