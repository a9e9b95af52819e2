import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adverseMoveLabels, volScaledThresholds } from '../../src/training/labels.js';
import { walkForwardFolds } from '../../src/training/folds.js';

const H = 3_600_000;
function bars(closes: number[], highs?: number[], lows?: number[], gapAt?: number) {
  return {
    openTime: closes.map((_, i) => (i + (gapAt !== undefined && i >= gapAt ? 1 : 0)) * H),
    intervalMs: H,
    close: closes,
    high: highs ?? closes,
    low: lows ?? closes,
  };
}

describe('adverseMoveLabels', () => {
  it('marks a long at risk when a future low reaches close * (1 - X) within H bars', () => {
    // close 100; bar 3 wicks to 94.9 (-5.1%) -> rows 0..2 see it within 4 bars? row 0 sees bars 1..4
    const closes = [100, 100, 100, 100, 100, 100, 100];
    const lows = [100, 99, 98, 94.9, 100, 100, 100];
    const l = adverseMoveLabels(bars(closes, closes, lows), 2, 0.05);
    expect(Array.from(l.down)).toEqual([0, 1, 1, 0, 0, NaN, NaN]);
    expect(Array.from(l.up)).toEqual([0, 0, 0, 0, 0, NaN, NaN]);
    expect(l.labelEnd[0]).toBe(3 * H);
  });

  it('marks shorts at risk on highs, exactly at the boundary', () => {
    const closes = [100, 100, 100, 100];
    const highs = [100, 100, 105, 100];
    const l = adverseMoveLabels(bars(closes, highs, closes), 1, 0.05);
    expect(Array.from(l.up)).toEqual([0, 1, 0, NaN]);
  });

  it('leaves the last H bars and windows across a gap unlabeled', () => {
    const closes = [100, 100, 100, 100, 100, 100];
    const l = adverseMoveLabels(bars(closes, closes, closes, 3), 2, 0.05);
    // gap between index 2 and 3: rows 1 and 2 cross it
    expect(Array.from(l.down).map(Number.isNaN)).toEqual([false, true, true, false, true, true]);
  });

  it('accepts per-row (volatility-scaled) thresholds', () => {
    const closes = [100, 101, 100, 101, 100, 101, 90, 100];
    const th = volScaledThresholds(closes, 3, 1, 2);
    expect(th[2]).toBeNaN();
    expect(th[3]).toBeGreaterThan(0);
    const l = adverseMoveLabels(bars(closes), 1, th);
    expect(l.down[5]).toBe(1); // 101 -> 90 is far beyond 2 sigma
    expect(l.down[3]).toBe(0);
  });
});

describe('walkForwardFolds purging and embargo', () => {
  it('no training label window overlaps or comes within the embargo of the validation span', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 300 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 10, max: 200 }),
        fc.integer({ min: 5, max: 80 }),
        fc.boolean(),
        (n, horizon, embargoBars, vStart, vLen, useFuture) => {
          const t = Array.from({ length: n }, (_, i) => (i + 1) * H); // close times
          const labelEnd = t.map((ti, i) => (i + horizon < n ? ti + horizon * H : NaN));
          const start = vStart * H;
          const end = (vStart + vLen) * H;
          const [f] = walkForwardFolds(t, labelEnd, [{ name: 'f', start, end }], embargoBars * H, useFuture);
          for (const i of f!.train) {
            const a = t[i]!;
            const b = labelEnd[i]!;
            expect(b <= start || a >= end).toBe(true); // label window (a, b] ends by the span start
            if (b <= start) expect(b + embargoBars * H).toBeLessThanOrEqual(start);
            else expect(a).toBeGreaterThanOrEqual(end + embargoBars * H);
            expect(Number.isFinite(b)).toBe(true);
          }
          for (const i of f!.valid) expect(t[i]! >= start && t[i]! < end).toBe(true);
          const trainSet = new Set(f!.train);
          for (const i of f!.valid) expect(trainSet.has(i)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps every past row whose label ends early enough', () => {
    const t = Array.from({ length: 20 }, (_, i) => (i + 1) * H);
    const labelEnd = t.map((x) => x + 4 * H);
    const [f] = walkForwardFolds(t, labelEnd, [{ name: 'f', start: 15 * H, end: 20 * H }], 4 * H);
    // labelEnd + 4h <= 15h  <=>  t <= 7h  -> indices 0..6
    expect(Array.from(f!.train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
