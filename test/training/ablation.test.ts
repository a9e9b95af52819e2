import { describe, expect, it } from 'vitest';
import { OI_LIQ_FEATURES, runAblation, splitRows } from '../../src/training/ablation.js';
import { runOiAblation } from '../../src/training/ablation-run.js';
import { buildSymbolDataset } from '../../src/training/dataset.js';
import type { BarEvent, MarketEvent } from '../../src/core/types.js';

const H = 3_600_000;
const BASE = ['ret_1', 'ret_4', 'ret_24', 'rv_24', 'drawdown_24', 'rally_24', 'volume_z_168'];

/** Synthetic hourly BTC bars with OI and liquidation events; seeded LCG, no wall clock. */
function synthetic(hours: number): { bars: BarEvent[]; side: MarketEvent[] } {
  let s = 12345;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const bars: BarEvent[] = [];
  const side: MarketEvent[] = [];
  const t0 = Date.UTC(2025, 10, 1);
  let c = 90_000;
  let oi = 8e9;
  for (let i = 0; i < hours; i++) {
    const o = c;
    c = o * (1 + (rnd() - 0.5) * 0.03);
    const openTime = t0 + i * H;
    bars.push({
      type: 'bar',
      symbol: 'BTC/USDT:USDT',
      ts: openTime + H,
      openTime,
      intervalMs: H,
      open: o,
      high: Math.max(o, c) * (1 + rnd() * 0.01),
      low: Math.min(o, c) * (1 - rnd() * 0.01),
      close: c,
      volume: 1000 + rnd() * 500,
    });
    oi *= 1 + (rnd() - 0.5) * 0.01;
    side.push({ type: 'openInterest', symbol: 'BTC/USDT:USDT', ts: openTime + H, openInterestValue: oi });
    for (const sd of ['sell', 'buy'] as const)
      side.push({
        type: 'liquidation',
        symbol: 'BTC/USDT:USDT',
        ts: openTime + H,
        side: sd,
        notional: rnd() * 1e6,
        price: NaN,
        quantity: NaN,
        aggregatedMs: H,
      });
  }
  return { bars, side };
}

describe('OI/liquidation ablation', () => {
  const { bars, side } = synthetic(24 * 40);
  const ds = buildSymbolDataset({ symbol: 'BTC/USDT:USDT', bars, side }, { thresholdPct: 1, horizonHours: 4 });
  const split = {
    rowsFrom: Date.UTC(2025, 10, 10),
    rowsTo: Date.UTC(2025, 11, 10),
    fitLabelEnd: Date.UTC(2025, 10, 28),
    testFrom: Date.UTC(2025, 10, 28),
  };

  it('fits both arms on identical rows; arm B is arm A plus exactly the OI/liquidation features', () => {
    const r = runAblation(ds, { split, baseFeatures: BASE, replicates: 20, seed: 1 });
    expect(r.featuresA).toEqual(BASE);
    expect(r.featuresB.slice(0, BASE.length)).toEqual(BASE);
    expect(r.featuresB.slice(BASE.length)).toEqual([...OI_LIQ_FEATURES]);
    for (const s of ['down', 'up'] as const) {
      expect(r.sides[s].testProbA.length).toBe(r.testIdx.length);
      expect(r.sides[s].testProbB.length).toBe(r.testIdx.length);
      expect(r.sides[s].diff.prAuc.value).toBeCloseTo(r.sides[s].b.prAuc - r.sides[s].a.prAuc, 12);
    }
    // the extra features are populated, so the comparison is not vacuous
    for (const n of OI_LIQ_FEATURES) expect(r.coverage[n]!.test).toBeGreaterThan(0.5);
  });

  it('splits without overlap: fit label windows end by the boundary, test rows start at it, straddlers purged', () => {
    const { fitIdx, testIdx, purged } = splitRows(ds, split);
    expect(fitIdx.length).toBeGreaterThan(0);
    expect(testIdx.length).toBeGreaterThan(0);
    expect(purged).toBe(3); // 4-bar label: bar closes at T-3h..T-1h straddle the boundary
    for (const i of fitIdx) expect(ds.labelEnd[i]!).toBeLessThanOrEqual(split.fitLabelEnd);
    for (const i of testIdx) expect(ds.t[i]!).toBeGreaterThanOrEqual(split.testFrom);
    expect(new Set([...fitIdx, ...testIdx]).size).toBe(fitIdx.length + testIdx.length);
  });

  it('is deterministic and arms differ only through the features', () => {
    const a = runAblation(ds, { split, baseFeatures: BASE, replicates: 20, seed: 1 });
    const b = runAblation(ds, { split, baseFeatures: BASE, replicates: 20, seed: 1 });
    expect(Array.from(b.sides.down.testProbB)).toEqual(Array.from(a.sides.down.testProbB));
    expect(b.sides.up.diff).toEqual(a.sides.up.diff);
    // with no extra features, B is A exactly: same rows, params and seed
    const same = runAblation(ds, { split, baseFeatures: BASE, extraFeatures: [], replicates: 20, seed: 1 });
    expect(Array.from(same.sides.down.testProbB)).toEqual(Array.from(same.sides.down.testProbA));
  });

  it('rejects a feature the engine does not produce', () => {
    expect(() =>
      runAblation(ds, { split, baseFeatures: [...BASE, 'no_such_feature'], replicates: 5, seed: 1 }),
    ).toThrow(/no_such_feature/);
  });

  it('runs on the real BTC data for a small slice (same rows for both arms)', async () => {
    const r = await runOiAblation({
      dataDir: 'data',
      modelsDir: 'models',
      labels: [{ thresholdPct: 2, horizonHours: 4 }],
      replicates: 10,
      seed: 1,
      rowsFrom: Date.UTC(2026, 1, 1),
      rowsTo: Date.UTC(2026, 2, 20),
    });
    const x = r.runs[0]!.result;
    expect(x.featuresA).toHaveLength(20);
    expect(x.featuresB).toEqual([...x.featuresA, ...OI_LIQ_FEATURES]);
    expect(x.sides.down.testProbA.length).toBe(x.testIdx.length);
    expect(x.sides.down.testProbB.length).toBe(x.testIdx.length);
    expect(r.notes.some((n) => n.startsWith('openInterest') && !n.includes('skipped'))).toBe(true);
  }, 30_000);
});
