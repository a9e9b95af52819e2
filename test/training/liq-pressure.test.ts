/** The liquidation-pressure feature is known at the bar's close: a day counts only after it closes. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dailyLiquidations, liqPressureColumns, parseLiqCsv, type LiqRow } from '../../src/training/liq-pressure.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function days(n: number, seed: number): LiqRow[] {
  let s = seed;
  const next = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 1e7;
  return Array.from({ length: n }, (_, k) => ({ time: T0 + k * DAY, long: next(), short: next() }));
}

describe('liquidation pressure', () => {
  it('a bar sees only days closed by its close: changing a later day changes nothing before its close (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 31, max: 58 }), fc.integer({ min: 0, max: 23 }), (d, hour) => {
        const base = days(60, 7);
        const changed = base.map((r, k) => (k === d ? { ...r, long: r.long * 50 + 1e9, short: 0 } : r));
        // bars closing inside day d (and at its very end, 24:00 excluded) cannot see day d
        const t = [T0 + d * DAY + (hour + 1) * 3_600_000 - (hour === 23 ? 1 : 0)];
        const a = liqPressureColumns(t, base);
        const b = liqPressureColumns(t, changed);
        expect(b.liq_long_ratio_30d[0]).toBe(a.liq_long_ratio_30d[0]);
        expect(b.liq_short_ratio_30d[0]).toBe(a.liq_short_ratio_30d[0]);
        // from day d's close on, it does
        const after = [T0 + (d + 1) * DAY];
        expect(liqPressureColumns(after, changed).liq_long_ratio_30d[0]).not.toBe(
          liqPressureColumns(after, base).liq_long_ratio_30d[0],
        );
      }),
      { numRuns: 60 },
    );
  });

  it('is the log ratio of the last closed day to the median of the 30 days before it; NaN without history', () => {
    const flat: LiqRow[] = Array.from({ length: 40 }, (_, k) => ({ time: T0 + k * DAY, long: 1e6, short: 2e6 }));
    flat[35] = { time: T0 + 35 * DAY, long: 1e7 + 9e3, short: 2e6 };
    const c = liqPressureColumns([T0 + 36 * DAY + 3_600_000, T0 + 10 * DAY], flat);
    expect(c.liq_long_ratio_30d[0]).toBeCloseTo(Math.log(10), 9);
    expect(c.liq_short_ratio_30d[0]).toBeCloseTo(0, 12);
    expect(c.liq_long_ratio_30d[1]).toBeNaN(); // 9 days of history < 20
  });

  it('extends the daily series with complete 4 h days only; the shipped files agree on their overlap', () => {
    const d = [{ time: T0, long: 1, short: 2 }];
    const h = [
      ...Array.from({ length: 6 }, (_, k) => ({ time: T0 + DAY + k * 4 * 3_600_000, long: 1, short: 1 })),
      ...Array.from({ length: 5 }, (_, k) => ({ time: T0 + 2 * DAY + k * 4 * 3_600_000, long: 1, short: 1 })),
    ];
    expect(dailyLiquidations(d, h)).toEqual([d[0], { time: T0 + DAY, long: 6, short: 6 }]);
    const read = (f: string): LiqRow[] =>
      parseLiqCsv(gunzipSync(readFileSync(`data/coinglass_multi_liq_oi/${f}`)).toString('utf8'), f);
    const daily = read('binance_liquidations_1d_BTC.csv.gz');
    const four = read('binance_liquidations_4h_BTC.csv.gz');
    const merged = dailyLiquidations(daily, four);
    expect(merged.length).toBeGreaterThan(daily.length + 150);
    // on the overlap, the 4 h sums match the daily file (median ratio ~1; the PROVENANCE check)
    const fromFour = dailyLiquidations([], four);
    const byDay = new Map(fromFour.map((r) => [r.time, r]));
    const ratios = daily
      .filter((r) => byDay.has(r.time) && r.long > 0)
      .map((r) => (byDay.get(r.time) as LiqRow).long / r.long)
      .sort((a, b) => a - b);
    expect(ratios.length).toBeGreaterThan(150);
    expect(Math.abs((ratios[ratios.length >> 1] as number) - 1)).toBeLessThan(0.01);
  });

  it('rejects a malformed row with the file and line', () => {
    expect(() =>
      parseLiqCsv('time,aggregated_long_liquidation_usd,aggregated_short_liquidation_usd\n1,x,2\n', 'f.csv'),
    ).toThrow(/f\.csv:2/);
  });
});
