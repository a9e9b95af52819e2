/** The child-order plan: pure, lot-exact, deterministic. Children sum exactly to the approved
 * quantity, each is a whole number of lots, ids derive from the parent's clientOrderId and the
 * send times from a seeded jitter, so the same decision always yields the same plan. */
import { Decimal, decimalString, roundToStep, type DecimalString } from '../core/decimal.js';
import type { ChildPlan, InstrumentSpec, Side } from '../core/types.js';
import type { SplitAction } from './types.js';

/** Binance's clientOrderId rule (newClientOrderId): at most 36 of these characters. */
export const CLIENT_ORDER_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const MAX_ID = 36;

/** FNV-1a 32-bit: a cheap, stable hash (ids and jitter seeds, not security). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small seeded PRNG, deterministic across platforms. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `<parent><suffix>` when it fits and is valid, else a shortened parent with a hash of the
 * whole id, so two long parents that share a prefix never collide. */
function deriveClientOrderId(parent: string, suffix = ''): string {
  const whole = parent + suffix;
  if (whole.length <= MAX_ID && CLIENT_ORDER_ID_RE.test(whole)) return whole;
  const hash = fnv1a(parent).toString(36).padStart(7, '0');
  const keep = MAX_ID - suffix.length - hash.length - 1;
  const prefix = parent.replace(/[^.A-Z:/a-z0-9_-]/g, '_').slice(0, Math.max(0, keep));
  return `${prefix}.${hash}${suffix}`;
}

export interface SplitInput {
  readonly intentId: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly quantity: Decimal; // approved, a whole number of lots
  readonly limitPrice?: Decimal;
  readonly refPrice?: Decimal; // for sizing by notional and price protection
  readonly instrument: InstrumentSpec;
  readonly now: number;
}

/** Why no plan could be made; each reason has its own denial code (never a price-collar code). */
type SplitFailure =
  | { ok: false; code: 'SPLIT_LOT_SIZE'; reason: 'quantity_not_on_lot_size' }
  | { ok: false; code: 'SPLIT_NO_PRICE'; reason: 'no_price_for_child_notional' | 'no_reference_price' }
  | { ok: false; code: 'SPLIT_PROTECTION_PRICE'; reason: 'protection_price_not_positive' };
export type SplitResult = { ok: true; children: ChildPlan[] } | SplitFailure;

/** One child carrying the whole order (accept / modify). */
export function singleChild(
  clientOrderId: string,
  quantity: DecimalString,
  now: number,
  price?: DecimalString,
): [ChildPlan] {
  return [
    price
      ? { index: 0, clientOrderId: deriveClientOrderId(clientOrderId), quantity, price, notBefore: now }
      : { index: 0, clientOrderId: deriveClientOrderId(clientOrderId), quantity, notBefore: now },
  ];
}

/** Protective limit for a child: never pay more than ref*(1+d) on a buy or sell below ref*(1-d). */
function protectedPrice(input: SplitInput, pct: number): Decimal | undefined {
  const { refPrice, limitPrice, side, instrument } = input;
  if (!refPrice) return undefined;
  const d = new Decimal(pct).div(100);
  const cap =
    side === 'buy'
      ? roundToStep(refPrice.mul(d.plus(1)), instrument.tickSize, 'down')
      : roundToStep(refPrice.mul(new Decimal(1).minus(d)), instrument.tickSize, 'up');
  if (!limitPrice) return cap;
  return side === 'buy' ? Decimal.min(limitPrice, cap) : Decimal.max(limitPrice, cap);
}

/** Plan the children of a split. The count shrinks when children would fall below the venue's
 * minimum quantity or notional; a single child is returned when no split is possible. */
export function planSplit(input: SplitInput, spec: SplitAction): SplitResult {
  const step = new Decimal(input.instrument.stepSize);
  const lots = input.quantity.div(step);
  if (!lots.isInteger() || lots.lte(0))
    return { ok: false, code: 'SPLIT_LOT_SIZE', reason: 'quantity_not_on_lot_size' };
  const totalLots = BigInt(lots.toFixed(0));
  const sizing = input.limitPrice ?? input.refPrice;

  let perChildLots: bigint | undefined;
  if (spec.child_quantity !== undefined)
    perChildLots = BigInt(new Decimal(spec.child_quantity).div(step).floor().toFixed(0));
  else if (spec.child_notional !== undefined) {
    if (!sizing) return { ok: false, code: 'SPLIT_NO_PRICE', reason: 'no_price_for_child_notional' };
    perChildLots = BigInt(new Decimal(spec.child_notional).div(sizing).div(step).floor().toFixed(0));
  }
  if (perChildLots !== undefined && perChildLots < 1n) perChildLots = 1n;
  let count = perChildLots !== undefined ? (totalLots + perChildLots - 1n) / perChildLots : BigInt(spec.count ?? 1);

  // Venue minimums bound the number of children: each child needs minQty and minNotional.
  let minLots = BigInt(new Decimal(input.instrument.minQty).div(step).ceil().toFixed(0));
  if (sizing && new Decimal(input.instrument.minNotional).gt(0)) {
    const byNotional = BigInt(new Decimal(input.instrument.minNotional).div(sizing).div(step).ceil().toFixed(0));
    if (byNotional > minLots) minLots = byNotional;
  }
  if (minLots < 1n) minLots = 1n;
  const maxCount = totalLots / minLots;
  if (count > maxCount) count = maxCount;
  if (count > 1000n) count = 1000n;
  if (count < 1n) count = 1n;

  let price = input.limitPrice ? decimalString(input.limitPrice) : undefined;
  if (spec.max_price_deviation_pct !== undefined) {
    const p = protectedPrice(input, spec.max_price_deviation_pct);
    if (!p) return { ok: false, code: 'SPLIT_NO_PRICE', reason: 'no_reference_price' };
    if (p.lte(0)) return { ok: false, code: 'SPLIT_PROTECTION_PRICE', reason: 'protection_price_not_positive' };
    price = decimalString(p);
  }
  if (count === 1n)
    return { ok: true, children: singleChild(input.clientOrderId, decimalString(input.quantity), input.now, price) };

  const n = Number(count);
  const base = totalLots / count;
  const extra = Number(totalLots % count); // the first `extra` children get one more lot
  const rand = prng(fnv1a(input.intentId));
  const children: ChildPlan[] = [];
  for (let i = 0; i < n; i++) {
    const childLots = base + (i < extra ? 1n : 0n);
    const jitter = i === 0 || spec.jitterMs === 0 ? 0 : Math.floor(rand() * (spec.jitterMs + 1));
    children.push({
      index: i,
      clientOrderId: deriveClientOrderId(input.clientOrderId, `-c${i + 1}`),
      quantity: decimalString(step.mul(childLots.toString())),
      ...(price ? { price } : {}),
      notBefore: input.now + i * spec.intervalMs + jitter,
    });
  }
  return { ok: true, children };
}
