/** Whatever a stage puts in a body, the written line verifies: pino's serialisation and the
 * writer's one-pass canonical hash agree with canonicalJson of the parsed line. */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { canonicalJson, recordHash } from '../../src/audit/canonical.js';
import { createRedactor } from '../../src/audit/redact.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { openLog, T0, tempDir } from './fixtures.js';

const weird = fc.oneof(
  fc.string({ unit: 'binary' }), // includes lone surrogates and control characters
  fc.constantFrom('__proto__', 'constructor', '1', '01', '-0', '', 'msg', 'err', 'level', '\u2028', 'é', '😀'),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    weird,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('__proto__', '1', 'b', 'a')), tie('v'), {
      maxKeys: 5,
    }),
  ),
})).v;
const body = fc
  .dictionary(
    fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.constantFrom('__proto__', '10', 'msg', 'err')),
    value,
    { maxKeys: 6 },
  )
  .filter(
    (b) =>
      !['v', 'seq', 'ts', 'instance', 'type', 'prev', 'hash', '__pino_msg', '__pino_err'].some((k) =>
        Object.keys(b).includes(k),
      ),
  );

describe('audit properties', () => {
  it('the one-pass canonical form equals canonicalJson of the normalised value', () => {
    const r = createRedactor(['sekrit-value']);
    fc.assert(
      fc.property(body, (b) => {
        const { value: v, entries } = r.normalizeBody(b);
        for (const [k, c] of entries) expect(c).toBe(canonicalJson(v[k]));
      }),
      { numRuns: 300 },
    );
  });

  it('any body round-trips through the file and verifies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 5 }), async (bodies) => {
        const { dir, cleanup } = tempDir();
        try {
          const clock = new ManualClock(T0);
          const log = openLog(dir, clock);
          const hashes = bodies.map((b) => log.append('startup', b).hash);
          await log.close();
          const lines = readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')
            .trimEnd()
            .split('\n');
          expect(lines.map((l) => recordHash(JSON.parse(l) as Record<string, unknown>))).toEqual(hashes);
          expect((await verifyAudit(dir)).ok).toBe(true);
        } finally {
          cleanup();
        }
      }),
      { numRuns: 60 },
    );
  });
});
