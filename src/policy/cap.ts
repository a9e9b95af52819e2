/** The cap action: the largest size that satisfies every limit of one rule, floored to the lot
 * size; below the venue minimums it becomes a denial (BELOW_MIN_NOTIONAL). */
import { Decimal, floorToStep } from '../core/decimal.js';
import type { DenyCode, DenyParams } from '../core/deny-codes.js';
import type { Regime, RegimeLabel } from '../core/types.js';
import { TOL } from './conditions.js';
import type { Facts } from './facts.js';
import type { CapAction, Limit } from './types.js';

export type CapOutcome =
  | { readonly kind: 'pass'; readonly params: DenyParams }
  | { readonly kind: 'modify'; readonly approved: Decimal; readonly code: DenyCode; readonly params: DenyParams }
  | { readonly kind: 'deny'; readonly code: DenyCode; readonly params: DenyParams };

/** The limit that applies in a regime. 'unknown' reads its own entry, else the rule's
 * unknown_as entry, else critical, else the most restrictive entry of the table. A regime
 * without an entry has no limit. */
function resolveLimit(limit: Limit, regime: RegimeLabel, unknownAs: Regime | undefined): Decimal | undefined {
  const t = resolveLimitText(limit, regime, unknownAs);
  return t === undefined ? undefined : d(t);
}

function resolveLimitText(limit: Limit, regime: RegimeLabel, unknownAs: Regime | undefined): string | undefined {
  if (typeof limit === 'string') return limit;
  if (regime !== 'unknown') return limit[regime];
  if (limit.unknown !== undefined) return limit.unknown;
  if (unknownAs) return limit[unknownAs];
  if (limit.critical !== undefined) return limit.critical;
  let min: string | undefined;
  for (const v of Object.values(limit)) if (v !== undefined && (min === undefined || d(v).lt(d(min)))) min = v;
  return min;
}

// Limits are few and immutable: parse each text once (Decimal values are immutable too).
const parsed = new Map<string, Decimal>();
const floats = new WeakMap<Decimal, number>();
function asNumber(v: Decimal): number {
  let x = floats.get(v);
  if (x === undefined) floats.set(v, (x = v.toNumber()));
  return x;
}
function d(text: string): Decimal {
  let v = parsed.get(text);
  if (!v) {
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(text, (v = new Decimal(text)));
  }
  return v;
}

const DEFAULT_CODE = {
  notional: 'MAX_ORDER_NOTIONAL',
  quantity: 'MAX_ORDER_QUANTITY',
  leverage: 'LEVERAGE_LIMIT',
} as const;

/** Float estimate of the largest allowed quantity per limit, or undefined when an input is
 * missing (the exact path then denies). */
function estimates(
  action: CapAction,
  unknownAs: Regime | undefined,
  f: Facts,
):
  | { kind: 'notional' | 'quantity' | 'leverage'; limit: string; table: boolean; est: number; scale: number }[]
  | undefined {
  const out = [];
  for (const kind of ['notional', 'quantity', 'leverage'] as const) {
    const spec = action[kind];
    if (spec === undefined) continue;
    const limit = resolveLimitText(spec, f.regime, unknownAs);
    if (limit === undefined) continue;
    const L = asNumber(d(limit));
    const table = typeof spec !== 'string';
    if (kind === 'quantity') out.push({ kind, limit, table, est: L, scale: Math.abs(L) });
    else if (kind === 'notional') {
      const p = f.orderPriceF;
      if (p === undefined) return undefined;
      out.push({ kind, limit, table, est: L / p, scale: Math.abs(L / p) });
    } else {
      const acct = f.ctx.exposure.account;
      const mark = f.refPriceF;
      const equity = acct ? Number(acct.marginBalance) : NaN;
      if (!(equity > 0) || mark === undefined) return undefined;
      const s = f.ctx.intent.side === 'buy' ? 1 : -1;
      const current = Number(f.ctx.exposure.postFillQuantity) - s * f.qtyF;
      const allowed = (L * equity) / mark;
      out.push({
        kind,
        limit,
        table,
        est: allowed - s * current,
        scale: Math.max(Math.abs(allowed), Math.abs(current)),
      });
    }
  }
  return out;
}

export function applyCap(ruleId: string, action: CapAction, unknownAs: Regime | undefined, f: Facts): CapOutcome {
  // Fast path: when every limit clearly allows the whole order (by more than the float error),
  // and the smallest one is unambiguous, the answer is 'pass' without Decimal arithmetic.
  const est = estimates(action, unknownAs, f);
  if (est) {
    if (!est.length) return { kind: 'pass', params: { rule: ruleId, reason: 'no_limit_in_regime' } };
    const sorted = est.length > 1 ? [...est].sort((a, b) => a.est - b.est) : est;
    const min = sorted[0]!;
    const q = Math.abs(f.qtyF);
    const tolMin = TOL * Math.max(min.scale, q, 1e-300);
    const second = sorted[1];
    const clear =
      min.est - f.qtyF > tolMin &&
      (!second || second.est - min.est > Math.max(tolMin, TOL * Math.max(second.scale, q, 1e-300)));
    if (clear) {
      const params: Record<string, string | number | boolean> = { rule: ruleId };
      if (min.table) params.regime = f.regime;
      params[`${min.kind}Limit`] = min.limit;
      return { kind: 'pass', params };
    }
  }
  return applyCapExact(ruleId, action, unknownAs, f);
}

export function applyCapExact(ruleId: string, action: CapAction, unknownAs: Regime | undefined, f: Facts): CapOutcome {
  const { ctx, qty } = f;
  let binding:
    { kind: 'notional' | 'quantity' | 'leverage'; limit: Decimal; maxQty: Decimal; table: boolean } | undefined;
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
      if (!equity || equity.lte(0) || !mark)
        return { kind: 'deny', code, params: { rule: ruleId, reason: 'no_margin_or_mark' } };
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
  const code: DenyCode =
    action.code ?? (binding.kind === 'notional' && binding.table ? 'REGIME_NOTIONAL_CAP' : DEFAULT_CODE[binding.kind]);
  if (binding.limit.isZero()) return { kind: 'deny', code, params: base };
  const inst = ctx.instrument;
  const approved = binding.maxQty.gt(0) ? floorToStep(binding.maxQty, inst.stepSize) : new Decimal(0);
  const params = { ...base, original: qty.toFixed(), approved: approved.toFixed() };
  const price = f.orderPrice;
  if (approved.lte(0) || approved.lt(inst.minQty) || (price && approved.mul(price).lt(inst.minNotional))) {
    return {
      kind: 'deny',
      code: 'BELOW_MIN_NOTIONAL',
      params: { ...params, minQty: inst.minQty, minNotional: inst.minNotional, capCode: code },
    };
  }
  return { kind: 'modify', approved, code, params };
}
