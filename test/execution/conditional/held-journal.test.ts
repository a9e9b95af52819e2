/** HeldJournal: whatever sequence of holds and ends was written (and a torn last line from a crash
 * mid-append), reopening the file gives exactly the orders still held, and compacts it. */
import fc from 'fast-check';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeldJournal, type HeldRecord } from '../../../src/execution/conditional/held-journal.js';

const record = (id: string): HeldRecord =>
  ({
    intent: { intentId: id, symbol: 'ETH/USDT:USDT', side: 'buy', quantity: '0.1', trigger: { kind: 'stop' } },
    decision: { kind: 'accept', approvedQuantity: '0.1', children: [] },
    regime: 'calm',
    createdAt: 1,
  }) as unknown as HeldRecord;

describe('HeldJournal', () => {
  it('reopening yields exactly the orders held and not ended, in any order of operations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('hold', 'end'), fc.integer({ min: 0, max: 6 })), { maxLength: 40 }),
        fc.boolean(),
        (ops, torn) => {
          const file = join(mkdtempSync(join(tmpdir(), 'lg-held-')), 'state', 'held.jsonl');
          const j = new HeldJournal(file);
          const live = new Set<string>();
          for (const [op, n] of ops) {
            const id = `ord_${n}`;
            if (op === 'hold') {
              j.hold(record(id));
              live.add(id);
            } else {
              j.end(id);
              live.delete(id);
            }
          }
          if (torn) appendFileSync(file, '{"op":"hold","held":{"inte');
          const reopened = new HeldJournal(file);
          expect(
            reopened
              .held()
              .map((r) => r.intent.intentId)
              .sort(),
          ).toEqual([...live].sort());
          // Compacted: one line per order still held.
          expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(live.size);
        },
      ),
      { numRuns: 60 },
    );
  });
});
