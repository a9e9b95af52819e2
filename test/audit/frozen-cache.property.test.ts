/** The writer serialises a deeply frozen object once and reuses its canonical JSON (issue 15:
 * the market features and the regime score are shared by every order of a bar). These
 * properties pin that the cache never changes a line: bodies whose subtrees are frozen and
 * shared across records give byte-identical lines (so the same hashes and the same verify,
 * query and report results) to structurally equal bodies made of fresh, unfrozen objects. */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { createRedactor } from '../../src/audit/redact.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { ManualClock } from '../../src/core/clock.js';
import { openLog, T0, tempDir } from './fixtures.js';

const SECRET = 'sekrit-value';

const leaf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }), // lone surrogates, control characters, long strings
  fc.constantFrom(SECRET, `x-${SECRET}-y`, 'ETH/USDT:USDT', 'enforce', '\u2028', '😀'),
  // longer than the short-string cache's limit, with a secret or a lone surrogate inside
  fc
    .tuple(fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom(SECRET, '\uD800', '\uDFFF', ''))
    .map(([a, b]) => a + 'x'.repeat(60) + b + a),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
);
const key = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('apiKey', 'a', 'b', `k${SECRET}`, `${SECRET}`, '__proto__', '10', 'token'),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 5 }),
  ),
})).v;
const shared = fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 });

/** A structurally equal copy made of fresh objects (same prototypes, same own keys and values). */
function clone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  const out = Object.create(Object.getPrototypeOf(v)) as Record<string, unknown>;
  for (const k of Object.keys(v))
    Object.defineProperty(out, k, {
      value: clone((v as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out as T;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

describe('canonical JSON cache of frozen objects', () => {
  it('equals the uncached canonical form on every reuse of a frozen subtree', () => {
    fc.assert(
      fc.property(shared, fc.array(fc.integer(), { minLength: 3, maxLength: 5 }), (sub, ns) => {
        const r = createRedactor([SECRET]);
        const frozen = deepFreeze(clone(sub));
        for (const n of ns) {
          // the same frozen object under different parents and at different depths
          const body = { n, market: frozen, nested: { list: [frozen, { again: frozen }] } };
          const got = r.canonicalEntries(body);
          const plain = createRedactor([SECRET]).normalizeBody(clone(body));
          for (const [k, c] of got) expect(c).toBe(canonicalJson(plain.value[k]));
          expect([...got.keys()]).toEqual([...plain.entries.keys()]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a frozen object with a getter is read again on every record', () => {
    const r = createRedactor([]);
    let n = 0;
    const o = Object.freeze({
      get value() {
        return ++n;
      },
    });
    const seen = [1, 2, 3].map(() => r.canonicalEntries({ o }).get('o'));
    expect(seen).toEqual(['{"value":1}', '{"value":2}', '{"value":3}']);
  });

  it('a log of bodies sharing frozen subtrees has the same lines as one of fresh copies, and verifies', async () => {
    await fc.assert(
      fc.asyncProperty(shared, fc.integer({ min: 2, max: 5 }), async (sub, count) => {
        const frozen = deepFreeze(clone(sub));
        const write = async (bodyOf: (i: number) => Record<string, unknown>) => {
          const { dir, cleanup } = tempDir();
          try {
            const log = openLog(dir, new ManualClock(T0), { secrets: [SECRET] });
            for (let i = 0; i < count; i++) log.append('startup', bodyOf(i));
            await log.close();
            expect((await verifyAudit(dir)).ok).toBe(true);
            return readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8');
          } finally {
            cleanup();
          }
        };
        const cached = await write((i) => ({ i, market: frozen, score: { of: frozen } }));
        const fresh = await write((i) => ({ i, market: clone(sub), score: { of: clone(sub) } }));
        expect(cached).toBe(fresh);
      }),
      { numRuns: 40 },
    );
  });
});
