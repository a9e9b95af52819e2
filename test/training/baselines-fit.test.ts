/** The baselines cannot diverge or turn into step functions (the audit found bar range a ≈ 7.4e12
 * and BTC bar-range ROC-AUC 0.500), proven on the shipped data and by property. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baselineProbabilities, fitBaselines } from '../../src/training/baselines.js';
import { buildSymbolDataset, concatDatasets, type Dataset } from '../../src/training/dataset.js';
import { KLINES_43, fundingPath, klinePath, readFundingFile, readKlineFile } from '../../src/training/data-files.js';
import { rocAuc } from '../../src/training/metrics.js';
import { fitSignalMap, signalProbability } from '../../src/training/signal-fit.js';
import { toUnifiedSymbol } from '../../src/market/symbols.js';
import { logLoss } from '../../src/training/metrics.js';

const SYMBOLS = ['BTCUSDT', 'WIFUSDT'];
const CUT = Date.UTC(2025, 6, 1);

async function shipped(): Promise<Dataset> {
  const funding = await readFundingFile(fundingPath('data'), SYMBOLS);
  const parts: Dataset[] = [];
  for (const s of SYMBOLS) {
    const bars = (await readKlineFile(klinePath('data', s, KLINES_43), s)).filter((b) => b.ts >= Date.UTC(2024, 0, 1));
    parts.push(
      buildSymbolDataset({ symbol: toUnifiedSymbol(s), bars, side: funding }, { thresholdPct: 5, horizonHours: 4 }),
    );
  }
  return concatDatasets(parts);
}

describe('fitted baselines on the shipped 43-market data', () => {
  it('every single-signal baseline is finite, strictly monotone in its signal and ranks like it', async () => {
    const ds = await shipped();
    const labelled = (before: boolean): number[] =>
      Array.from(ds.t.keys()).filter(
        (i) => Number.isFinite(ds.labelEnd[i] as number) && (ds.t[i] as number) < CUT === before,
      );
    const fit = labelled(true);
    const test = labelled(false);
    const names = ['rv_24', 'ret_1', 'drawdown_24', 'rally_24', 'volume_z_168'];
    for (const side of ['down', 'up'] as const) {
      const label = side === 'down' ? ds.down : ds.up;
      const y = Float64Array.from(fit, (i) => label[i] as number);
      const b = fitBaselines(ds, fit, y, side, names);
      const yt = Float64Array.from(test, (i) => label[i] as number);
      const probs = baselineProbabilities(ds, test, b, names);
      for (const [name, s] of Object.entries(b.signals)) {
        expect(Number.isFinite(s.a) && Number.isFinite(s.b), `${side} ${name}`).toBe(true);
        expect(Math.abs(s.a), `${side} ${name} slope`).toBeLessThan(20); // the old fit reached 7.4e12
        const p = probs[name] as Float64Array;
        // ranks like the raw signal (missing -> median), oriented by the sign of the slope
        const raw = Float64Array.from(test, (i, k) => {
          const v =
            s.feature === '@barRange'
              ? (ds.barRange[i] as number)
              : (ds.data[i * ds.cols + ds.names.indexOf(s.feature)] as number);
          void k;
          return Math.sign(s.a) * (Number.isFinite(v) ? v : s.median);
        });
        expect(rocAuc(p, yt), `${side} ${name} ranks`).toBeCloseTo(rocAuc(raw, yt), 3);
        // not a step function: as many distinct probabilities as signal values (the broken bar range had 2)
        expect(new Set(raw).size, `${side} ${name} signal values`).toBeGreaterThan(100);
        expect(new Set(p).size, `${side} ${name} distinct values`).toBeGreaterThanOrEqual(0.99 * new Set(raw).size);
      }
      // a baseline that scores 0.5 is a bug: the volatility signals carry real information
      for (const name of ['bar_range', 'realized_vol', 'drawdown'])
        expect(rocAuc(probs[name] as Float64Array, yt), `${side} ${name}`).toBeGreaterThan(0.6);
    }
  }, 120_000);
});

describe('fitSignalMap (property)', () => {
  it('a subnormal spread with a NaN row stays finite (counterexample found by CI, seed -703482583)', () => {
    const x = [8.881784197001252e-16, 0, 0, 5e-324, 0, Number.NaN];
    const m = fitSignalMap('f', x, [0, 0, 0, 0, 0, 0]);
    for (const v of x) expect(Number.isFinite(signalProbability(m, v))).toBe(true);
  });
  const signal = fc.oneof(
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.constant(Number.NaN),
    fc.double({ min: 0, max: 1e-9, noNaN: true }),
  );
  it('stays finite, never does worse than the base rate, and is monotone in the signal', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(signal, fc.boolean()), { minLength: 2, maxLength: 200 }),
        fc.boolean(),
        (rows, separable) => {
          const x = rows.map(([v]) => v);
          // separable: label = signal above its median (the case that sent the old fit to 1e12)
          const finite = x.filter(Number.isFinite).sort((a, b) => a - b);
          const med = finite.length ? (finite[finite.length >> 1] as number) : 0;
          const y: number[] = rows.map(([v, l]) => (separable ? (Number.isFinite(v) && v > med ? 1 : 0) : l ? 1 : 0));
          const m = fitSignalMap('f', x, y);
          expect(Number.isFinite(m.a) && Number.isFinite(m.b) && m.scale > 0).toBe(true);
          const p = x.map((v) => signalProbability(m, v));
          const rate = y.reduce((s, v) => s + v, 0) / y.length;
          const clamp = Math.min(1 - 1e-6, Math.max(1e-6, rate));
          expect(logLoss(p, y)).toBeLessThanOrEqual(
            logLoss(
              y.map(() => clamp),
              y,
            ) +
              1e-9 +
              (1e-4 * m.a * m.a) / 2,
          );
          const order = finite.map((v) => signalProbability(m, v));
          for (let k = 1; k < order.length; k++)
            expect(Math.sign(m.a) * ((order[k] as number) - (order[k - 1] as number))).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
