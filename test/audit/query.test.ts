import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { DecisionKind } from '../../src/core/types.js';
import { parseAuditQuery } from '../../src/audit/filters.js';
import { queryAudit, type AuditFilters } from '../../src/audit/query.js';
import type { AuditRecord } from '../../src/audit/records.js';
import { decisionBody, executionBody, openLog, T0, tempDir } from './fixtures.js';

/** What the test wrote, kept independently of the code under test. */
interface Written {
  instance: string;
  seq: number;
  ts: number;
  type: string;
  client?: string;
  symbol?: string;
  kind?: DecisionKind;
  rule?: string; // the rule with a non-pass outcome
}

let dir: string;
let cleanup: () => void;
const written: Written[] = [];
const CLIENTS = ['alpha', 'beta', 'gamma'];
const SYMBOLS = ['BTC/USDT:USDT', 'ETH/USDT:USDT'];
const KINDS: DecisionKind[] = ['accept', 'deny', 'modify', 'split'];

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  // Two replicas, interleaved in time, each rotating every ~4 KiB (many files).
  for (const [instance, offset] of [
    ['gw-a', 0],
    ['gw-b', 500],
  ] as const) {
    const clock = new ManualClock(T0 + offset);
    const log = openLog(dir, clock, { instance, rotateBytes: 4096 });
    for (let i = 1; i <= 40; i++) {
      const n = i + (instance === 'gw-b' ? 1000 : 0);
      if (i % 5 === 0) {
        const { seq } = log.append('execution', executionBody(n));
        written.push({ instance, seq, ts: clock.now(), type: 'execution', client: 'alpha', symbol: 'BTC/USDT:USDT' });
      } else {
        const client = CLIENTS[i % 3]!;
        const symbol = SYMBOLS[i % 2]!;
        const kind = KINDS[i % 4]!;
        const rule = kind === 'accept' ? undefined : kind === 'deny' ? 'max-notional' : 'regime-cap';
        const { seq } = log.append(
          'decision',
          decisionBody({
            n,
            client,
            symbol,
            kind,
            ...(rule ? { ruleId: rule } : {}),
            ...(kind === 'deny' ? { code: 'MAX_ORDER_NOTIONAL' as const } : {}),
          }),
        );
        written.push({
          instance,
          seq,
          ts: clock.now(),
          type: 'decision',
          client,
          symbol,
          kind,
          ...(rule ? { rule } : {}),
        });
      }
      clock.advance(1000);
    }
    await log.close();
  }
});
afterAll(() => cleanup());

const key = (r: { instance: string; seq: number }): string => `${r.instance}#${r.seq}`;

function expected(f: AuditFilters): string[] {
  return written
    .filter((w) => (f.from === undefined || w.ts >= f.from) && (f.to === undefined || w.ts < f.to))
    .filter((w) => !f.client || w.client === f.client)
    .filter((w) => !f.symbol || w.symbol === f.symbol)
    .filter((w) => !f.outcome || (w.kind !== undefined && f.outcome.includes(w.kind)))
    .filter((w) => !f.rule || w.rule === f.rule)
    .filter((w) => !f.type || f.type.includes(w.type))
    .sort((a, b) => a.ts - b.ts || (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0) || a.seq - b.seq)
    .map(key);
}

async function all(f: AuditFilters, limit: number): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await queryAudit(dir, f, { cursor, limit });
    pages++;
    keys.push(...page.records.map(key));
    cursor = page.nextCursor ?? undefined;
    expect(page.records.length).toBeLessThanOrEqual(limit);
    if (cursor) expect(page.records.length).toBe(limit);
  } while (cursor);
  return { keys, pages };
}

describe('queryAudit', () => {
  it('merges both instances in (ts, instance, seq) order', async () => {
    const { records } = await queryAudit(dir, {}, { limit: 1000 });
    expect(records.map(key)).toEqual(expected({}));
    expect(records).toHaveLength(80);
    expect(new Set(records.map((r: AuditRecord) => r.instance))).toEqual(new Set(['gw-a', 'gw-b']));
  });

  it.each<[string, AuditFilters]>([
    ['time range', { from: T0 + 10_000, to: T0 + 20_000 }],
    ['client', { client: 'beta' }],
    ['symbol', { symbol: 'ETH/USDT:USDT' }],
    ['outcome', { outcome: ['deny', 'modify'] }],
    ['rule', { rule: 'max-notional' }],
    ['type', { type: ['execution'] }],
    ['combined', { client: 'gamma', outcome: ['deny'], from: T0 + 5000 }],
  ])('filters by %s', async (_name, f) => {
    const exp = expected(f);
    expect(exp.length).toBeGreaterThan(0);
    expect((await all(f, 1000)).keys).toEqual(exp);
  });

  it('a cursor walks every matching record exactly once, for any page size and filter', async () => {
    const filterArb = fc.record(
      {
        client: fc.constantFrom(...CLIENTS),
        outcome: fc.subarray(KINDS, { minLength: 1 }),
        from: fc.integer({ min: T0 - 1000, max: T0 + 40_000 }),
        type: fc.constantFrom(['decision'], ['execution'], ['decision', 'execution']),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filterArb, fc.integer({ min: 1, max: 25 }), async (f, limit) => {
        const exp = expected(f);
        const { keys, pages } = await all(f, limit);
        expect(keys).toEqual(exp);
        expect(pages).toBe(Math.max(1, Math.ceil(exp.length / limit)));
      }),
      { numRuns: 25 },
    );
  });

  it('rejects a forged cursor and an out-of-range limit', async () => {
    await expect(queryAudit(dir, {}, { cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'INVALID_FIELD' });
    await expect(queryAudit(dir, {}, { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_FIELD' });
  });

  it('returns nothing for a directory without segments', async () => {
    const t = tempDir();
    expect(await queryAudit(t.dir, {})).toEqual({ records: [], nextCursor: null });
    t.cleanup();
  });
});

describe('parseAuditQuery', () => {
  it('parses ISO and epoch times, lists, limit and cursor', () => {
    const q = parseAuditQuery({
      from: '2024-03-01T12:00:00Z',
      to: String(T0 + 1000),
      outcome: 'deny,modify',
      type: 'decision',
      client: 'alpha',
      limit: '5',
      cursor: 'abc',
    });
    expect(q).toEqual({
      filters: { from: T0, to: T0 + 1000, outcome: ['deny', 'modify'], type: ['decision'], client: 'alpha' },
      cursor: 'abc',
      limit: 5,
    });
  });

  it('reports every bad field at once', () => {
    let err: unknown;
    try {
      parseAuditQuery({ from: 'yesterday', outcome: 'maybe', type: 'nope', limit: '5000', colour: 'red' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'INVALID_FIELD' });
    const paths = (err as { details: { path: string }[] }).details.map((d) => d.path).sort();
    expect(paths).toEqual(['colour', 'from', 'limit', 'outcome', 'type']);
  });
});

describe('facets of non-order records', () => {
  it('kill and override records match client and symbol filters through their scope', async () => {
    const t = tempDir();
    try {
      const log = openLog(t.dir, new ManualClock(T0));
      log.append('kill', { scope: { type: 'client', value: 'beta' }, operator: 'ops', reason: 'r', at: T0 });
      log.append('kill', { scope: { type: 'symbol', value: 'ETH/USDT:USDT' }, operator: 'ops', reason: 'r', at: T0 });
      log.append('override', {
        id: 'o1',
        state: 'requested',
        ruleId: 'x',
        scope: { type: 'client', value: 'beta' },
        reason: 'r',
        ttlMs: 1,
        requestedBy: 'a',
        at: T0,
        approvals: [],
      });
      await log.close();
      const { handleAuditQuery } = await import('../../src/audit/index.js');
      expect((await handleAuditQuery(t.dir, { client: 'beta' })).records.map((r) => r.seq)).toEqual([1, 3]);
      expect(
        (await handleAuditQuery(t.dir, { symbol: 'ETH/USDT:USDT', type: 'kill' })).records.map((r) => r.seq),
      ).toEqual([2]);
      await expect(handleAuditQuery(t.dir, { limit: 'many' })).rejects.toMatchObject({
        code: 'INVALID_FIELD',
        statusCode: 400,
      });
    } finally {
      t.cleanup();
    }
  });
});
