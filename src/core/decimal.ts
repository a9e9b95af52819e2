import { Decimal as DecimalJs } from 'decimal.js';
import { fixedText, type Fixed } from './fixed-point.js';

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

/** A canonical decimal string (no exponent, no sign unless negative, no trailing zeros) that went
 * through `parseDecimalString` or was made from an exact value by `decimalString`. Prices and
 * quantities on the order path carry this brand, so a raw wire string cannot reach the venue. */
declare const decimalStringBrand: unique symbol;
export type DecimalString = string & { readonly [decimalStringBrand]: true };

/** Which values an edge accepts: order sizes and prices are `positive`; fills and fees may be 0
 * (`non_negative`); position sizes and PnL are `signed`. */
type DecimalSign = 'positive' | 'non_negative' | 'signed';

interface DecimalParseOptions {
  readonly sign?: DecimalSign;
  /** Digit limits; venue reports (ccxt floats, fees) pass `null`: they are not typed by a person. */
  readonly limits?: { readonly maxIntegerDigits: number; readonly maxFractionDigits: number } | null;
}

type DecimalParseError = 'not_a_string' | 'not_decimal' | 'too_many_digits' | 'not_positive';
export type DecimalParse = { ok: true; value: Decimal; text: DecimalString } | { ok: false; reason: DecimalParseError };

const DECIMAL_RE = /^(-?)(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** The one parser for decimal strings entering the gateway: strictly formatted ("0.01",
 * "65000.5"), no exponent, whitespace, leading zeros or hex, a sign only when `signed`. Returns the
 * value and its canonical branded text (trailing zeros removed), or why it was refused. */
export function parseDecimalString(input: unknown, options: DecimalParseOptions = {}): DecimalParse {
  const sign = options.sign ?? 'positive';
  const limits = options.limits === undefined ? DECIMAL_LIMITS : options.limits;
  if (typeof input !== 'string') return { ok: false, reason: 'not_a_string' };
  const m = DECIMAL_RE.exec(input);
  if (!m) return { ok: false, reason: 'not_decimal' };
  if (m[1] && sign !== 'signed') return { ok: false, reason: 'not_decimal' }; // a sign where none belongs
  const fracDigits = m[3] ? m[3].length - 1 : 0;
  if (limits && (m[2]!.length > limits.maxIntegerDigits || fracDigits > limits.maxFractionDigits)) {
    return { ok: false, reason: 'too_many_digits' };
  }
  const value = new Decimal(input);
  if (sign === 'positive' && value.lte(0)) return { ok: false, reason: 'not_positive' };
  return { ok: true, value, text: decimalString(value) };
}

/** Parse or throw: for values the gateway itself wrote (config defaults, constants). */
export function decimalStringOf(input: string, options?: DecimalParseOptions): DecimalString {
  const r = parseDecimalString(input, { sign: 'signed', limits: null, ...options });
  if (!r.ok) throw new TypeError(`not a decimal string (${r.reason}): ${JSON.stringify(input)}`);
  return r.text;
}

/** Brand an arithmetic result: the only way from an exact value (decimal.js or fixed point) to a
 * `DecimalString`. Numbers are not accepted: a float is never a price. */
export function decimalString(v: Decimal | Fixed): DecimalString {
  return (v instanceof Decimal ? v.toFixed() : fixedText(v)) as DecimalString;
}

export const DECIMAL_ZERO = decimalString(new Decimal(0));

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
