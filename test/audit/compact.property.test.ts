/** Record format v2 (compact decision bodies) against v1 (full): for random streams of records,
 * including bodies the compact form must leave alone (model or policy differing from the
 * decision's, odd trace entries, nulls not named as missing), the two logs give the same verify,
 * query and report results, apart from the hashes (the hash covers the line as written). */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactDecision, expandRecord } from '../../src/audit/compact.js';
import { queryAudit } from '../../src/audit/query.js';
import { buildReportData } from '../../src/audit/report.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { ManualClock } from '../../src/core/clock.js';
import { decisionBody, executionBody, openLog, T0, tempDir } from './fixtures.js';

const SECRET = 'sekrit-value-123';
const FEATURES = ['ret1h', 'oiChange', 'depth_1', 'spread_bps'] as const;

const traceEntry = fc.record({
  ruleId: fc.constantFrom('max-qty', 'regime-cap', `r-${SECRET}`, 'halt'),
  action: fc.constantFrom('reject', 'cap', 'split', 'throttle'),
  mode: fc.constantFrom('enforce', 'shadow'),
  matched: fc.boolean(),
  outcome: fc.constantFrom('pass', 'pass', 'deny', 'modify'),
  code: fc.option(fc.constantFrom('MAX_ORDER_QUANTITY', 'REGIME_CAP'), { nil: undefined }),
});

const spec = fc.record({
  kind: fc.constantFrom('accept', 'modify', 'split', 'deny' as const),
  client: fc.constantFrom('alpha', 'beta', `leak-${SECRET}`),
  symbol: fc.constantFrom('BTC/USDT:USDT', 'ETH/USDT:USDT'),
  probability: fc.double({ min: 0, max: 1, noNaN: true }),
  regime: fc.constantFrom('stable', 'stressed', 'fragile', 'critical' as const),
  exec: fc.boolean(),
  trace: fc.array(traceEntry, { maxLength: 6 }),
  features: fc.dictionary(
    fc.constantFrom(...FEATURES),
    fc.oneof(fc.constant(null), fc.double({ noNaN: true }), fc.constant(Number.NaN)),
  ),
  missing: fc.subarray([...FEATURES, 'notAFeature']),
  otherModel: fc.boolean(),
  otherPolicy: fc.boolean(),
  dropOutcome: fc.boolean(),
  extra: fc.option(
    fc.dictionary(fc.constantFrom('apiKey', 'note', 'signature'), fc.oneof(fc.string(), fc.constant(SECRET)), {
      maxKeys: 2,
    }),
    { nil: undefined },
  ),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

function bodyOf(s: Spec, n: number): { type: 'decision' | 'execution'; body: Record<string, unknown> } {
  if (s.exec) return { type: 'execution', body: { ...executionBody(n, s.kind === 'deny' ? 'rejected' : 'filled') } };
  const { client, symbol, kind, probability, regime } = s;
  const b = decisionBody({ n, client, symbol, kind, probability, regime });
  const trace = s.trace.map(({ code, ...t }) => (code ? { ...t, code } : t));
  const body: Record<string, unknown> = {
    ...b,
    decision: { ...b.decision, trace: [...b.decision.trace, ...trace] },
    market: { ...b.market, features: s.features, missing: s.missing },
    ...(s.otherModel ? { model: { ...b.model, kind: 'baseline' } } : {}),
    ...(s.otherPolicy ? { policy: { id: 'other', sha256: 'c'.repeat(64) } } : {}),
    ...(s.extra ? { extra: s.extra } : {}),
  };
  if (s.dropOutcome) delete body.outcome;
  return { type: 'decision', body };
}

/** verify, query (all, denies, a rule filter) and report; hashes and the envelope version removed. */
async function results(dir: string) {
  const verify = await verifyAudit(dir);
  const query = await queryAudit(dir, {}, { limit: 1000 });
  const denies = await queryAudit(dir, { outcome: ['deny'] }, { limit: 1000 });
  const rule = await queryAudit(dir, { rule: 'regime-cap' }, { limit: 1000 });
  const report = await buildReportData({ dir, clock: new ManualClock(T0 + 1e9) });
  const text = JSON.stringify({ verify, query, denies, rule, report }, (k, v: unknown) =>
    k === 'hash' || k === 'prev' || k === 'headHash' || k === 'v' || k === 'nextCursor' ? undefined : v,
  );
  return JSON.parse(text.split(dir).join('<dir>')) as Record<string, unknown>;
}

function write(dir: string, items: readonly { type: string; body: Record<string, unknown> }[], format: 1 | 2): void {
  const clock = new ManualClock(T0);
  const log = openLog(dir, clock, { secrets: [SECRET], format });
  for (const { type, body } of items) {
    clock.advance(1000);
    log.append(type as 'decision', body);
  }
  void log.close();
}

const fileText = (dir: string): string =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');

describe('audit record format v2 (compact decision bodies)', () => {
  it('expand(compact(body)) equals the body, as JSON', () => {
    fc.assert(
      fc.property(spec, fc.nat(1000), (s, n) => {
        const { body } = bodyOf({ ...s, exec: false }, n);
        const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
        const compact = plain(compactDecision(body)) as Record<string, unknown>;
        const back = expandRecord({ v: 2, type: 'decision', ...compact });
        expect(plain(back)).toEqual({ v: 2, type: 'decision', ...(plain(body) as Record<string, unknown>) });
      }),
      { numRuns: 300 },
    );
  });

  it('v1 and v2 logs give the same verify, query and report results; v2 is not larger', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 10 }), async (specs) => {
        const a = tempDir();
        const b = tempDir();
        try {
          const items = specs.map((s, i) => bodyOf(s, i + 1));
          write(a.dir, items, 1);
          write(b.dir, items, 2);
          const full = await results(a.dir);
          const compact = await results(b.dir);
          expect((full.verify as { ok: boolean }).ok).toBe(true);
          expect(compact).toEqual(full);
          const text = fileText(b.dir);
          expect(text).not.toContain(SECRET);
          expect(text.length).toBeLessThanOrEqual(fileText(a.dir).length);
        } finally {
          a.cleanup();
          b.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('a directory with v1 segments then v2 segments verifies as one chain and reads as the v1 log', async () => {
    const items = Array.from({ length: 6 }, (_, i) =>
      bodyOf(
        {
          kind: i % 2 ? 'deny' : 'accept',
          client: 'alpha',
          symbol: 'BTC/USDT:USDT',
          probability: 0.2,
          regime: 'stable',
          exec: i === 3,
          trace: [],
          features: { ret1h: 0.1, oiChange: null },
          missing: ['oiChange'],
          otherModel: false,
          otherPolicy: false,
          dropOutcome: false,
          extra: undefined,
        },
        i + 1,
      ),
    );
    const a = tempDir();
    const c = tempDir();
    try {
      write(a.dir, items, 1);
      const clock = new ManualClock(T0);
      const v1 = openLog(c.dir, clock, { format: 1, rotateBytes: 1 }); // one record per segment
      for (const { type, body } of items.slice(0, 3)) (clock.advance(1000), v1.append(type as 'decision', body));
      await v1.close();
      const v2 = openLog(c.dir, clock, { rotateBytes: 1 });
      for (const { type, body } of items.slice(3)) (clock.advance(1000), v2.append(type as 'decision', body));
      await v2.close();
      const text = fileText(c.dir);
      expect(text).toContain('"v":1,');
      expect(text).toContain('"v":2,');
      const mixed = await results(c.dir);
      expect((mixed.verify as { ok: boolean; files: number }).files).toBe(6);
      const full = await results(a.dir);
      // verify and report count files, which differ (one record per segment here)
      const reads = (x: Record<string, unknown>) => ({ ...x, verify: undefined, report: undefined });
      expect(reads(mixed)).toEqual(reads(full));
      expect((mixed.verify as { ok: boolean }).ok).toBe(true);
    } finally {
      a.cleanup();
      c.cleanup();
    }
  });
});
