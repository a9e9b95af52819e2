import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { erfc, normalCdf, touchProbability } from '../../src/account/normal.js';

/** Φ by composite Simpson integration of the density from 0 (independent of erfc). */
function simpsonCdf(z: number): number {
  const n = 20000;
  const h = z / n;
  const pdf = (x: number): number => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  let s = pdf(0) + pdf(z);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * pdf(i * h);
  return 0.5 + (s * h) / 3;
}

describe('normal CDF', () => {
  it('matches numerical integration to 1e-9 across the range (both sides of the series/fraction switch)', () => {
    for (let z = -8; z <= 8; z += 0.37) expect(Math.abs(normalCdf(z) - simpsonCdf(z))).toBeLessThan(1e-9);
  });

  it('matches published table values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14);
  });

  it('keeps relative accuracy in the lower tail', () => {
    // Φ(−6) = 9.865876450377e-10; Mills ratio checks the tail beyond.
    expect(normalCdf(-6) / 9.865876450377e-10).toBeCloseTo(1, 8);
    const z = 10;
    const mills =
      (Math.exp((-z * z) / 2) / (z * Math.sqrt(2 * Math.PI))) * (1 - 1 / (z * z) + 3 / z ** 4 - 15 / z ** 6);
    expect(normalCdf(-z) / mills).toBeCloseTo(1, 4);
  });

  it('is symmetric and erfc(−x) = 2 − erfc(x)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -9, max: 9, noNaN: true }),
        (z) => Math.abs(normalCdf(z) + normalCdf(-z) - 1) < 1e-14 && Math.abs(erfc(-z) - (2 - erfc(z))) < 1e-14,
      ),
    );
  });
});

describe('touch probability (reflection principle)', () => {
  it('is 1 at zero distance and vanishes far away', () => {
    expect(touchProbability(0, 0.05)).toBe(1);
    expect(touchProbability(-0.01, 0.05)).toBe(1);
    expect(touchProbability(1, 0.05)).toBeLessThan(1e-80);
    expect(touchProbability(0.1, 0)).toBe(0);
  });

  it('equals 2·(1 − Φ(d/σ))', () => {
    // d = σ: 2·(1 − 0.8413447460685429) = 0.3173105078629142
    expect(touchProbability(0.05, 0.05)).toBeCloseTo(0.3173105078629142, 12);
    expect(touchProbability(0.1, 0.05)).toBeCloseTo(2 * (1 - normalCdf(2)), 12);
  });

  it('is monotone: falls with distance, rises with volatility', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        (a, b, s) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          // Up to float noise (1e-12 relative): adjacent doubles may round either way.
          return (
            touchProbability(lo, s) >= touchProbability(hi, s) * (1 - 1e-12) &&
            touchProbability(lo, s) <= touchProbability(lo, s * 1.5) * (1 + 1e-12)
          );
        },
      ),
    );
  });

  it('is NaN (unknown) for an unusable sigma', () => {
    expect(touchProbability(0.1, Number.NaN)).toBeNaN();
    expect(touchProbability(0.1, -1)).toBeNaN();
  });
});
