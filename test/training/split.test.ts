/** The data rule as code: held-out symbols never fit; fitted label windows end by the cut minus the
 * embargo; evaluation rows lie in the evaluation window. Property-tested on random datasets. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/training/dataset.js';
import { splitRows } from '../../src/training/train-run.js';
import { HELD_OUT, TIERS, UNIVERSE } from '../../src/training/universe.js';

const H = 3_600_000;

function dataset(spec: { sym: string; start: number; n: number }[]): Dataset {
  const symbol: string[] = [];
  const t: number[] = [];
  const le: number[] = [];
  for (const s of spec)
    for (let k = 0; k < s.n; k++) {
      symbol.push(s.sym);
      t.push(s.start + k * H);
      le.push(k >= s.n - 4 ? NaN : s.start + (k + 4) * H);
    }
  const z = new Float64Array(t.length);
  return {
    names: [],
    cols: 0,
    data: new Float64Array(0),
    symbol,
    t: Float64Array.from(t),
    down: z,
    up: z,
    labelEnd: Float64Array.from(le),
    barRange: z,
    close: z,
    high: z,
    low: z,
    barMs: H,
  };
}

describe('universe', () => {
  it('43 symbols in three tiers; more than a quarter held out, in every tier', () => {
    expect(new Set(UNIVERSE).size).toBe(43);
    expect(HELD_OUT.length).toBeGreaterThanOrEqual(43 / 4);
    for (const t of ['major', 'mid', 'small'] as const) expect(HELD_OUT.some((s) => TIERS[t].includes(s))).toBe(true);
    expect(HELD_OUT.every((s) => UNIVERSE.includes(s))).toBe(true);
  });
});

describe('splitRows (property)', () => {
  it('respects the held-out group, the cut, the embargo and the evaluation window', () => {
    const cut = Date.UTC(2025, 6, 1);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sym: fc.constantFrom('A/USDT:USDT', 'B/USDT:USDT', 'C/USDT:USDT'),
            start: fc.integer({ min: -400, max: 200 }),
            n: fc.integer({ min: 1, max: 600 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 48 }),
        (parts, stride, embH) => {
          const seen = new Set<string>();
          const spec = parts
            .filter((p) => !seen.has(p.sym) && seen.add(p.sym))
            .map((p) => ({ ...p, start: cut + p.start * H }));
          const ds = dataset(spec);
          const evalEnd = cut + 100 * H;
          const s = splitRows(ds, {
            heldOut: ['BUSDT'],
            fitEnd: cut,
            evalStart: cut,
            evalEnd,
            fitStride: stride,
            selection: { folds: [], embargoMs: embH * H, grid: [], checkpoints: [] },
          });
          for (const i of s.fitIdx) {
            expect(ds.symbol[i]).not.toBe('B/USDT:USDT');
            expect((ds.labelEnd[i] as number) + embH * H).toBeLessThanOrEqual(cut);
          }
          for (const [, idx] of s.evalBySymbol)
            for (const i of idx) {
              expect(ds.t[i]).toBeGreaterThanOrEqual(cut);
              expect(ds.t[i]).toBeLessThan(evalEnd);
            }
          for (const i of s.heldOutAll) expect(ds.symbol[i]).toBe('B/USDT:USDT');
          const fitSet = new Set(s.fitIdx);
          for (const [, idx] of s.evalBySymbol) for (const i of idx) expect(fitSet.has(i)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });
});
