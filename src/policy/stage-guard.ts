/** Fail closed on a stage that throws. The pipeline runs the market view, the account read
 * (exposure), the trading-state lookup and the policy through a StageGuard: the first failure is
 * logged and remembered, the stage answers a conservative stand-in, and the order ends in an
 * audited denial whose code names the stage. submit() never throws for a broken dependency. */
import { renderDenial, type DenyCode } from '../core/deny-codes.js';
import type { PolicyEvaluator } from '../core/stages.js';
import type { DenyDecision, Exposure, MarketSnapshot, OrderIntent, TradingState } from '../core/types.js';

export type GuardedStage = 'market' | 'exposure' | 'tradingState' | 'policy';

/** The denial code of each stage's failure (docs/errors.md). */
const STAGE_DENY_CODES: Readonly<Record<GuardedStage, DenyCode>> = {
  market: 'MARKET_DATA_UNAVAILABLE',
  exposure: 'ACCOUNT_UNAVAILABLE',
  tradingState: 'TRADING_STATE_UNAVAILABLE',
  policy: 'POLICY_EVALUATION_FAILED',
};

export interface StageFailure {
  readonly stage: GuardedStage;
  readonly message: string;
}

type Log = { error(obj: object, msg: string): void } | undefined;

export class StageGuard {
  failure: StageFailure | undefined;

  constructor(
    private readonly intent: OrderIntent,
    private readonly logger: Log,
  ) {}

  run<T>(stage: GuardedStage, fn: () => T, standIn: () => T): T {
    try {
      return fn();
    } catch (err) {
      return this.failed(stage, err, standIn);
    }
  }

  async runAsync<T>(stage: GuardedStage, fn: () => Promise<T>, standIn: () => T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      return this.failed(stage, err, standIn);
    }
  }

  /** The denial for the first failed stage (only call when `failure` is set). */
  denial(policy: PolicyEvaluator): DenyDecision {
    const f = this.failure!;
    const code = STAGE_DENY_CODES[f.stage];
    const params = { stage: f.stage, error: f.message.slice(0, 200) };
    return {
      kind: 'deny',
      code,
      detail: renderDenial(code, params),
      params,
      originalQuantity: this.intent.quantity,
      approvedQuantity: '0',
      children: [],
      throttles: [],
      trace: [
        {
          ruleId: `gateway.stage.${f.stage}`,
          action: 'reject',
          mode: 'enforce',
          matched: true,
          outcome: 'deny',
          code,
          params,
        },
      ],
      policySetId: policy.id,
      policySha256: policy.sha256,
    };
  }

  private failed<T>(stage: GuardedStage, err: unknown, standIn: () => T): T {
    const message = err instanceof Error ? err.message : String(err);
    this.failure ??= { stage, message };
    this.logger?.error(
      { err, stage, intentId: this.intent.intentId },
      `pipeline stage ${stage} failed: order denied (fail closed)`,
    );
    return standIn();
  }
}

/** Stand-ins: what the audit record shows for a stage that did not answer. */
export const unavailableSnapshot = (symbol: string, now: number): MarketSnapshot => ({
  symbol,
  asOf: 0,
  ageMs: now,
  features: {},
  missing: [],
  ages: {},
  flags: ['NO_DATA'],
  degraded: true,
});
export const unavailableExposure = (): Exposure => ({
  openOrdersNotional: '0',
  clientNotional: '0',
  postFillQuantity: '0',
  reducesPosition: false,
});
export const unavailableTradingState = (): { state: TradingState; reason?: string } => ({
  state: 'HALTED',
  reason: 'trading state unavailable',
});
