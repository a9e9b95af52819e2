/** Brier skill is against the evaluated rows' own base rate (a base-rate shift is not skill), and
 * the acceptance bar compares with the best SINGLE-signal baseline. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brierSkill } from '../../src/training/metrics.js';
import { acceptance, bestSingle, evaluateSide, type MetricSet } from '../../src/training/evaluation.js';
import { blankLongWindows, featureWindowHours } from '../../src/training/blanking.js';

describe('Brier skill reference', () => {
  it('a constant equal to the evaluated base rate scores exactly 0, whatever the training rate was', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 2, maxLength: 300 }), (bits) => {
        const y: number[] = bits.map((b) => (b ? 1 : 0));
        const rate = y.reduce((s, v) => s + v, 0) / y.length;
        if (rate === 0 || rate === 1) return;
        expect(
          brierSkill(
            y.map(() => rate),
            y,
          ),
        ).toBeCloseTo(0, 12);
        // any other constant (e.g. the training rate after a shift) is worse than no skill
        expect(
          brierSkill(
            y.map(() => rate / 2),
            y,
          ),
        ).toBeLessThan(0);
      }),
    );
  });

  it('bootstrap weights move the reference with the resampled rows', () => {
    const y = [0, 0, 1, 1];
    const w = [3, 0, 1, 0]; // resampled rate 1/4
    expect(brierSkill([0.25, 0.25, 0.25, 0.25], y, w)).toBeCloseTo(0, 12);
  });
});

const ms = (rocAuc: number, prAuc: number, ece = 0): MetricSet => ({
  rocAuc,
  prAuc,
  ece,
  brier: 0,
  brierSkill: 0,
  recallAtBudget: [],
});

describe('acceptance against the best single baseline', () => {
  it('ignores the constant and the logistic regression when picking the best single signal', () => {
    const b = { base_rate: ms(0.5, 0.9), logistic: ms(0.99, 0.99), bar_range: ms(0.7, 0.2), drawdown: ms(0.75, 0.1) };
    expect(bestSingle(b, 'rocAuc')).toEqual({ name: 'drawdown', value: 0.75 });
    expect(bestSingle(b, 'prAuc')).toEqual({ name: 'bar_range', value: 0.2 });
    expect(acceptance(ms(0.8, 0.25, 0.005), b).met).toBe(true);
    expect(acceptance(ms(0.79, 0.25, 0.005), b).rocAucMarginMet).toBe(false);
    expect(acceptance(ms(0.8, 0.249, 0.005), b).prAucRatioMet).toBe(false);
    expect(acceptance(ms(0.8, 0.25, 0.011), b).eceMet).toBe(false);
  });

  it('evaluateSide: a perfect score beats a weak baseline; intervals come from day blocks', () => {
    const n = 24 * 40;
    const t = Float64Array.from({ length: n }, (_, i) => i * 3_600_000);
    const y = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 1 : 0));
    const model = Float64Array.from(y, (v, i) => (v ? 0.9 : 0.01 + (i % 5) * 1e-4));
    const weak = Float64Array.from(y, (_, i) => ((i * 7919) % 97) / 97);
    const r = evaluateSide({
      y,
      t,
      model,
      baselines: { bar_range: weak },
      symbolWeeks: n / 168,
      replicates: 20,
      seed: 3,
    });
    expect(r.model.rocAuc).toBe(1);
    expect(r.acceptance.bestRocAuc.name).toBe('bar_range');
    expect(r.acceptance.rocAucMarginMet && r.acceptance.prAucRatioMet).toBe(true);
    expect(r.model.ci.rocAuc.lo).toBeLessThanOrEqual(r.model.ci.rocAuc.hi);
    expect(r.baselines.bar_range?.diff?.rocAucCi.lo).toBeGreaterThan(0);
  });
});

describe('long-window blanking', () => {
  it('reads the window from the feature name and blanks only windows longer than the limit', () => {
    expect(['rv_24', 'rv_pctl_720', 'funding_z_30d', 'funding_z_7d', 'funding_rate'].map(featureWindowHours)).toEqual([
      24, 720, 720, 168, 0,
    ]);
    const names = ['rv_24', 'rv_168', 'rv_pctl_720', 'funding_rate'];
    const rows = 4000;
    const data = new Float64Array(rows * names.length).fill(1);
    const out = blankLongWindows(data, names, { longFraction: 0.1, weekFraction: 0.05 }, 9);
    expect(
      Buffer.from(out.buffer).equals(
        Buffer.from(blankLongWindows(data, names, { longFraction: 0.1, weekFraction: 0.05 }, 9).buffer),
      ),
    ).toBe(true);
    let long = 0;
    let week = 0;
    for (let r = 0; r < rows; r++) {
      expect(out[r * 4]).toBe(1); // 24 h and instantaneous features are never blanked
      expect(out[r * 4 + 3]).toBe(1);
      if (Number.isNaN(out[r * 4 + 2] as number)) long++;
      if (Number.isNaN(out[r * 4 + 1] as number)) {
        week++;
        expect(out[r * 4 + 2]).toBeNaN();
      }
    }
    expect(long / rows).toBeGreaterThan(0.12);
    expect(long / rows).toBeLessThan(0.18);
    expect(week / rows).toBeGreaterThan(0.03);
    expect(week / rows).toBeLessThan(0.07);
  });
});
