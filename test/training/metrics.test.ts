import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brier,
  brierSkill,
  expectedCalibrationError,
  recallAtAlarmBudget,
  reliabilityTable,
  rocAuc,
} from '../../src/training/metrics.js';

describe('metrics on hand-made cases', () => {
  it('average precision', () => {
    // ranks: 0.9(1) 0.8(0) 0.7(1) 0.1(0): AP = 0.5*1 + 0.5*(2/3)
    expect(averagePrecision([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0])).toBeCloseTo(0.5 + 1 / 3, 12);
    expect(averagePrecision([0.9, 0.8, 0.7, 0.1], [1, 1, 0, 0])).toBe(1);
    // a tie between a positive and a negative counts as one step at precision 1/2
    expect(averagePrecision([0.5, 0.5], [1, 0])).toBeCloseTo(0.5, 12);
    expect(averagePrecision([0.5, 0.2], [0, 0])).toBeNaN();
  });

  it('weights behave like repeated rows', () => {
    const s = [0.9, 0.8, 0.7, 0.1];
    const y = [1, 0, 1, 0];
    const w = [2, 1, 0, 1];
    expect(averagePrecision(s, y, w)).toBeCloseTo(averagePrecision([0.9, 0.9, 0.8, 0.1], [1, 1, 0, 0]), 12);
    expect(rocAuc(s, y, w)).toBeCloseTo(rocAuc([0.9, 0.9, 0.8, 0.1], [1, 1, 0, 0]), 12);
  });

  it('ROC-AUC with ties', () => {
    expect(rocAuc([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.5, 0.5, 0.5], [1, 0, 0])).toBeCloseTo(0.5, 12);
  });

  it("Brier and skill against the evaluated rows' base rate", () => {
    expect(brier([0.2, 0.8], [0, 1])).toBeCloseTo(0.04, 12);
    // reference: constant 0.5 -> Brier 0.25; skill = 1 - 0.04 / 0.25
    expect(brierSkill([0.2, 0.8], [0, 1])).toBeCloseTo(1 - 0.04 / 0.25, 12);
    expect(brierSkill([0.5, 0.5], [0, 1])).toBeCloseTo(0, 12);
  });

  it('reliability table and ECE', () => {
    const p = [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9];
    const y = [0, 0, 0, 1, 1, 1, 1, 0];
    const t = reliabilityTable(p, y, [0.5]);
    expect(t.map((b) => b.count)).toEqual([4, 4]);
    expect(t[0]?.observedRate).toBeCloseTo(0.25, 12);
    expect(t[1]?.observedRate).toBeCloseTo(0.75, 12);
    expect(expectedCalibrationError(p, y, 2, undefined, [0.5])).toBeCloseTo(0.15, 12);
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0], 2)).toBeCloseTo(0, 12);
  });

  it('recall at a false-alarm budget per symbol-week', () => {
    const s = [0.9, 0.8, 0.7, 0.6, 0.5];
    const y = [1, 0, 1, 0, 1];
    // 2 symbol-weeks, budget 0.5/week -> 1 false alarm allowed: flag 0.9, 0.8, 0.7 -> recall 2/3
    const r = recallAtAlarmBudget(s, y, 2, 0.5);
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.falseAlarms).toBe(1);
    expect(r.threshold).toBe(0.7);
    expect(recallAtAlarmBudget(s, y, 2, 0).recall).toBeCloseTo(1 / 3, 12);
  });
});
