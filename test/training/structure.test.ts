/** Issue 14: the touch base (reflection-principle start margin, served by onnxruntime from the
 * graph) and the monotone constraints on the volatility features. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { trainGbdt, DEFAULT_GBDT, stagedMargins } from '../../src/training/gbdt.js';
import { createPrng } from '../../src/training/prng.js';
import { exportOnnx } from '../../src/training/onnx-export.js';
import { decodeOnnx } from '../../src/scoring/onnx-decode.js';
import { createSessionFromBytes } from '../../src/scoring/onnx-session.js';
import { calibratedProbability, ensembleMargin, pathContributions } from '../../src/scoring/tree-ensemble.js';
import { touchLogit } from '../../src/scoring/touch-base.js';
import type { Matrix } from '../../src/training/matrix.js';

/** erfc by Simpson integration of exp(-t^2) (independent of the Chebyshev form under test). */
function erfcRef(x: number): number {
  const n = 20_000;
  const b = x + 12;
  const h = (b - x) / n;
  let s = Math.exp(-x * x) + Math.exp(-b * b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((x + i * h) ** 2));
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}

const BARRIER = -Math.log(0.95);
const H = 4;
const K = BARRIER / Math.sqrt(2 * H);

/** Rows: x0 = per-bar volatility sigma, x1 = noise. y ~ Bernoulli(2 * P(touch)) (fat tails). */
function volData(n: number, seed: number, sigmaMax = 0.02): { X: Matrix; y: Float64Array } {
  const r = createPrng(seed);
  const data = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = 0.002 + r.next() * (sigmaMax - 0.002);
    data[i * 2] = r.next() < 0.05 ? NaN : s;
    data[i * 2 + 1] = r.next();
    const p = Math.min(0.95, 2 * erfcApprox(K / s));
    y[i] = r.next() < p ? 1 : 0;
  }
  return { X: { rows: n, cols: 2, data }, y };
}
const erfcApprox = (x: number): number => Math.exp(touchLogit(K / x, K)) / (1 + Math.exp(touchLogit(K / x, K)));

const params = { ...DEFAULT_GBDT, nTrees: 30, maxDepth: 3, learningRate: 0.2, minChildWeight: 5, maxBins: 32 };
const touch = { feature: 0, barrier: BARRIER, horizonBars: H };

describe('touch base', () => {
  it('is the reflection-principle probability 2(1 - Phi(b / (sigma sqrt h))) (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.004, max: 0.2, noNaN: true }), (sigma) => {
        const P = erfcRef(BARRIER / (sigma * Math.sqrt(2 * H)));
        const expected = Math.log(Math.min(P, 0.99) / (1 - Math.min(P, 0.99)));
        expect(Math.abs(touchLogit(sigma, K) - expected)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected)));
      }),
      { numRuns: 200 },
    );
  });

  it('rises with sigma, is finite at the extremes and NaN only for a missing sigma', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-5, max: 1, noNaN: true }),
        fc.double({ min: 1.001, max: 10, noNaN: true }),
        (s, f) => {
          expect(touchLogit(s * f, K)).toBeGreaterThanOrEqual(touchLogit(s, K));
        },
      ),
    );
    for (const s of [0, 1e-12, 1e3, Infinity]) expect(Number.isFinite(touchLogit(s, K))).toBe(true);
    expect(touchLogit(NaN, K)).toBeNaN();
  });

  it('extrapolates: beyond the training volatility the score keeps rising; plain trees go flat', () => {
    const { X, y } = volData(6000, 11);
    const withBase = trainGbdt(X, y, params, { touch });
    const plain = trainGbdt(X, y, params);
    const at = (m: typeof plain, s: number): number => ensembleMargin(m, [s, 0.5]);
    expect(at(withBase, 0.06)).toBeGreaterThan(at(withBase, 0.02) + 0.5);
    expect(at(plain, 0.06)).toBe(at(plain, 0.02)); // the last leaf
    expect(withBase.base?.a1).toBeGreaterThan(0);
  });

  it('onnxruntime serves the same probability as the TS model, NaN/zero/huge sigma included; contributions add up', async () => {
    const { X, y } = volData(4000, 12);
    const m = trainGbdt(X, y, params, { touch, monotone: [1, 0] });
    const cal = { a: Math.fround(0.9), b: Math.fround(-0.1) };
    const onnx = exportOnnx({ down: { model: m, calibration: cal }, up: { model: m, calibration: cal } }, 2, 'test');
    const decoded = decodeOnnx(onnx).sides.down.model;
    expect(decoded.base).toEqual(m.base);
    const rows = [
      [NaN, 0.3],
      [0, 0.3],
      [1e-7, 0.1],
      [0.001, 0.9],
      [0.005, 0.5],
      [0.012, 0.2],
      [0.03, 0.7],
      [0.5, 0.5],
      [50, 0.5],
    ];
    const r = createPrng(3);
    for (let i = 0; i < 300; i++) rows.push([r.next() * 0.04, r.next()]);
    const s = await createSessionFromBytes(onnx, 2, 'features', 'test');
    const out = await s.run(Float32Array.from(rows.flat()), rows.length);
    await s.release();
    rows.forEach((row, k) => {
      const ts = calibratedProbability(decoded, cal, row);
      expect(Math.abs((out.pDown[k] as number) - ts)).toBeLessThan(1e-5);
      const { expected, contributions } = pathContributions(decoded, row);
      expect(contributions.reduce((a, v) => a + v, expected)).toBeCloseTo(ensembleMargin(decoded, row), 9);
    });
    // the base's share goes to sigma: a high-vol row credits sigma more than a low-vol row
    const hi = pathContributions(decoded, [0.03, 0.5]).contributions[0] as number;
    const lo = pathContributions(decoded, [0.003, 0.5]).contributions[0] as number;
    expect(hi).toBeGreaterThan(lo);
  });

  it('stagedMargins starts from the touch base', () => {
    const { X, y } = volData(1500, 13);
    const m = trainGbdt(X, y, params, { touch });
    const [last] = stagedMargins(m, X, [params.nTrees]);
    for (let i = 0; i < 30; i++) expect(last?.[i]).toBeCloseTo(ensembleMargin(m, X.data.subarray(i * 2, i * 2 + 2)), 9);
  });
});

describe('monotone constraints', () => {
  /** y rises with x0 except a dip in the middle (a non-monotone truth the trees would follow). */
  function dip(n: number, seed: number): { X: Matrix; y: Float64Array } {
    const r = createPrng(seed);
    const data = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = r.next() * 10;
      data[i * 3] = r.next() < 0.05 ? NaN : a;
      data[i * 3 + 1] = r.next() * 10;
      data[i * 3 + 2] = r.next() * 10;
      const p = a > 4 && a < 6 ? 0.05 : a / 12;
      y[i] = r.next() < p ? 1 : 0;
    }
    return { X: { rows: n, cols: 3, data }, y };
  }
  const margins = (m: ReturnType<typeof trainGbdt>, x1: number, x2: number): number[] =>
    Array.from({ length: 101 }, (_, k) => ensembleMargin(m, [k / 10, x1, x2]));
  const nonDecreasing = (v: number[]): boolean => v.every((x, k) => k === 0 || x >= (v[k - 1] as number) - 1e-12);

  it('the constrained score never falls as the feature rises, whatever the other inputs (property)', () => {
    const { X, y } = dip(5000, 21);
    const m = trainGbdt(X, y, params, { monotone: [1, 0, 0] });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), (a, b) => {
        expect(nonDecreasing(margins(m, a, b))).toBe(true);
      }),
    );
  });

  it('without the constraint the same data gives a non-monotone score (the test can fail)', () => {
    const { X, y } = dip(5000, 21);
    const m = trainGbdt(X, y, params);
    expect(nonDecreasing(margins(m, 5, 5))).toBe(false);
  });

  it('a -1 constraint gives a non-increasing score, and together with the touch base the sum stays monotone', () => {
    const { X, y } = dip(4000, 22);
    const neg = trainGbdt(X, y, params, { monotone: [-1, 0, 0] });
    const v = margins(neg, 3, 3);
    expect(v.every((x, k) => k === 0 || x <= (v[k - 1] as number) + 1e-12)).toBe(true);
    const vol = volData(4000, 23);
    const both = trainGbdt(vol.X, vol.y, params, { touch, monotone: [1, 0] });
    const s = Array.from({ length: 60 }, (_, k) => ensembleMargin(both, [0.001 * (k + 1), 0.5]));
    expect(nonDecreasing(s)).toBe(true);
  });
});

describe('liqguard train with the structure', () => {
  it('the graph carries both sides touch bases, the card names sigma and compares the refits on the same rows', async () => {
    const { trainTiny } = await import('../scoring/tiny-model.js');
    const r = await trainTiny();
    const d = decodeOnnx(r.onnx);
    const tr = r.card.training as Record<string, any>;
    for (const s of ['down', 'up'] as const) {
      const base = d.sides[s].model.base;
      expect(base?.a1).toBeGreaterThan(0);
      expect(r.card.features.names[base?.feature as number]).toBe(tr[s].structure.touchBase.sigmaFeature);
      expect(tr[s].structure.monotoneUp).toContain('rv_24');
    }
    const cmp = (r.card.evaluation as Record<string, any>).structureComparison;
    for (const g of ['all', 'heldOut'])
      for (const s of ['down', 'up']) {
        expect(cmp[g][s].variants.map((v: { name: string }) => v.name)).toEqual([
          'no touch base',
          'no monotone',
          'neither (v2 trees)',
        ]);
        expect(cmp[g][s].rows).toBeGreaterThan(1000);
      }
    expect(r.markdown).toContain('## Touch base and monotone constraints');
  }, 240_000);
});
