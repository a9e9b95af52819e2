/** Issue 13 item 6. A torn last line (power loss with fsync off) blocked start-up with advice to
 * set `audit onTornTail 'seal'`, a key the config validator refused; and cutting the last records
 * of a segment still verified as intact because nothing anchored the chain's head. Now
 * `liqguard audit seal` (or audit.onTornTail: seal) seals it with a record of what was dropped,
 * and `liqguard audit verify --anchor …` reports a truncated tail naming the missing seq range. */
import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AuditLog } from '../../src/audit/writer.js';
import { AuditAnchor } from '../../src/audit/anchor.js';
import { openAnchorStore } from '../../src/audit/anchor-stores.js';
import { ManualClock } from '../../src/core/clock.js';
import { EMBEDDED_DEFAULT_YAML } from '../../src/config/embedded-default.js';
import { loadConfigText, PACKAGE_ROOT } from '../../src/config/load.js';
import { LiqguardError } from '../../src/core/errors.js';
import { cleanupPrefix, redisMissing, REDIS_URL, runTag, uniquePrefix } from '../cluster/support.js';
import { startEmbeddedGateway } from '../gateway/support.js';
import { runCli } from './support.js';

const T0 = Date.UTC(2026, 11, 6, 1, 0, 0);
const tmp = () => mkdtempSync(join(tmpdir(), 'lg-anchor-'));

function writeChain(dir: string, n: number, instance = 'r1'): AuditLog {
  const log = AuditLog.open({ dir, instance, clock: new ManualClock(T0) });
  for (let i = 0; i < n; i++) log.append('decision', { intentId: `ord_${i}`, outcome: 'accept' });
  return log;
}
const segmentsOf = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  const p = runCli(args, env);
  const code = await p.exited;
  return { code, out: p.output() };
}

describe('a torn last line is sealed by a supported command', () => {
  it('the config validator accepts audit.onTornTail: seal (the key the start-up error names)', () => {
    const yaml = EMBEDDED_DEFAULT_YAML.replace('  fsync: false', '  fsync: false\n  onTornTail: seal');
    expect(loadConfigText(yaml, { env: {}, baseDir: PACKAGE_ROOT }).audit.onTornTail).toBe('seal');
  });

  it('start-up refuses, naming `liqguard audit seal`; the command seals and records the dropped bytes', async () => {
    const dir = tmp();
    await writeChain(dir, 5).close();
    const torn = '{"v":1,"seq":6,"ts":17650';
    appendFileSync(join(dir, segmentsOf(dir)[0]!), torn);
    let refused: unknown;
    try {
      AuditLog.open({ dir, instance: 'r1', clock: new ManualClock(T0) });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(LiqguardError);
    expect((refused as Error).message).toContain('liqguard audit seal');
    expect((await cli(['audit', 'verify', dir])).code).toBe(1);

    const sealed = await cli(['audit', 'seal', '--dir', dir]);
    expect(sealed.code).toBe(0);
    expect(sealed.out).toContain(`line 6 (${torn.length} torn bytes left out of the chain after seq 5)`);
    const segs = segmentsOf(dir);
    expect(segs.length).toBe(2);
    const recs = readFileSync(join(dir, segs[1]!), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(recs[0]).toMatchObject({
      type: 'startup',
      chainBreak: { line: 6, lastGoodSeq: 5, droppedBytes: torn.length },
    });
    expect(recs[1]).toMatchObject({
      type: 'startup',
      event: 'audit_seal',
      sealed: { droppedBytes: torn.length, lastGoodSeq: 5 },
    });
    const v = await cli(['audit', 'verify', dir]);
    expect(v.code).toBe(0);
    expect(v.out).toContain('sealed break');
    // A second seal has nothing to do.
    expect((await cli(['audit', 'seal', '--dir', dir])).out).toContain('nothing to seal');
  }, 120_000);
});

describe('the chain head is anchored outside the segment files', () => {
  it('cutting the last 10 records of a segment: verify --anchor fails naming seq 41..50', async () => {
    const dir = tmp();
    const anchors = tmp();
    const log = writeChain(dir, 50);
    const anchor = new AuditAnchor({
      instance: 'r1',
      head: () => log.head(),
      store: openAnchorStore(`file:${anchors}`),
      clock: new ManualClock(T0),
      intervalMs: 60_000,
    });
    await anchor.close();
    await log.close();
    expect((await cli(['audit', 'verify', dir, '--anchor', `file:${anchors}`])).code).toBe(0);

    const seg = join(dir, segmentsOf(dir)[0]!);
    const lines = readFileSync(seg, 'utf8').split('\n').filter(Boolean);
    writeFileSync(seg, lines.slice(0, 40).join('\n') + '\n');
    const plain = await cli(['audit', 'verify', dir]);
    expect(plain.code).toBe(0); // the hash chain alone cannot see it: that is why the anchor exists
    const anchored = await cli(['audit', 'verify', dir, '--anchor', `file:${anchors}`]);
    expect(anchored.code).toBe(1);
    expect(anchored.out).toContain('truncated_tail');
    expect(anchored.out).toContain('records seq 41..50 missing');
  }, 120_000);

  it('a real gateway checkpoints its head (file fallback, on by default) when it closes', async () => {
    const { gw, varDir } = await startEmbeddedGateway((y) => y.replace('scorer: model', 'scorer: baseline'));
    await gw.close();
    const file = join(varDir, 'state', 'audit-anchors', 'anchor-local.json');
    expect(existsSync(file)).toBe(true);
    const cp = JSON.parse(readFileSync(file, 'utf8')) as { seq: number };
    const v = await cli([
      'audit',
      'verify',
      join(varDir, 'audit'),
      '--anchor',
      `file:${join(varDir, 'state', 'audit-anchors')}`,
    ]);
    expect(v.code).toBe(0);
    expect(v.out).toContain(`anchor local: seq ${cp.seq}`);
  }, 120_000);
});

describe('Redis anchor with an HMAC signature', () => {
  const prefix = uniquePrefix(`anchor-${runTag()}`);
  afterAll(async () => {
    await cleanupPrefix(prefix);
  });

  it('a signed checkpoint verifies; a rewritten one fails anchor_signature; a cut tail names the range', async () => {
    if (await redisMissing('audit anchor on Redis')) return;
    const dir = tmp();
    const key = 'anchor-test-key-7f3a';
    const log = writeChain(dir, 30, 'r2');
    const anchor = new AuditAnchor({
      instance: 'r2',
      head: () => log.head(),
      store: openAnchorStore(REDIS_URL, prefix),
      clock: new ManualClock(T0),
      hmacKey: key,
      intervalMs: 60_000,
    });
    await anchor.close();
    await log.close();
    const env = { LG_TEST_ANCHOR_KEY: key };
    const args = [
      'audit',
      'verify',
      dir,
      '--anchor',
      REDIS_URL,
      '--anchor-prefix',
      prefix,
      '--anchor-key-env',
      'LG_TEST_ANCHOR_KEY',
    ];
    const ok = await cli(args, env);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('(signed)');

    // Someone with Redis access moves the anchor back to hide a truncation, without the key.
    const r = new Redis(REDIS_URL);
    const k = `${prefix}audit:anchor:r2`;
    const cp = JSON.parse((await r.get(k))!) as Record<string, unknown>;
    await r.set(k, JSON.stringify({ ...cp, seq: 20 }));
    const forged = await cli(args, env);
    expect(forged.code).toBe(1);
    expect(forged.out).toContain('anchor_signature');

    // The genuine anchor back, the tail cut: the missing range is named.
    await r.set(k, JSON.stringify(cp));
    r.disconnect();
    const seg = join(dir, segmentsOf(dir)[0]!);
    writeFileSync(seg, readFileSync(seg, 'utf8').split('\n').filter(Boolean).slice(0, 25).join('\n') + '\n');
    const cut = await cli(args, env);
    expect(cut.code).toBe(1);
    expect(cut.out).toContain('records seq 26..30 missing');
  }, 120_000);
});
