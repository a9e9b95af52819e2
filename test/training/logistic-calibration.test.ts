import { describe, expect, it } from 'vitest';
import { trainLogistic, logisticPredict, choleskySolve } from '../../src/training/logistic.js';
import { fitPlatt, applyPlatt } from '../../src/training/calibration.js';
import { createPrng } from '../../src/training/prng.js';
import { dayBlockWeights, percentileInterval } from '../../src/training/bootstrap.js';

describe('logistic regression', () => {
  it('solves a linear system by Cholesky', () => {
    const x = choleskySolve(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
  });

  it('recovers the sign of effects and imputes NaN by the training median with an indicator', () => {
    const r = createPrng(7);
    const n = 4000;
    const data = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = r.next() * 4 - 2;
      const b = r.next() * 4 - 2;
      data[i * 2] = a;
      data[i * 2 + 1] = i % 10 === 0 ? NaN : b;
      y[i] = r.next() < 1 / (1 + Math.exp(-(2 * a - 1 * b))) ? 1 : 0;
    }
    const m = trainLogistic({ rows: n, cols: 2, data }, y);
    expect(m.indicatorCols).toEqual([1]);
    expect(m.weights[0]).toBeGreaterThan(0);
    expect(m.weights[1]).toBeLessThan(0);
    const p = logisticPredict(m, { rows: 3, cols: 2, data: Float64Array.from([2, 0, -2, 0, 0, NaN]) });
    expect(p[0]).toBeGreaterThan(0.9);
    expect(p[1]).toBeLessThan(0.1);
    expect(Number.isFinite(p[2])).toBe(true);
  });
});

describe('Platt calibration', () => {
  it('recovers a known scale and offset', () => {
    const r = createPrng(11);
    const n = 20000;
    const m = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      m[i] = r.next() * 8 - 4;
      y[i] = r.next() < 1 / (1 + Math.exp(-(0.5 * (m[i] as number) - 1))) ? 1 : 0;
    }
    const c = fitPlatt(m, y);
    expect(c.a).toBeCloseTo(0.5, 1);
    expect(c.b).toBeCloseTo(-1, 1);
    expect(Math.fround(c.a)).toBe(c.a);
    expect(applyPlatt(c, [0])[0]).toBeCloseTo(1 / (1 + Math.exp(-c.b)), 12);
  });
});

describe('day-block bootstrap', () => {
  it('draws whole days: rows of one day share a weight, weights sum to the row count per day draw', () => {
    const times = Array.from({ length: 72 }, (_, i) => i * 3_600_000); // 3 days
    const reps = dayBlockWeights(times, 50, 1);
    for (const w of reps) {
      for (let d = 0; d < 3; d++) expect(new Set(Array.from(w.subarray(d * 24, d * 24 + 24))).size).toBe(1);
      expect(w.reduce((s, v) => s + v, 0)).toBe(72);
    }
    expect(dayBlockWeights(times, 5, 1)).toEqual(dayBlockWeights(times, 5, 1));
  });

  it('percentile interval ignores NaN replicates', () => {
    const v = [NaN, ...Array.from({ length: 101 }, (_, i) => i)];
    expect(percentileInterval(v)).toEqual({ lo: 3, hi: 98 });
  });
});
