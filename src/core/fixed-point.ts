/** Exact decimal arithmetic on scaled BigInts for the hot order path (notional of an order,
 * remaining quantity): string in, canonical string out, no decimal.js objects. A value is
 * `units × 10^-scale`. Add, subtract, multiply and compare are exact, so the results equal
 * decimal.js (precision 40) whenever that is exact too; property-tested against it. decimal.js
 * stays for division, rounding modes and everything off the hot path. */

export interface Fixed {
  readonly units: bigint;
  readonly scale: number;
}

const NUM_RE = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** Parse a decimal string or a finite number (its shortest round-trip spelling, like decimal.js
 * does for numbers). Throws on anything else: callers pass validated quantities and prices. */
export function toFixed(v: string | number): Fixed {
  const s = typeof v === 'number' ? numberText(v) : v;
  const m = NUM_RE.exec(s);
  if (!m) throw new TypeError(`not a decimal: ${JSON.stringify(s)}`);
  const frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  let units = BigInt(m[2]! + frac);
  let scale = frac.length - exp;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: m[1] ? -units : units, scale };
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`not a finite number: ${n}`);
  return Object.is(n, -0) ? '0' : String(n);
}

const align = (a: Fixed, b: Fixed): [bigint, bigint, number] => {
  if (a.scale === b.scale) return [a.units, b.units, a.scale];
  if (a.scale > b.scale) return [a.units, b.units * 10n ** BigInt(a.scale - b.scale), a.scale];
  return [a.units * 10n ** BigInt(b.scale - a.scale), b.units, b.scale];
};

/** Canonical text: no exponent, no trailing zeros, "0" for zero (like Decimal#toFixed()). */
export function fixedText(f: Fixed): string {
  const neg = f.units < 0n;
  let digits = (neg ? -f.units : f.units).toString();
  if (f.scale > 0) {
    digits = digits.padStart(f.scale + 1, '0');
    const cut = digits.length - f.scale;
    const frac = digits.slice(cut).replace(/0+$/, '');
    digits = frac ? `${digits.slice(0, cut)}.${frac}` : digits.slice(0, cut);
  }
  return digits === '0' ? '0' : neg ? `-${digits}` : digits;
}

type In = string | number | Fixed;
const fx = (v: In): Fixed => (typeof v === 'object' ? v : toFixed(v));

export function addFixed(a: In, b: In): Fixed {
  const [x, y, scale] = align(fx(a), fx(b));
  return { units: x + y, scale };
}

export function subFixed(a: In, b: In): Fixed {
  const [x, y, scale] = align(fx(a), fx(b));
  return { units: x - y, scale };
}

export function mulFixed(a: In, b: In): Fixed {
  const x = fx(a),
    y = fx(b);
  return { units: x.units * y.units, scale: x.scale + y.scale };
}

export function cmpFixed(a: In, b: In): -1 | 0 | 1 {
  const [x, y] = align(fx(a), fx(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export const maxFixed = (a: In, b: In): Fixed => (cmpFixed(a, b) >= 0 ? fx(a) : fx(b));

/** The decimal text of a × b: the notional of a quantity at a price. */
export const mulText = (a: string | number, b: string | number): string => fixedText(mulFixed(a, b));
