/** The regime history ring against a reference model (the straightforward one: trim to capacity
 * on every point): same points for any sequence of timestamps, including repeats (a point is
 * replaced) and steps back in time (a replay loop restarts the series). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RegimeScore } from '../../src/core/types.js';
import { RegimeHistory, type HistoryPoint } from '../../src/dashboard/history.js';

const score = (p: number): RegimeScore =>
  ({ status: 'ok', regime: p > 0.5 ? 'stressed' : 'stable', probability: p }) as unknown as RegimeScore;

function reference(capacity: number, steps: readonly { ts: number; p: number }[]): HistoryPoint[] {
  const ring: HistoryPoint[] = [];
  for (const { ts, p } of steps) {
    const point = { ts, p, regime: score(p).regime };
    const last = ring[ring.length - 1];
    if (last && ts < last.ts) ring.length = 0;
    if (last && ts === last.ts) ring[ring.length - 1] = point;
    else ring.push(point);
    if (ring.length > capacity) ring.splice(0, ring.length - capacity);
  }
  return ring;
}

describe('RegimeHistory', () => {
  it('keeps the same newest points as trimming on every point', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.record({ dt: fc.integer({ min: -3, max: 5 }), p: fc.double({ min: 0, max: 1, noNaN: true }) }), {
          maxLength: 300,
        }),
        (capacity, moves) => {
          const h = new RegimeHistory(capacity);
          let ts = 1000;
          const steps = moves.map((m) => ({ ts: (ts += m.dt), p: m.p }));
          for (const s of steps) h.add('BTC', s.ts, score(s.p));
          expect(h.history('BTC')).toEqual(reference(capacity, steps));
        },
      ),
      { numRuns: 300 },
    );
  });
});
