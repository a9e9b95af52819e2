/** Builders of the audit record bodies the pipeline writes. Kept beside pipeline.ts so the
 * contract of "what a decision record contains" is reviewed with the order of checks. */
import { snapshotJson } from '../core/json.js';
import type {
  Decision,
  ExecutionReport,
  Exposure,
  MarketSnapshot,
  OrderIntent,
  RegimeScore,
  RegimeScorer,
  TradingState,
} from '../core/types.js';

/** The snapshot without its symbol (the record carries it at the top level). */
function marketSection(m: MarketSnapshot): Record<string, unknown> {
  const { symbol: _symbol, ...rest } = snapshotJson(m);
  return rest;
}

export interface DecisionAuditInput {
  intent: OrderIntent;
  market: MarketSnapshot;
  score: RegimeScore;
  exposure: Exposure;
  decision: Decision;
  tradingState: { state: TradingState; reason?: string };
  shadow?: Decision | undefined;
  waitedMs: number;
  scorer: RegimeScorer;
}

export function decisionAuditBody(x: DecisionAuditInput): Record<string, unknown> {
  const { intent, market, score, exposure, decision } = x;
  return {
    intentId: intent.intentId,
    client: intent.clientId,
    account: intent.account,
    venue: intent.venue,
    symbol: intent.symbol,
    intent,
    market: marketSection(market),
    score,
    model: { id: x.scorer.id, sha256: x.scorer.sha256, kind: x.scorer.kind },
    exposure: exposureSummary(exposure),
    tradingState: x.tradingState,
    decision,
    outcome: decision.kind,
    policy: { id: decision.policySetId, sha256: decision.policySha256 },
    ...(x.waitedMs ? { throttleWaitMs: x.waitedMs } : {}),
    ...(x.shadow
      ? {
          shadow: {
            kind: x.shadow.kind,
            code: x.shadow.code ?? null,
            approvedQuantity: x.shadow.approvedQuantity,
            policy: { id: x.shadow.policySetId, sha256: x.shadow.policySha256 },
          },
        }
      : {}),
  };
}

/** The exposure inputs of a decision: the order's own position and the account's totals. The
 * other positions are summarised (their count and maintenance margin are inside the totals):
 * writing every position on every decision would make the record grow with the account. */
function exposureSummary(e: Exposure): Record<string, unknown> {
  const { account, ...rest } = e;
  return {
    ...rest,
    ...(account
      ? {
          account: {
            walletBalance: account.walletBalance,
            availableBalance: account.availableBalance,
            marginBalance: account.marginBalance,
            maintMargin: account.maintMargin,
            marginRatio: Number.isFinite(account.marginRatio) ? account.marginRatio : null,
            positions: account.positions.length,
          },
        }
      : {}),
  };
}

export function executionAuditBody(
  r: ExecutionReport,
  intentId: string | undefined,
  client: string | undefined,
): Record<string, unknown> {
  return { intentId: intentId ?? null, client: client ?? null, symbol: r.symbol, report: r, status: r.status };
}
