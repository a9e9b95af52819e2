import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookState } from '../../src/binance-wire/book-state.js';
import type { DepthDiff, Level } from '../../src/binance-wire/source.js';

const level = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5 }))
  .map(([p, q]) => [p, q] as Level);
type Op = { full: boolean; bids: Level[]; asks: Level[] };
const op: fc.Arbitrary<Op> = fc.record({
  full: fc.boolean(),
  bids: fc.array(level, { maxLength: 8 }),
  asks: fc.array(level, { maxLength: 8 }),
});

function applyTo(side: Map<number, number>, levels: readonly Level[]): void {
  for (const [p, q] of levels) q === 0 ? side.delete(p) : side.set(p, q);
}

describe('BookState', () => {
  it('snapshot + every later diff reproduces the book, and pu chains to the previous u', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 6 }), fc.array(op, { minLength: 1, maxLength: 12 }), (before, after) => {
        const book = new BookState();
        const run = (o: Op, t: number) => (o.full ? book.replace(t, o.bids, o.asks) : book.apply(t, o.bids, o.asks));
        before.forEach((o, i) => run(o, i));
        const snap = book.snapshot(1000);
        const bids = new Map(snap.bids.map(([p, q]) => [p, q]));
        const asks = new Map(snap.asks.map(([p, q]) => [p, q]));
        let lastU = snap.lastUpdateId;
        after.forEach((o, i) => {
          const d: DepthDiff | undefined = run(o, 100 + i);
          if (!d) return;
          expect(d.prevFinalUpdateId).toBe(lastU);
          expect(d.firstUpdateId).toBe(lastU + 1);
          expect(d.finalUpdateId).toBeGreaterThanOrEqual(d.firstUpdateId);
          lastU = d.finalUpdateId;
          applyTo(bids, d.bids);
          applyTo(asks, d.asks);
        });
        const end = book.snapshot(1000);
        expect(end.lastUpdateId).toBe(lastU);
        expect([...bids.entries()].sort((a, b) => b[0] - a[0])).toEqual(end.bids);
        expect([...asks.entries()].sort((a, b) => a[0] - b[0])).toEqual(end.asks);
      }),
      { numRuns: 300 },
    );
  });

  it('publishes nothing for a no-op change', () => {
    const book = new BookState();
    book.replace(1, [[10, 1]], [[11, 1]]);
    expect(book.replace(2, [[10, 1]], [[11, 1]])).toBeUndefined();
    expect(book.apply(3, [[9, 0]], [])).toBeUndefined();
  });
});
