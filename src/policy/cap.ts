/** The cap action: the largest size that satisfies every limit of one rule, floored to the lot
 * size; below the venue minimums it becomes a denial (BELOW_MIN_NOTIONAL). */
import { Decimal, floorToStep } from '../core/decimal.js';
import type { DenyCode, DenyParams } from '../core/deny-codes.js';
import type { Regime, RegimeLabel } from '../core/types.js';
import { regimeFor } from './conditions.js';
import type { Facts } from './facts.js';
import type { CapAction, Limit } from './types.js';

export type CapOutcome =
  | { readonly kind: 'pass'; readonly params: DenyParams }
  | { readonly kind: 'modify'; readonly approved: Decimal; readonly code: DenyCode; readonly params: DenyParams }
  | { readonly kind: 'deny'; readonly code: DenyCode; readonly params: DenyParams };

/** The limit that applies in a regime. 'unknown' reads its own entry, else the rule's
 * unknown_as entry, else critical, else the most restrictive entry of the table. A regime
 * without an entry has no limit. */
export function resolveLimit(limit: Limit, regime: RegimeLabel, unknownAs: Regime | undefined): Decimal | undefined {
  if (typeof limit === 'string') return new Decimal(limit);
  if (regime !== 'unknown') {
    const v = limit[regime];
    return v === undefined ? undefined : new Decimal(v);
  }
  if (limit.unknown !== undefined) return new Decimal(limit.unknown);
  if (unknownAs) return limit[unknownAs] === undefined ? undefined : new Decimal(limit[unknownAs]!);
  if (limit.critical !== undefined) return new Decimal(limit.critical);
  const values = Object.values(limit).map((v) => new Decimal(v!));
  return values.length ? Decimal.min(...values) : undefined;
}

const DEFAULT_CODE = { notional: 'MAX_ORDER_NOTIONAL', quantity: 'MAX_ORDER_QUANTITY', leverage: 'LEVERAGE_LIMIT' } as const;

export function applyCap(ruleId: string, action: CapAction, unknownAs: Regime | undefined, f: Facts): CapOutcome {
  const { ctx, qty } = f;
  let binding: { kind: 'notional' | 'quantity' | 'leverage'; limit: Decimal; maxQty: Decimal; table: boolean } | undefined;
  for (const kind of ['notional', 'quantity', 'leverage'] as const) {
    const spec = action[kind];
    if (spec === undefined) continue;
    const limit = resolveLimit(spec, f.regime, unknownAs);
    if (!limit) continue;
    const table = typeof spec !== 'string';
    const code: DenyCode = action.code ?? (kind === 'notional' && table ? 'REGIME_NOTIONAL_CAP' : DEFAULT_CODE[kind]);
    let maxQty: Decimal;
    if (kind === 'quantity') maxQty = limit;
    else if (kind === 'notional') {
      const price = f.orderPrice;
      if (!price) return { kind: 'deny', code, params: { rule: ruleId, reason: 'no_price' } };
      maxQty = limit.div(price);
    } else {
      // Leverage of this symbol's position after the fill, against the account's margin balance.
      const equity = ctx.exposure.account ? new Decimal(ctx.exposure.account.marginBalance) : undefined;
      const mark = f.refPrice;
      if (!equity || equity.lte(0) || !mark) return { kind: 'deny', code, params: { rule: ruleId, reason: 'no_margin_or_mark' } };
      const s = ctx.intent.side === 'buy' ? 1 : -1;
      const current = new Decimal(ctx.exposure.postFillQuantity).minus(qty.mul(s));
      maxQty = limit.mul(equity).div(mark).minus(current.mul(s));
    }
    if (!binding || maxQty.lt(binding.maxQty)) binding = { kind, limit, maxQty, table };
  }
  if (!binding) return { kind: 'pass', params: { rule: ruleId, reason: 'no_limit_in_regime' } };
  const base: Record<string, string | number | boolean> = { rule: ruleId };
  if (binding.table) base.regime = f.regime;
  base[`${binding.kind}Limit`] = binding.limit.toFixed();
  if (binding.maxQty.gte(qty)) return { kind: 'pass', params: base };
  const code: DenyCode = action.code ?? (binding.kind === 'notional' && binding.table ? 'REGIME_NOTIONAL_CAP' : DEFAULT_CODE[binding.kind]);
  if (binding.limit.isZero()) return { kind: 'deny', code, params: base };
  const inst = ctx.instrument;
  const approved = binding.maxQty.gt(0) ? floorToStep(binding.maxQty, inst.stepSize) : new Decimal(0);
  const params = { ...base, original: qty.toFixed(), approved: approved.toFixed() };
  const price = f.orderPrice;
  if (approved.lte(0) || approved.lt(inst.minQty) || (price && approved.mul(price).lt(inst.minNotional))) {
    return { kind: 'deny', code: 'BELOW_MIN_NOTIONAL', params: { ...params, minQty: inst.minQty, minNotional: inst.minNotional, capCode: code } };
  }
  return { kind: 'modify', approved, code, params };
}
