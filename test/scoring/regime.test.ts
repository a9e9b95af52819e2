import { describe, expect, it } from 'vitest';
import { nextRegime, rawLevel, type RegimeState } from '../../src/scoring/regime.js';

const T = { stressed: 0.1, fragile: 0.2, critical: 0.4 };
const H = { margin: 0.02, deescalateAfterBars: 2 };
const run = (ps: number[], h = H): string[] => {
  let s: RegimeState | undefined;
  return ps.map((p) => (s = nextRegime(s, p, T, h)).regime);
};

describe('regime with hysteresis', () => {
  it('maps thresholds', () => {
    expect([0.05, 0.1, 0.25, 0.5].map((p) => rawLevel(p, T))).toEqual([0, 1, 2, 3]);
  });
  it('escalates immediately, skipping levels', () => {
    expect(run([0.01, 0.45])).toEqual(['stable', 'critical']);
  });
  it('stays inside the margin band and de-escalates after N consecutive updates below threshold - margin', () => {
    expect(run([0.25, 0.19, 0.19, 0.19])).toEqual(['fragile', 'fragile', 'fragile', 'fragile']); // 0.19 > 0.2 - 0.02
    expect(run([0.25, 0.15, 0.15])).toEqual(['fragile', 'fragile', 'stressed']);
    expect(run([0.25, 0.15, 0.19, 0.15])).toEqual(['fragile', 'fragile', 'fragile', 'fragile']); // the streak broke
    expect(run([0.5, 0.01, 0.01])).toEqual(['critical', 'critical', 'stable']);
    expect(run([0.5, 0.01], { margin: 0, deescalateAfterBars: 1 })).toEqual(['critical', 'stable']);
  });
});
