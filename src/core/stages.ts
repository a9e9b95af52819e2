/** The small interfaces through which pipeline.ts talks to each stage. Implementations live in
 * their stage folders; tests inject fakes or real ones. */
import type { Decision, MarketEvent, MarketSnapshot, RiskContext, TradingState } from './types.js';

/** market/: rolling features per symbol, fed by any MarketEvent source. */
export interface MarketView {
  ingest(event: MarketEvent): void;
  /** Snapshot of one symbol at `now`; a symbol never seen gives a snapshot flagged NO_DATA. */
  snapshot(symbol: string, now: number): MarketSnapshot;
  symbols(): readonly string[];
}

/** policy/: pure evaluation of one order against the enforcing policy set. */
export interface PolicyEvaluator {
  readonly id: string;
  readonly sha256: string;
  evaluate(ctx: RiskContext): Decision;
}

/** Where trading state (kill switch, reduce-only, halt) comes from, per scope. */
export interface TradingStateView {
  stateFor(scope: { clientId: string; account: string; venue: string; symbol: string }): {
    state: TradingState;
    reason?: string;
  };
}

export type AuditEventType =
  | 'startup'
  | 'config_load'
  | 'policy_load'
  | 'model_load'
  | 'decision'
  | 'execution'
  | 'kill'
  | 'unkill'
  | 'override'
  | 'shadow_diff'
  | 'latch'
  | 'alert';

/** audit/: the append-only, hash-chained log. append() is synchronous: when it returns, the
 * record is on disk (written BEFORE any venue I/O for decisions). */
export interface AuditAppender {
  append(type: AuditEventType, body: Readonly<Record<string, unknown>>): { seq: number; hash: string };
  close(): Promise<void>;
}
