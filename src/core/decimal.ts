import { Decimal as DecimalJs } from 'decimal.js';

/** Decimal arithmetic for money and sizes on the order path. A dedicated constructor so that
 * global Decimal settings elsewhere can never change how orders are rounded. */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Decimal = InstanceType<typeof Decimal>;

/** Limits on what a decimal string on the wire may look like. 40-digit numbers, exponents and
 * signs are rejected before any arithmetic: a typo must never become a huge order. */
export const DECIMAL_LIMITS = { maxIntegerDigits: 15, maxFractionDigits: 12 } as const;

const DECIMAL_RE = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

export type DecimalParse =
  | { ok: true; value: Decimal; text: string }
  | { ok: false; reason: 'not_a_string' | 'not_decimal' | 'too_many_digits' | 'not_positive' };

/** Parse a strictly formatted, positive decimal string ("0.01", "65000.5"). No sign, exponent,
 * whitespace, leading zeros or hex. Returns the canonical text (trailing zeros removed). */
export function parsePositiveDecimal(input: unknown): DecimalParse {
  if (typeof input !== 'string') return { ok: false, reason: 'not_a_string' };
  const m = DECIMAL_RE.exec(input);
  if (!m) return { ok: false, reason: 'not_decimal' };
  const intDigits = m[1]!.length;
  const fracDigits = m[2] ? m[2].length - 1 : 0;
  if (intDigits > DECIMAL_LIMITS.maxIntegerDigits || fracDigits > DECIMAL_LIMITS.maxFractionDigits) {
    return { ok: false, reason: 'too_many_digits' };
  }
  const value = new Decimal(input);
  if (value.lte(0)) return { ok: false, reason: 'not_positive' };
  return { ok: true, value, text: canonical(value) };
}

/** Canonical decimal text: no exponent, no trailing zeros. */
export function canonical(d: Decimal | string | number): string {
  const v = d instanceof Decimal ? d : new Decimal(d);
  return v.toFixed();
}

export const dec = (v: string | number | Decimal): Decimal => (v instanceof Decimal ? v : new Decimal(v));

/** Round down to a multiple of `step` (lot size, tick size). step must be > 0. */
export function floorToStep(value: Decimal | string, step: Decimal | string): Decimal {
  const v = dec(value);
  const s = dec(step);
  return v.div(s).floor().mul(s);
}

/** Round to the nearest multiple of `step`, ties away from zero: used for limit prices on a tick. */
export function roundToStep(
  value: Decimal | string,
  step: Decimal | string,
  mode: 'down' | 'up' | 'nearest' = 'nearest',
): Decimal {
  const v = dec(value);
  const s = dec(step);
  const q = v.div(s);
  const n = mode === 'down' ? q.floor() : mode === 'up' ? q.ceil() : q.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return n.mul(s);
}
