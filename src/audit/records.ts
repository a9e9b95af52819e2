/** The audit record contract (v1), documented in docs/audit.md. Every line is one envelope
 * `{ v, seq, ts, instance, type, prev, ...body, hash }`. Bodies are plain JSON: NaN is written
 * as null, secrets as "[REDACTED]". Add fields, never rename or remove them; a breaking change
 * bumps `v`. */
import type { AuditEventType } from '../core/stages.js';
import type {
  Decision,
  DecisionKind,
  ExecutionReport,
  Exposure,
  OrderIntent,
  RegimeScore,
  TradingState,
} from '../core/types.js';

export const AUDIT_EVENT_TYPES: readonly AuditEventType[] = [
  'startup',
  'config_load',
  'policy_load',
  'model_load',
  'decision',
  'execution',
  'kill',
  'unkill',
  'override',
  'shadow_diff',
  'latch',
  'alert',
];

interface AuditEnvelope {
  readonly v: 1 | 2; // 2: compact decision bodies (compact.ts), expanded on read
  readonly seq: number; // 1, 2, 3... per instance, continuous across segment files
  readonly ts: number; // epoch ms from the injected clock, never decreasing per instance
  readonly instance: string;
  readonly type: AuditEventType;
  readonly prev: string; // hash of the previous record of this instance (genesis for seq 1)
  readonly hash: string; // sha256(prev + canonicalJson(record without hash))
}

/** A record as read back from a file. */
export type AuditRecord = AuditEnvelope & Readonly<Record<string, unknown>>;

interface MarketSummary {
  readonly asOf: number;
  readonly ageMs: number;
  readonly mark: number | null;
  readonly last: number | null;
  readonly bid: number | null;
  readonly ask: number | null;
  readonly flags: readonly string[];
  readonly degraded: boolean;
  readonly missing: readonly string[];
  readonly ages: Readonly<Record<string, number | null>>;
  readonly features: Readonly<Record<string, number | null>>;
}

interface ShadowSummary {
  readonly kind: DecisionKind;
  readonly code: string | null;
  readonly approvedQuantity: string;
  readonly policy: { readonly id: string; readonly sha256: string };
}

/** `decision`: written BEFORE any venue I/O. */
export interface DecisionRecordBody {
  readonly intentId: string;
  readonly client: string; // authenticated client id (never its key)
  readonly account: string;
  readonly venue: string;
  readonly symbol: string;
  readonly intent: OrderIntent;
  readonly market: MarketSummary;
  readonly score: RegimeScore; // model id/sha, probability, regime, contributions
  readonly model: { readonly id: string; readonly sha256: string; readonly kind: 'baseline' | 'model' };
  readonly exposure: Exposure;
  readonly tradingState: { readonly state: TradingState; readonly reason?: string };
  readonly decision: Decision; // kind, code, params, trace of every rule, policySetId/sha256
  readonly outcome: DecisionKind;
  readonly policy: { readonly id: string; readonly sha256: string };
  readonly throttleWaitMs?: number;
  readonly shadow?: ShadowSummary;
}

/** `execution`: every distinct venue report, linked to the gateway intent. */
export interface ExecutionRecordBody {
  readonly intentId: string | null;
  readonly client: string | null;
  readonly symbol: string;
  readonly status: ExecutionReport['status'];
  readonly report: ExecutionReport;
}

/** `policy_load`, in the forms written today:
 * - at start (gateway.ts): `{ enforce, sha256, version?, shadow?: { id, sha256 } }`
 * - operator reload (routes-ops.ts): `{ trigger: 'reload', operator, ok, id, sha256, version? }`
 *   or, failed, `{ trigger: 'reload', operator, ok: false, error, kept? }` (old set stays in force)
 * - file watch (gateway.ts): `{ reload: true, ok, id, sha256, version? }` or `{ reload: true, ok: false, error, current? }` */
interface PolicyLoadBody {
  readonly trigger?: 'startup' | 'reload' | 'watch';
  readonly reload?: true;
  readonly ok?: boolean; // absent at start (a bad policy refuses to start)
  readonly id?: string; // policy set id (reloads)
  readonly enforce?: string; // enforcing policy set id (start)
  readonly sha256?: string;
  readonly version?: string | number;
  readonly shadow?: { readonly id: string; readonly sha256: string };
  readonly operator?: string; // identityText of the operator (operator reloads)
  readonly error?: string;
  readonly kept?: { readonly id: string; readonly sha256: string };
  readonly current?: { readonly id: string; readonly sha256: string };
  readonly previousSha256?: string | null;
}

/** `model_load`: the regime scorer in use (mirrors DecisionRecordBody.model). */
interface ModelLoadBody {
  readonly id: string;
  readonly sha256: string;
  readonly kind?: 'baseline' | 'model';
  readonly card?: string; // model card path
  readonly previousSha256?: string | null;
  readonly operator?: string;
}

/** `config_load`: sha256 of the config text, with a summary (never keys: those are redacted). */
interface ConfigLoadBody {
  readonly sha256: string;
  readonly source?: string;
  readonly venues?: readonly { readonly id: string; readonly kind: string }[];
  readonly clients?: readonly string[];
}

/** Scope of a kill, unkill or override, as written by src/overrides/scope.ts scopeRecord(). */
interface ScopeRecord {
  readonly type: 'all' | 'client' | 'account' | 'symbol' | 'venue';
  readonly value?: string;
}

/** `kill`: trading halted for a scope by an operator. */
interface KillBody {
  readonly scope: ScopeRecord;
  readonly operator: string; // identityText: client[/person]
  readonly reason: string;
  readonly at: number;
}

/** `unkill`: the kill for a scope lifted. */
interface UnkillBody {
  readonly scope: ScopeRecord;
  readonly operator: string;
  readonly at: number;
  readonly reason?: string;
}

type OverrideTransition = 'requested' | 'approved' | 'active' | 'expired' | 'revoked' | 'rejected';

/** `override`: one record per transition of the two-person override workflow
 * (src/overrides/workflow.ts), from request to expiry or revocation. */
interface OverrideBody {
  readonly id: string; // override id
  readonly state: OverrideTransition;
  readonly ruleId: string;
  readonly scope: ScopeRecord;
  readonly reason: string;
  readonly ttlMs: number;
  readonly requestedBy: string; // identityText
  readonly by?: string; // who performed this transition (approver, revoker)
  readonly at: number;
  readonly approvals: readonly { readonly by: string; readonly at: number }[];
  readonly activatedAt?: number;
  readonly expiresAt?: number;
  readonly approveBy?: number; // a pending request expires unapproved at this time
  readonly endReason?: string;
}

/** `startup`: process start (and market source), or the writer's own seal record. */
interface StartupBody {
  readonly version?: string; // liqguard version
  readonly node?: string;
  readonly pid?: number;
  readonly configSha256?: string;
  readonly market?: string; // 'replay' | 'live'
  readonly notes?: unknown;
  readonly window?: Readonly<Record<string, unknown>>;
  readonly barsPerSecond?: number;
  /** Written by the writer itself when it sealed a torn segment and started a new one. */
  readonly chainBreak?: ChainBreak;
}

export interface ChainBreak {
  readonly file: string; // base name of the sealed segment
  readonly line: number; // the torn line
  readonly reason: string;
  readonly lastGoodSeq: number;
  readonly lastGoodHash: string;
  /** Bytes of the torn line left out of the chain (they stay in the sealed file). */
  readonly droppedBytes?: number;
}

/** `shadow_diff`: the shadow policy set decided differently (policy/manager.ts compareShadow). */
interface ShadowDiffBody {
  readonly intentId: string;
  readonly client: string;
  readonly symbol: string;
  readonly fields: readonly string[]; // kind | code | approvedQuantity | children
  readonly enforced: ShadowDecisionSummary;
  readonly shadow: ShadowDecisionSummary;
  readonly shadowSet: { readonly id: string; readonly version?: string | number; readonly sha256: string };
}

interface ShadowDecisionSummary {
  readonly kind: string;
  readonly code?: string;
  readonly approvedQuantity: string;
  readonly children: number;
}

/** `alert`: an alert raised (src/alerts), and each delivery outcome per webhook target. */
interface AlertBody {
  readonly phase: 'raised' | 'delivered' | 'failed' | 'dropped';
  readonly alertId: string;
  readonly key: string;
  readonly kind: string; // kill | latch | loss_limit | regime | venue_ban | deadman | audit_failure | shadow_diff
  readonly severity?: string; // raised
  readonly title?: string; // raised
  readonly fields?: Readonly<Record<string, string | number>>; // raised
  readonly targets?: readonly string[]; // raised: the targets it goes to
  readonly target?: string; // delivered | failed | dropped
  readonly attempts?: number;
  readonly status?: number; // delivered: HTTP status
  readonly error?: string; // failed | dropped: the last error
  readonly reason?: 'queue_full' | 'shutdown'; // dropped
}

export interface AuditBodies {
  startup: StartupBody;
  config_load: ConfigLoadBody;
  policy_load: PolicyLoadBody;
  model_load: ModelLoadBody;
  decision: DecisionRecordBody;
  execution: ExecutionRecordBody;
  kill: KillBody;
  unkill: UnkillBody;
  override: OverrideBody;
  shadow_diff: ShadowDiffBody;
  latch: LatchBody;
  alert: AlertBody;
}

/** A loss limit latched a scope (reduce_only | halt) or the latch was cleared (period roll or
 * operator reset). `reason` is the rendered LOSS_LIMIT line. */
interface LatchBody {
  readonly scope: { readonly level: string; readonly id: string };
  readonly state: 'reduce_only' | 'halt' | 'cleared';
  readonly reason: string;
  readonly operator?: string;
  readonly at: number; // decision time (replay time in replay mode)
}

// ─── facets used by query and report (tolerant: bodies are read from files) ─────────────────

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const scopeValue = (r: Readonly<Record<string, unknown>>, type: string): string | undefined => {
  const sc = obj(r.scope);
  return sc?.type === type ? str(sc.value) : undefined;
};

export function recordClient(r: Readonly<Record<string, unknown>>): string | undefined {
  return str(r.client) ?? str(obj(r.intent)?.clientId) ?? scopeValue(r, 'client');
}

export function recordSymbol(r: Readonly<Record<string, unknown>>): string | undefined {
  return str(r.symbol) ?? str(obj(r.intent)?.symbol) ?? str(obj(r.report)?.symbol) ?? scopeValue(r, 'symbol');
}

export function recordOutcome(r: Readonly<Record<string, unknown>>): string | undefined {
  return r.type === 'decision' ? (str(obj(r.decision)?.kind) ?? str(r.outcome)) : undefined;
}

/** Rule ids in the decision trace whose outcome is not 'pass' (enforced or shadow). */
export function recordRules(r: Readonly<Record<string, unknown>>): string[] {
  const trace = obj(r.decision)?.trace;
  if (!Array.isArray(trace)) return [];
  const out: string[] = [];
  for (const t of trace) {
    const o = obj(t);
    const id = str(o?.ruleId);
    if (id && o?.outcome !== 'pass') out.push(id);
  }
  return out;
}
