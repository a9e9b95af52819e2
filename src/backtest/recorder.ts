/** Accumulates what one arm of a backtest did: decisions (by regime, action, code and rule, with
 * the notional asked for and approved), equity per step, liquidations from the venue's reports,
 * venue rejects. Pure bookkeeping: the engine feeds it, summary.ts turns it into the report. */
import type { Decision, DecisionKind, ExecutionReport, RegimeLabel } from '../core/types.js';

export interface DecisionRecord {
  readonly ts: number;
  readonly strategy: string;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly reduceOnly: boolean;
  readonly kind: DecisionKind;
  readonly code?: string;
  readonly detail?: string;
  readonly regime: RegimeLabel;
  readonly requestedNotional: number;
  readonly approvedNotional: number;
}

export interface LiquidationRecord {
  readonly ts: number;
  readonly strategy: string;
  readonly symbol: string;
  readonly side: string; // side of the forced order: sell closes a long
  readonly quantity: number;
  readonly price: number;
  readonly notional: number;
  readonly reason?: string;
}

/** A loss limit latched (or released) a scope during the run. */
export interface LatchRecord {
  readonly ts: number;
  readonly level: string;
  readonly id: string;
  readonly state: string;
  readonly reason: string;
}

export interface StrategySeries {
  readonly equity: number[];
  readonly gross: number[]; // |position| notional over all symbols, at the mark
}

export const REGIMES: readonly RegimeLabel[] = ['stable', 'stressed', 'fragile', 'critical', 'unknown'];
export const KINDS: readonly DecisionKind[] = ['accept', 'modify', 'split', 'deny'];
const SAMPLE_LIMIT = 80;
const SAMPLES_PER_BUCKET = 3; // per (regime, action, code): variety over the window, not its first hours

type Counts<K extends string> = Record<K, number>;
const zeroKinds = (): Counts<DecisionKind> => ({ accept: 0, modify: 0, split: 0, deny: 0 });

export interface StrategyTally {
  submitted: number;
  byKind: Counts<DecisionKind>;
  requested: number;
  approved: number;
  venueRejects: Record<string, number>;
  fills: number;
}

export class ArmRecorder {
  readonly byRegime = new Map<RegimeLabel, Counts<DecisionKind>>(REGIMES.map((r) => [r, zeroKinds()]));
  readonly notionalByRegime = new Map<RegimeLabel, { requested: number; approved: number }>(
    REGIMES.map((r) => [r, { requested: 0, approved: 0 }]),
  );
  readonly byCode = new Map<string, number>();
  readonly byRule = new Map<string, number>();
  readonly strategies = new Map<string, StrategyTally>();
  readonly series = new Map<string, StrategySeries>();
  readonly liquidations: LiquidationRecord[] = [];
  readonly latches: LatchRecord[] = [];
  readonly samples: DecisionRecord[] = [];
  readonly heldBackCumulative: number[] = [];
  private heldBack = 0;
  private readonly sampleBuckets = new Map<string, number>();
  private readonly strategyOfAccount = new Map<string, string>();

  constructor(strategies: readonly { name: string; account: string }[]) {
    for (const s of strategies) {
      this.strategies.set(s.name, {
        submitted: 0,
        byKind: zeroKinds(),
        requested: 0,
        approved: 0,
        venueRejects: {},
        fills: 0,
      });
      this.series.set(s.name, { equity: [], gross: [] });
      this.strategyOfAccount.set(s.account, s.name);
    }
  }

  decision(rec: DecisionRecord, decision: Decision): void {
    this.byRegime.get(rec.regime)![rec.kind]++;
    const n = this.notionalByRegime.get(rec.regime)!;
    n.requested += rec.requestedNotional;
    n.approved += rec.approvedNotional;
    this.heldBack += rec.requestedNotional - rec.approvedNotional;
    if (rec.code) this.byCode.set(rec.code, (this.byCode.get(rec.code) ?? 0) + 1);
    // Rules that shaped the order (enforced, matched, not a pass): what the policy actually did.
    for (const t of decision.trace) {
      if (t.mode === 'enforce' && t.matched && t.outcome !== 'pass' && t.outcome !== 'throttle')
        this.byRule.set(t.ruleId, (this.byRule.get(t.ruleId) ?? 0) + 1);
    }
    const s = this.strategies.get(rec.strategy)!;
    s.submitted++;
    s.byKind[rec.kind]++;
    s.requested += rec.requestedNotional;
    s.approved += rec.approvedNotional;
    if (rec.kind !== 'accept' && this.samples.length < SAMPLE_LIMIT) {
      const bucket = `${rec.regime}/${rec.kind}/${rec.code ?? ''}/${rec.strategy}`;
      const n = this.sampleBuckets.get(bucket) ?? 0;
      if (n < SAMPLES_PER_BUCKET) {
        this.sampleBuckets.set(bucket, n + 1);
        this.samples.push(rec);
      }
    }
  }

  /** A rejected child as the pipeline recorded it (the exchange returns a request's reject to
   * the caller instead of emitting it). The venue's own error is in the reason (-2019 margin, ...). */
  venueReject(r: ExecutionReport): void {
    const strategy = this.strategyOfAccount.get(r.account);
    if (!strategy || r.status !== 'rejected') return;
    const s = this.strategies.get(strategy)!;
    const key = /^-\d+/.exec(r.reason ?? '')?.[0] ?? r.code ?? 'rejected';
    s.venueRejects[key] = (s.venueRejects[key] ?? 0) + 1;
  }

  latch(e: { ts: number; scope: { level: string; id: string }; state: string; reason: string }): void {
    this.latches.push({ ts: e.ts, level: e.scope.level, id: e.scope.id, state: e.state, reason: e.reason });
  }

  /** The simulated exchange's report stream: fills (request and resting) and forced liquidations. */
  report(r: ExecutionReport): void {
    const strategy = this.strategyOfAccount.get(r.account);
    if (!strategy) return;
    const s = this.strategies.get(strategy)!;
    if (r.lastFillQuantity && (r.status === 'filled' || r.status === 'partially_filled') && !r.liquidation) s.fills++;
    if (r.liquidation) {
      const quantity = Number(r.filledQuantity);
      const price = Number(r.avgPrice ?? r.lastFillPrice ?? 'NaN');
      this.liquidations.push({
        ts: r.ts,
        strategy,
        symbol: r.symbol,
        side: r.side,
        quantity,
        price,
        notional: quantity * price,
        ...(r.reason ? { reason: r.reason } : {}),
      });
    }
  }

  step(equity: ReadonlyMap<string, { equity: number; gross: number }>): void {
    for (const [name, v] of equity) {
      const s = this.series.get(name)!;
      s.equity.push(v.equity);
      s.gross.push(v.gross);
    }
    this.heldBackCumulative.push(this.heldBack);
  }
}
