/** The writer serialises each body once (canonical JSON per top-level key, no plain copy, no
 * pino). These properties pin that the lines it writes are the same records as the v1 lines the
 * pino-based writer wrote (insertion-ordered JSON of the normalised body): same hashes, and the
 * same verify, query and report results, also for a directory holding both kinds of segments. */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genesisHash, recordHash } from '../../src/audit/canonical.js';
import { queryAudit } from '../../src/audit/query.js';
import { createRedactor } from '../../src/audit/redact.js';
import { buildReportData } from '../../src/audit/report.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { ManualClock } from '../../src/core/clock.js';
import { decisionBody, executionBody, openLog, T0, tempDir } from './fixtures.js';

const SECRET = 'sekrit-value-123';

/** A random stream of decision and execution bodies, with secrets in keys and values. */
const spec = fc.record({
  kind: fc.constantFrom('accept', 'modify', 'split', 'deny' as const),
  client: fc.constantFrom('alpha', 'beta', `leak-${SECRET}`),
  symbol: fc.constantFrom('BTC/USDT:USDT', 'ETH/USDT:USDT'),
  quantity: fc.constantFrom('0.5', '1.25', '12'),
  probability: fc.double({ min: 0, max: 1, noNaN: true }),
  regime: fc.constantFrom('stable', 'stressed', 'fragile', 'critical' as const),
  exec: fc.boolean(),
  extra: fc.option(
    fc.dictionary(
      fc.constantFrom('apiKey', 'note', 'x-api-key', 'tokens', 'signature'),
      fc.oneof(fc.string(), fc.integer(), fc.constant(SECRET)),
      { maxKeys: 3 },
    ),
    { nil: undefined },
  ),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

function bodyOf(s: Spec, n: number): Record<string, unknown> {
  const base: Record<string, unknown> = s.exec
    ? { ...executionBody(n, s.kind === 'deny' ? 'rejected' : 'filled') }
    : {
        ...decisionBody({
          n,
          client: s.client,
          symbol: s.symbol,
          kind: s.kind,
          quantity: s.quantity,
          probability: s.probability,
          regime: s.regime,
          ...(s.kind === 'deny' ? { code: 'MAX_ORDER_QUANTITY' as const, ruleId: 'max-qty' } : {}),
        }),
      };
  return s.extra ? { ...base, extra: s.extra } : base;
}

/** The v1 line as the pino-based writer produced it: envelope first, then the normalised body in
 * insertion order (JSON.stringify spelling), then the hash. */
function writeLegacySegment(
  dir: string,
  bodies: readonly { type: string; body: Record<string, unknown> }[],
  name: string,
  first: { seq: number; prev: string; ts: number },
): { seq: number; prev: string; ts: number } {
  const r = createRedactor([SECRET]);
  let { seq, prev, ts } = first;
  let text = '';
  for (const { type, body } of bodies) {
    seq++;
    ts += 1000;
    const rec: Record<string, unknown> = { v: 1, seq, ts, instance: 'gw1', type, prev, ...r.normalizeBody(body).value };
    const hash = recordHash(rec);
    text += JSON.stringify({ ...rec, hash }) + '\n';
    prev = hash;
  }
  writeFileSync(join(dir, name), text);
  return { seq, prev, ts };
}

async function results(dir: string) {
  const verify = await verifyAudit(dir);
  const query = await queryAudit(dir, {}, { limit: 1000 });
  const denies = await queryAudit(dir, { outcome: ['deny'] }, { limit: 1000 });
  const report = await buildReportData({ dir, clock: new ManualClock(T0 + 1e9) });
  const strip = (x: unknown) => JSON.parse(JSON.stringify(x).split(dir).join('<dir>'));
  return strip({ verify, query, denies, report });
}

describe('audit line format: the one-pass writer and legacy v1 lines are the same records', () => {
  it('canonicalEntries equals normalizeBody().entries, in the same key order', () => {
    const r = createRedactor([SECRET]);
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 3 }), fc.jsonValue(), (specs, extra) => {
        const body = { ...bodyOf(specs[0]!, 1), more: specs.map((s, i) => bodyOf(s, i)), extra };
        const fast = r.canonicalEntries(body);
        const ref = r.normalizeBody(body).entries;
        expect([...fast]).toEqual([...ref]);
      }),
      { numRuns: 200 },
    );
  });

  it('same hashes, verify, query and report results; a directory mixing both verifies as one chain', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 12 }),
        async (specs, cut) => {
          const a = tempDir();
          const b = tempDir();
          const c = tempDir();
          try {
            const items = specs.map((s, i) => ({ type: s.exec ? 'execution' : 'decision', body: bodyOf(s, i + 1) }));
            // a: the current writer; b: legacy lines only.
            const clock = new ManualClock(T0);
            const log = openLog(a.dir, clock, { secrets: [SECRET], format: 1 });
            const hashes = items.map(
              ({ type, body }) => (clock.advance(1000), log.append(type as 'decision', body).hash),
            );
            await log.close();
            mkdirSync(b.dir, { recursive: true });
            writeLegacySegment(b.dir, items, 'audit-gw1-20240301-000001.jsonl', {
              seq: 0,
              prev: genesisHash('gw1'),
              ts: T0,
            });
            const ra = await results(a.dir);
            expect(ra.verify.ok).toBe(true);
            expect(ra.query.records.map((x: { hash: string }) => x.hash)).toEqual(hashes);
            expect(JSON.stringify(ra)).not.toContain(SECRET);
            expect(await results(b.dir)).toEqual(ra);
            // c: legacy segment for the first `cut` records, then the current writer resumes the chain.
            const k = Math.min(cut, items.length); // at least one legacy line
            const head = writeLegacySegment(c.dir, items.slice(0, k), 'audit-gw1-20240301-000001.jsonl', {
              seq: 0,
              prev: genesisHash('gw1'),
              ts: T0,
            });
            const clock2 = new ManualClock(head.ts);
            const log2 = openLog(c.dir, clock2, { secrets: [SECRET], format: 1 });
            for (const { type, body } of items.slice(k)) {
              clock2.advance(1000);
              log2.append(type as 'decision', body);
            }
            await log2.close();
            expect(await results(c.dir)).toEqual(ra);
          } finally {
            a.cleanup();
            b.cleanup();
            c.cleanup();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
