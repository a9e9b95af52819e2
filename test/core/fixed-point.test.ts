import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addFixed,
  cmpFixed,
  fixedText,
  maxFixed,
  mulFixed,
  mulText,
  subFixed,
  toFixed,
} from '../../src/core/fixed-point.js';
import { Decimal } from '../../src/core/decimal.js';

/** Decimal strings like the order path carries: up to 15 integer and 12 fraction digits, signed. */
const decText = fc
  .tuple(
    fc.boolean(),
    fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }),
    fc.integer({ min: 0, max: 12 }),
    fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }),
  )
  .map(([neg, int, fd, frac]) => {
    const f = fd ? '.' + frac.toString().padStart(12, '0').slice(0, fd) : '';
    return (neg && (int > 0n || /[1-9]/.test(f)) ? '-' : '') + int.toString() + f;
  });
/** Floats as they arrive from market data (marks, prices), including exponent spellings. */
const float = fc.oneof(
  fc.double({ min: -1e9, max: 1e9, noNaN: true }),
  fc.constantFrom(1e-7, 2.5e-10, 123456789.125, 0.1, 0.2, -0, 5e21),
);

/** The fixed-point product is exact; decimal.js rounds past 40 significant digits (half even).
 * Equal whenever decimal.js is exact; otherwise decimal.js is the exact product rounded. */
function expectProduct(exact: string, dj: InstanceType<typeof Decimal>): void {
  const e = new Decimal(exact);
  if (e.sd() <= 40) expect(exact).toBe(dj.toFixed());
  else expect(e.toSD(40).toFixed()).toBe(dj.toFixed());
}

describe('fixed-point decimals equal decimal.js', () => {
  it('add, sub, mul, compare, max on decimal strings', () => {
    fc.assert(
      fc.property(decText, decText, (a, b) => {
        const A = new Decimal(a),
          B = new Decimal(b);
        expect(fixedText(toFixed(a))).toBe(A.toFixed());
        expect(fixedText(addFixed(a, b))).toBe(A.plus(B).toFixed());
        expect(fixedText(subFixed(a, b))).toBe(A.minus(B).toFixed());
        expectProduct(fixedText(mulFixed(a, b)), A.mul(B));
        expect(cmpFixed(a, b)).toBe(A.cmp(B));
        expect(fixedText(maxFixed(a, b))).toBe(Decimal.max(A, B).toFixed());
      }),
      { numRuns: 2000 },
    );
  });

  it('a quantity times a float price, as decimal.js reads the number', () => {
    fc.assert(
      fc.property(decText, float, (q, px) => {
        expectProduct(mulText(q, px), new Decimal(q).mul(px));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects what is not a decimal', () => {
    for (const bad of ['', '1.', '.5', '1e', 'abc', '0x10', ' 1']) expect(() => toFixed(bad)).toThrow(TypeError);
    expect(() => toFixed(Number.NaN)).toThrow(TypeError);
    expect(() => toFixed(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});
