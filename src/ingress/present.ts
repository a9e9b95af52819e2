/** Wire views of internal values: what bots and operators see. */
import type { Decision, Exposure, RegimeScore } from '../core/types.js';
import type { ParentOrder } from '../execution/order-store.js';

export function presentRegime(s: RegimeScore): Record<string, unknown> {
  if (s.status === 'unavailable') {
    return {
      symbol: s.symbol,
      status: s.status,
      regime: s.regime,
      reason: s.reason,
      scorer: s.scorer,
      ...(s.modelId ? { modelId: s.modelId } : {}),
      asOf: s.asOf,
    };
  }
  return {
    symbol: s.symbol,
    status: s.status,
    regime: s.regime,
    probability: s.probability,
    pDown: s.pDown,
    pUp: s.pUp,
    horizonHours: s.horizonHours,
    scorer: s.scorer,
    modelId: s.modelId,
    modelSha256: s.modelSha256,
    asOf: s.asOf,
    contributions: s.contributions.map((c) => ({
      feature: c.feature,
      value: Number.isFinite(c.value) ? c.value : null,
      contribution: c.contribution,
    })),
    ...(s.note ? { note: s.note } : {}),
  };
}

export function presentDecision(d: Decision): Record<string, unknown> {
  return {
    kind: d.kind,
    ...(d.code ? { code: d.code } : {}),
    ...(d.detail ? { detail: d.detail } : {}),
    originalQuantity: d.originalQuantity,
    approvedQuantity: d.approvedQuantity,
    ...(d.approvedPrice ? { approvedPrice: d.approvedPrice } : {}),
    policy: { id: d.policySetId, sha256: d.policySha256 },
    trace: d.trace,
  };
}

const finite = (v: number | undefined): number | null =>
  v !== undefined && Number.isFinite(v) ? Number(v.toPrecision(8)) : null;

/** Liquidation and margin facts of the order: what the position looks like after the fill. */
export function presentRisk(e: Exposure): Record<string, unknown> {
  return {
    postFillQuantity: e.postFillQuantity,
    liquidationPriceAfterFill: e.liquidationPriceAfterFill ?? null,
    distanceToLiquidationPct: finite(e.distanceToLiquidationPct),
    distanceToLiquidationVol: finite(e.distanceToLiquidationVol),
    touchProbability: finite(e.touchProbability),
    marginRatio: finite(e.account?.marginRatio),
    marginRatioAfterFill: finite(e.marginRatioAfterFill),
    postFillLeverage: finite(e.postFillLeverage),
  };
}

export function presentOrder(p: ParentOrder, regime?: RegimeScore, exposure?: Exposure): Record<string, unknown> {
  return {
    intentId: p.intentId,
    clientOrderId: p.intent.clientOrderId,
    client: p.intent.clientId,
    symbol: p.intent.symbol,
    side: p.intent.side,
    type: p.intent.type,
    status: p.status,
    filledQuantity: p.filledQuantity,
    ...(p.avgPrice ? { avgPrice: p.avgPrice } : {}),
    decision: presentDecision(p.decision),
    regime: regime ? presentRegime(regime) : { regime: p.regime },
    ...(exposure ? { risk: presentRisk(exposure) } : {}),
    children: p.children.map((c) => ({
      clientOrderId: c.plan.clientOrderId,
      quantity: c.plan.quantity,
      ...(c.plan.price ? { price: c.plan.price } : {}),
      notBefore: c.plan.notBefore,
      status: c.status,
      filledQuantity: c.filledQuantity,
      ...(c.avgPrice ? { avgPrice: c.avgPrice } : {}),
      ...(c.venueOrderId ? { venueOrderId: c.venueOrderId } : {}),
      ...(c.code ? { code: c.code } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
    })),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
