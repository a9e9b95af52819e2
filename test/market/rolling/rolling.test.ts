import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Ring,
  RollingStats,
  RollingExtreme,
  RollingPercentile,
  Ewma,
  DecayingIntensity,
} from '../../../src/market/rolling/index.js';

const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.integer({ min: -5, max: 5 }).map((x) => x),
);
const series = fc.array(value, { minLength: 1, maxLength: 300 });
const win = fc.integer({ min: 1, max: 40 });

const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, scale);

function naiveWindow(xs: number[], i: number, n: number): number[] | undefined {
  return i + 1 >= n ? xs.slice(i + 1 - n, i + 1) : undefined;
}

describe('Ring', () => {
  it('at(k) is the value pushed k steps ago', () => {
    fc.assert(
      fc.property(series, win, (xs, n) => {
        const r = new Ring(n);
        xs.forEach((x, i) => {
          r.push(x);
          for (let k = 0; k < n + 1; k++) expect(r.at(k)).toBe(k <= i && k < n ? xs[i - k] : NaN);
        });
      }),
    );
  });
});

describe('RollingStats', () => {
  it('sum, mean and variance match a naive recomputation over the window', () => {
    fc.assert(
      fc.property(series, win, (xs, n) => {
        const s = new RollingStats(n);
        xs.forEach((x, i) => {
          s.push(x);
          const w = naiveWindow(xs, i, n);
          if (!w) return expect(Number.isNaN(s.mean())).toBe(true);
          const scale = Math.max(...w.map(Math.abs));
          const mean = w.reduce((a, b) => a + b, 0) / n;
          expect(close(s.sum(), mean * n, scale * n)).toBe(true);
          expect(close(s.mean(), mean, scale)).toBe(true);
          if (n > 1) {
            const v = w.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
            expect(Math.abs(s.variance() - v)).toBeLessThanOrEqual(1e-7 * Math.max(1, scale * scale));
          }
        });
      }),
    );
  });

  it('a dominant value leaving the window leaves no rounding residue behind (fast-check counterexample)', () => {
    const xs = [184966.6074096684, -14494.72775011028, 0, 0, 0, 2, 0, 0];
    const s = new RollingStats(6);
    xs.forEach((x) => s.push(x));
    const w = xs.slice(-6);
    const m = w.reduce((a, b) => a + b, 0) / 6;
    const v = w.reduce((a, b) => a + (b - m) ** 2, 0) / 5;
    expect(Math.abs(s.variance() - v)).toBeLessThanOrEqual(1e-12);
  });

  it('stays accurate for a large offset over many re-anchors', () => {
    const s = new RollingStats(10);
    const xs: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const x = 1e9 + Math.sin(i) * 1e-3;
      xs.push(x);
      s.push(x);
    }
    const w = xs.slice(-10);
    const m = w.reduce((a, b) => a + b, 0) / 10;
    const v = w.reduce((a, b) => a + (b - m) ** 2, 0) / 9;
    expect(Math.abs(s.variance() - v) / v).toBeLessThan(1e-4);
  });

  it('a NaN makes the statistics NaN exactly while it is inside the window', () => {
    fc.assert(
      fc.property(fc.array(fc.option(value, { nil: NaN }), { minLength: 1, maxLength: 120 }), win, (xs, n) => {
        const s = new RollingStats(n);
        xs.forEach((x, i) => {
          s.push(x);
          const w = naiveWindow(xs, i, n);
          const expectNaN = !w || w.some((v) => Number.isNaN(v));
          expect(Number.isNaN(s.mean())).toBe(expectNaN);
        });
      }),
    );
  });
});

describe('RollingExtreme', () => {
  it('max and min equal the naive extreme of the values held', () => {
    fc.assert(
      fc.property(series, win, (xs, n) => {
        const mx = new RollingExtreme(n, 'max');
        const mn = new RollingExtreme(n, 'min');
        xs.forEach((x, i) => {
          mx.push(x);
          mn.push(x);
          const w = xs.slice(Math.max(0, i + 1 - n), i + 1);
          expect(mx.value()).toBe(Math.max(...w));
          expect(mn.value()).toBe(Math.min(...w));
          expect(mx.full).toBe(i + 1 >= n);
        });
      }),
    );
  });
});

describe('RollingPercentile', () => {
  it('rank(x) is the fraction of window values <= x; quantile picks a window value', () => {
    fc.assert(
      fc.property(series, win, fc.double({ min: -1e6, max: 1e6, noNaN: true }), (xs, n, probe) => {
        const p = new RollingPercentile(n);
        xs.forEach((x, i) => {
          p.push(x);
          const w = naiveWindow(xs, i, n);
          if (!w) return expect(Number.isNaN(p.rank(x))).toBe(true);
          for (const q of [x, probe]) expect(p.rank(q)).toBe(w.filter((v) => v <= q).length / n);
          const sorted = [...w].sort((a, b) => a - b);
          expect(p.quantile(0.5)).toBe(sorted[Math.floor(0.5 * n)]);
        });
      }),
    );
  });
});

describe('Ewma and DecayingIntensity', () => {
  it('Ewma.push follows the recursive definition', () => {
    fc.assert(
      fc.property(series, fc.double({ min: 0.01, max: 1, noNaN: true }), (xs, a) => {
        const e = new Ewma(a);
        let ref = NaN;
        for (const x of xs) {
          ref = Number.isNaN(ref) ? x : ref + a * (x - ref);
          expect(e.push(x)).toBeCloseTo(ref, 6);
        }
      }),
    );
  });

  it('DecayingIntensity equals the naive sum of half-life-decayed weights', () => {
    const ev = fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 1e6, noNaN: true })), {
      maxLength: 50,
    });
    fc.assert(
      fc.property(ev, fc.integer({ min: 1, max: 5000 }), (pairs, h) => {
        const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
        const d = new DecayingIntensity(h);
        for (const [t, w] of sorted) d.add(w, t);
        const at = (sorted.at(-1)?.[0] ?? 0) + 777;
        const ref = sorted.reduce((s, [t, w]) => s + w * Math.pow(2, -(at - t) / h), 0);
        expect(Math.abs(d.valueAt(at) - ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, ref));
      }),
    );
  });
});
