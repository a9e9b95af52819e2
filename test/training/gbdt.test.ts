import { describe, expect, it } from 'vitest';
import { trainGbdt, stagedMargins, DEFAULT_GBDT } from '../../src/training/gbdt.js';
import { createPrng } from '../../src/training/prng.js';
import { ensembleMargin, pathContributions, sigmoid } from '../../src/scoring/tree-ensemble.js';
import type { Matrix } from '../../src/training/matrix.js';

function synth(n: number, seed: number, nanRate = 0): { X: Matrix; y: Float64Array } {
  const r = createPrng(seed);
  const F = 3;
  const data = new Float64Array(n * F);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < F; j++) data[i * F + j] = r.next() * 10;
    if (r.next() < nanRate) data[i * F] = NaN;
    const a = data[i * F] as number;
    // label: x0 > 7, or x0 missing (rows with NaN are positives: the trees must learn that)
    y[i] = Number.isNaN(a) || a > 7 ? 1 : 0;
  }
  return { X: { rows: n, cols: F, data }, y };
}

const params = { ...DEFAULT_GBDT, nTrees: 30, maxDepth: 3, learningRate: 0.3, minChildWeight: 1, maxBins: 32 };

describe('trainGbdt', () => {
  it('learns a threshold on the informative feature', () => {
    const { X, y } = synth(2000, 1);
    const m = trainGbdt(X, y, params);
    expect(sigmoid(ensembleMargin(m, [9, 5, 5]))).toBeGreaterThan(0.9);
    expect(sigmoid(ensembleMargin(m, [2, 5, 5]))).toBeLessThan(0.1);
    const usesX0 = m.trees.filter((t) => t.feature[0] === 0).length;
    expect(usesX0).toBeGreaterThan(m.trees.length / 2);
  });

  it('learns the default direction for NaN from the data', () => {
    const { X, y } = synth(3000, 2, 0.2);
    const m = trainGbdt(X, y, params);
    expect(sigmoid(ensembleMargin(m, [NaN, 5, 5]))).toBeGreaterThan(0.9);
    expect(sigmoid(ensembleMargin(m, [1, 5, 5]))).toBeLessThan(0.1);
  });

  it('is deterministic for a seed and changes with the seed when subsampling', () => {
    const { X, y } = synth(1500, 3, 0.1);
    const a = trainGbdt(X, y, params);
    const b = trainGbdt(X, y, params);
    const c = trainGbdt(X, y, { ...params, seed: 99 });
    const row = [6.9, 3, 4];
    expect(ensembleMargin(a, row)).toBe(ensembleMargin(b, row));
    expect(a.trees.map((t) => Array.from(t.threshold))).toEqual(b.trees.map((t) => Array.from(t.threshold)));
    expect(a.trees.map((t) => Array.from(t.value))).not.toEqual(c.trees.map((t) => Array.from(t.value)));
  });

  it('respects the depth limit and min child weight', () => {
    const { X, y } = synth(1000, 4);
    const m = trainGbdt(X, y, { ...params, maxDepth: 2, minChildWeight: 30 });
    for (const t of m.trees) {
      expect(t.feature.length).toBeLessThanOrEqual(7);
      for (let n = 0; n < t.feature.length; n++)
        if ((t.feature[n] as number) < 0) expect(t.cover[n]).toBeGreaterThanOrEqual(Math.fround(30) - 1e-3);
    }
  });

  it('Saabas contributions add up to the margin', () => {
    const { X, y } = synth(1000, 5, 0.1);
    const m = trainGbdt(X, y, params);
    for (const row of [
      [8, 1, 2],
      [NaN, 4, 4],
      [3, 9, 0],
    ]) {
      const { expected, contributions } = pathContributions(m, row);
      const sum = contributions.reduce((s, v) => s + v, expected);
      expect(sum).toBeCloseTo(ensembleMargin(m, row), 9);
      expect(Math.abs(contributions[0] as number)).toBeGreaterThan(Math.abs(contributions[1] as number));
    }
  });

  it('stagedMargins matches the full model at the last checkpoint', () => {
    const { X, y } = synth(500, 6, 0.1);
    const m = trainGbdt(X, y, params);
    const [, last] = stagedMargins(m, X, [10, 30]);
    for (let i = 0; i < 20; i++)
      expect(last?.[i]).toBeCloseTo(ensembleMargin(m, X.data.subarray(i * 3, i * 3 + 3)), 12);
  });
});
