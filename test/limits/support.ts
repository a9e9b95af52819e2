/** A fund's hierarchy for the limit tests: desk macro (strategies trend: bot-a, carry: bot-b),
 * desk arb (strategy basis: bot-c), all on account main. */
import type { LossLimitSpec } from '../../src/core/loss-limit.js';
import type { RestingOrderRef } from '../../src/core/limit-view.js';
import { Hierarchy, LimitBook, type LatchEvent } from '../../src/limits/index.js';
import { loadPolicyText } from '../../src/policy/load.js';
import type { PolicySet } from '../../src/policy/types.js';
import { lossLimitSpecs } from '../../src/gateway/limits.js';

const CLIENTS = [
  { id: 'bot-a', account: 'main' },
  { id: 'bot-b', account: 'main' },
  { id: 'bot-c', account: 'main' },
];

function fundHierarchy(dayStart = '00:00', timeZone = 'UTC'): Hierarchy {
  return new Hierarchy(
    {
      firm: 'fund',
      dayStart,
      timeZone,
      desks: [
        {
          id: 'macro',
          strategies: [
            { id: 'trend', clients: ['bot-a'] },
            { id: 'carry', clients: ['bot-b'] },
          ],
        },
        { id: 'arb', strategies: [{ id: 'basis', clients: ['bot-c'] }] },
      ],
    },
    CLIENTS,
  );
}

export function policy(rules: string): PolicySet {
  return loadPolicyText(`id: limits-test\nversion: 1\nrules:\n${rules}`);
}

export function makeBook(
  o: {
    set?: PolicySet;
    specs?: LossLimitSpec[];
    dayStart?: string;
    timeZone?: string;
    resting?: RestingOrderRef[];
  } = {},
): { book: LimitBook; events: LatchEvent[] } {
  const events: LatchEvent[] = [];
  const book = new LimitBook({
    hierarchy: fundHierarchy(o.dayStart, o.timeZone),
    lossLimits: () => o.specs ?? (o.set ? lossLimitSpecs(o.set) : []),
    onLatch: (e) => events.push(e),
    resting: () => o.resting ?? [],
  });
  return { book, events };
}
