/** What the dashboard remembers about recent decisions: the inputs the pipeline saw (market
 * snapshot, regime score), the venue reports per order, and counters per outcome and per rule.
 * Fed by a PipelineObserver; bounded (oldest forgotten first: the audit log is the durable record). */
import type { Decision, ExecutionReport, MarketSnapshot, OrderIntent, RegimeScore, RuleMode } from '../core/types.js';
import { presentRegime } from '../ingress/present.js';
import type { PipelineObserver } from '../pipeline.js';

export interface JournalEntry {
  readonly intentId: string;
  readonly client: string;
  readonly symbol: string;
  readonly intent: OrderIntent;
  readonly decision: Decision;
  readonly score: Record<string, unknown>;
  readonly market: Record<string, unknown>;
  readonly reports: ExecutionReport[];
}

export interface RuleCounter {
  readonly ruleId: string;
  readonly mode: RuleMode;
  matched: number;
  readonly outcomes: Record<string, number>;
}

const finite = (rec: Readonly<Record<string, number>>): Record<string, number | null> =>
  Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));

export function presentInputs(m: MarketSnapshot): Record<string, unknown> {
  return { asOf: m.asOf, ageMs: m.ageMs, mark: m.mark ?? null, last: m.last ?? null, bid: m.bid ?? null, ask: m.ask ?? null, flags: m.flags, degraded: m.degraded, missing: m.missing, features: finite(m.features) };
}

export class DecisionJournal {
  private readonly entries = new Map<string, JournalEntry>();
  readonly outcomes: Record<string, number> = {};
  private readonly rules = new Map<string, RuleCounter>();
  total = 0;

  constructor(private readonly capacity = 5000, private readonly reportsPerOrder = 50) {}

  readonly observer: PipelineObserver = {
    onDecision: (intent, decision, score, market) => this.recordDecision(intent, decision, score, market),
    onReport: (report, parent) => (parent ? this.recordReport(parent.intentId, report) : undefined),
  };

  recordDecision(intent: OrderIntent, decision: Decision, score: RegimeScore, market: MarketSnapshot): void {
    this.total++;
    this.outcomes[decision.kind] = (this.outcomes[decision.kind] ?? 0) + 1;
    for (const t of decision.trace) {
      let c = this.rules.get(t.ruleId);
      if (!c) this.rules.set(t.ruleId, (c = { ruleId: t.ruleId, mode: t.mode, matched: 0, outcomes: {} }));
      if (!t.matched) continue;
      c.matched++;
      c.outcomes[t.outcome] = (c.outcomes[t.outcome] ?? 0) + 1;
    }
    this.entries.set(intent.intentId, { intentId: intent.intentId, client: intent.clientId, symbol: intent.symbol, intent, decision, score: presentRegime(score), market: presentInputs(market), reports: [] });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  recordReport(intentId: string, r: ExecutionReport): void {
    const e = this.entries.get(intentId);
    if (!e) return;
    e.reports.push(r);
    if (e.reports.length > this.reportsPerOrder) e.reports.shift();
  }

  get(intentId: string): JournalEntry | undefined {
    return this.entries.get(intentId);
  }

  /** Rules that matched at least once come first, then by id. */
  ruleCounters(): RuleCounter[] {
    return [...this.rules.values()].sort((a, b) => Number(b.matched > 0) - Number(a.matched > 0) || a.ruleId.localeCompare(b.ruleId));
  }
}
