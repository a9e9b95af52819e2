/** Aggregates audit records of a period into the figures of the compliance report. Pure: the
 * records and the verification result come in, plain data goes out. */
import { DENY_CODES, isDenyCode } from '../core/deny-codes.js';
import { dec, Decimal } from '../core/decimal.js';
import { recordClient, recordOutcome, recordSymbol, type AuditRecord } from './records.js';
import type { VerifyResult } from './verify.js';

export interface OrderRow {
  readonly ts: number;
  readonly instance: string;
  readonly seq: number;
  readonly intentId: string;
  readonly clientOrderId: string;
  readonly client: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: string;
  readonly approvedQuantity: string;
  readonly price: string; // limit price, or the mark for market orders
  readonly notional: string;
  readonly code: string;
  readonly detail: string;
  readonly regime: string;
}

export interface RegimePoint {
  readonly ts: number;
  readonly probability: number | null; // null when the score was unavailable
  readonly regime: string;
}

export interface ReportData {
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly generatedAt: number;
  readonly records: number;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  readonly byType: Readonly<Record<string, number>>;
  readonly instances: readonly string[];
  readonly byOutcome: Readonly<Record<string, number>>;
  /** ruleId → outcome → count, for trace entries with a non-pass outcome. */
  readonly byRule: Readonly<Record<string, { enforce: number; shadow: number; outcomes: Record<string, number> }>>;
  readonly denyCodes: readonly { code: string; count: number; control: string; text: string }[];
  readonly topDenied: readonly OrderRow[];
  readonly topCapped: readonly OrderRow[];
  readonly regimes: Readonly<Record<string, RegimePoint[]>>;
  readonly kills: readonly AuditRecord[];
  readonly loads: readonly AuditRecord[]; // policy_load, model_load, config_load, startup
  readonly inForceAtStart: readonly AuditRecord[]; // newest load of each kind before `from`
  readonly overrides: readonly { overrideId: string; steps: AuditRecord[] }[];
  readonly executions: Readonly<Record<string, number>>;
  readonly shadowDiffs: number;
  readonly verify: VerifyResult;
}

const o = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const s = (v: unknown, d = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : d);
const bump = (m: Record<string, number>, k: string, by = 1): void => {
  m[k] = (m[k] ?? 0) + by;
};

function notionalOf(qty: string, price: string): Decimal {
  try {
    return dec(qty).mul(dec(price)).abs();
  } catch {
    return new Decimal(0);
  }
}

function orderRow(r: AuditRecord): OrderRow {
  const intent = o(r.intent);
  const decision = o(r.decision);
  const market = o(r.market);
  const price = s(intent.price) || s(market.mark) || '0';
  const quantity = s(intent.quantity, '0');
  return {
    ts: r.ts,
    instance: r.instance,
    seq: r.seq,
    intentId: s(r.intentId) || s(intent.intentId),
    clientOrderId: s(intent.clientOrderId),
    client: recordClient(r) ?? '',
    symbol: recordSymbol(r) ?? '',
    side: s(intent.side),
    quantity,
    approvedQuantity: s(decision.approvedQuantity, '0'),
    price,
    notional: notionalOf(quantity, price).toFixed(2),
    code: s(decision.code),
    detail: s(decision.detail),
    regime: s(o(r.score).regime, 'unknown'),
  };
}

/** Per-symbol cap on timeline points: the chart is a few hundred pixels wide. */
const MAX_POINTS = 4000;

/** Halve a timeline, always keeping the first and last point and every regime change. */
function thin(pts: RegimePoint[]): RegimePoint[] {
  return pts.filter((p, i) => i % 2 === 0 || i === pts.length - 1 || p.regime !== pts[i - 1]!.regime);
}

const LOAD_TYPES = new Set(['policy_load', 'model_load', 'config_load', 'startup']);
const loadKey = (r: AuditRecord): string => `${r.instance}:${r.type}:${s(r.role, 'enforce')}`;

export class ReportBuilder {
  private n = 0;
  private firstTs: number | null = null;
  private lastTs: number | null = null;
  private readonly byType: Record<string, number> = {};
  private readonly instances = new Set<string>();
  private readonly byOutcome: Record<string, number> = {};
  private readonly byRule: Record<string, { enforce: number; shadow: number; outcomes: Record<string, number> }> = {};
  private readonly codes: Record<string, number> = {};
  private readonly denied: OrderRow[] = [];
  private readonly capped: OrderRow[] = [];
  private readonly regimes: Record<string, RegimePoint[]> = {};
  private readonly kills: AuditRecord[] = [];
  private readonly loads: AuditRecord[] = [];
  private readonly before = new Map<string, AuditRecord>();
  private readonly overrides = new Map<string, AuditRecord[]>();
  private readonly executions: Record<string, number> = {};
  private shadowDiffs = 0;

  constructor(
    private readonly from: number | undefined,
    private readonly to: number | undefined,
    private readonly topN = 10,
  ) {}

  /** Feed records in merged order; records before `from` only update "in force at start". */
  add(r: AuditRecord): void {
    if (this.from !== undefined && r.ts < this.from) {
      // A failed reload leaves the previous set in force: it does not replace it here.
      if (LOAD_TYPES.has(r.type) && r.type !== 'startup' && r.ok !== false) this.before.set(loadKey(r), r);
      return;
    }
    if (this.to !== undefined && r.ts >= this.to) return;
    this.n++;
    this.firstTs ??= r.ts;
    this.lastTs = r.ts;
    this.instances.add(r.instance);
    bump(this.byType, r.type);
    switch (r.type) {
      case 'decision':
        return this.addDecision(r);
      case 'execution':
        return bump(this.executions, s(r.status) || s(o(r.report).status, 'unknown'));
      case 'kill':
      case 'unkill':
        this.kills.push(r);
        return;
      case 'override': {
        const id = s(r.id, '(no id)');
        const list = this.overrides.get(id) ?? [];
        list.push(r);
        this.overrides.set(id, list);
        return;
      }
      case 'shadow_diff':
        this.shadowDiffs++;
        return;
      default:
        if (LOAD_TYPES.has(r.type)) this.loads.push(r);
    }
  }

  private addDecision(r: AuditRecord): void {
    const kind = recordOutcome(r) ?? 'unknown';
    bump(this.byOutcome, kind);
    const trace = o(r.decision).trace;
    for (const t of Array.isArray(trace) ? trace : []) {
      const e = o(t);
      if (e.outcome === 'pass' || typeof e.ruleId !== 'string') continue;
      const slot = (this.byRule[e.ruleId] ??= { enforce: 0, shadow: 0, outcomes: {} });
      if (e.mode === 'shadow') slot.shadow++;
      else slot.enforce++;
      bump(slot.outcomes, s(e.outcome, 'unknown'));
    }
    const code = s(o(r.decision).code);
    if (kind === 'deny' && code) bump(this.codes, code);
    if (kind === 'deny') this.keepTop(this.denied, orderRow(r));
    if (kind === 'modify') this.keepTop(this.capped, orderRow(r));
    const sym = recordSymbol(r);
    const score = o(r.score);
    if (sym) {
      const p = typeof score.probability === 'number' && score.status === 'ok' ? score.probability : null;
      const pts = (this.regimes[sym] ??= []);
      pts.push({ ts: r.ts, probability: p, regime: s(score.regime, 'unknown') });
      if (pts.length > MAX_POINTS) this.regimes[sym] = thin(pts);
    }
  }

  private keepTop(list: OrderRow[], row: OrderRow): void {
    list.push(row);
    list.sort((a, b) => dec(b.notional).cmp(dec(a.notional)) || a.ts - b.ts);
    if (list.length > this.topN) list.pop();
  }

  build(verify: VerifyResult, generatedAt: number): ReportData {
    const denyCodes = Object.entries(this.codes)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .map(([code, count]) => ({
        code,
        count,
        control: isDenyCode(code) ? DENY_CODES[code].control : 'unmapped code',
        text: isDenyCode(code) ? DENY_CODES[code].text : '',
      }));
    return {
      from: this.from,
      to: this.to,
      generatedAt,
      records: this.n,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      byType: this.byType,
      instances: [...this.instances].sort(),
      byOutcome: this.byOutcome,
      byRule: this.byRule,
      denyCodes,
      topDenied: this.denied,
      topCapped: this.capped,
      regimes: this.regimes,
      kills: this.kills,
      loads: this.loads,
      inForceAtStart: [...this.before.values()],
      overrides: [...this.overrides.entries()].map(([overrideId, steps]) => ({ overrideId, steps })),
      executions: this.executions,
      shadowDiffs: this.shadowDiffs,
      verify,
    };
  }
}
