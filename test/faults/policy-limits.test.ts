/** Issue 13 item 4: hostile policy files. A 447-byte "billion laughs" file dropped into the
 * policies folder of a running gateway used to crash it (`Excessive alias count` escaped the
 * watcher's reload); a multi-megabyte file stalled the event loop while being parsed. Now each is
 * refused with its own code, the old set stays in force and the process stays up. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEMO_API_KEY } from '../../src/config/embedded-default.js';
import { DEFAULT_POLICY_LIMITS, loadPolicyDir, loadPolicyText } from '../../src/policy/index.js';
import { LiqguardError } from '../../src/core/errors.js';
import { ROOT, runCli, START_TIMEOUT_MS, writeGatewayConfig, type CliProcess } from './support.js';

const BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

function codeOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LiqguardError);
    const e = err as LiqguardError;
    return [e.code, ...e.details.flatMap((d) => (d.code ? [d.code] : []))];
  }
  return [];
}

describe('policy loading limits', () => {
  const original = `id: p\nversion: 1\nrules:\n  - id: r\n    reject: { code: POLICY_REJECT }\n`;
  it('an alias bomb is refused with POLICY_ALIAS_LIMIT, not a raw ReferenceError', () => {
    expect(codeOf(() => loadPolicyText(BOMB, 'bomb.yaml'))).toContain('POLICY_ALIAS_LIMIT');
  });
  it('a file over the byte limit is refused by size before parsing (even valid YAML)', () => {
    const filler = `# ${'x'.repeat(100)}\n`.repeat(Math.ceil(DEFAULT_POLICY_LIMITS.maxFileBytes / 100));
    expect(codeOf(() => loadPolicyText(original + filler, 'big.yaml'))).toContain('POLICY_TOO_LARGE');
  });
  it('more rules than the limit are refused with POLICY_TOO_MANY_RULES', () => {
    const rules = Array.from({ length: 3 }, (_, i) => `  - id: r${i}\n    reject: { code: POLICY_REJECT }\n`).join('');
    const limits = { ...DEFAULT_POLICY_LIMITS, maxRules: 2 };
    expect(codeOf(() => loadPolicyText(`id: p\nversion: 1\nrules:\n${rules}`, 'many.yaml', limits))).toContain(
      'POLICY_TOO_MANY_RULES',
    );
  });
  it('a directory holding a 5 MB file fails with the file named and POLICY_TOO_LARGE in its details', () => {
    const dir = writeGatewayConfig().dir;
    const pdir = join(dir, 'p');
    mkdirSync(pdir);
    copyFileSync(join(ROOT, 'policies', 'default.yaml'), join(pdir, 'default.yaml'));
    writeFileSync(join(pdir, 'huge.yaml'), `id: huge\nversion: 1\nrules: []\n${'#'.repeat(5_200_000)}\n`);
    const codes = codeOf(() => loadPolicyDir(pdir));
    expect(codes).toEqual(['POLICY_INVALID', 'POLICY_TOO_LARGE']);
  });
  it('property: any alias nesting either loads or is refused with a catalog code, never another throw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), (depth, fan) => {
        let text = `x0: &x0 [1]\n`;
        for (let i = 1; i <= depth; i++)
          text += `x${i}: &x${i} [${Array.from({ length: fan }, () => `*x${i - 1}`).join(',')}]\n`;
        const codes = codeOf(() => loadPolicyText(text, 'gen.yaml'));
        // Not a policy document at all, so it never loads: refused either by the alias limit or
        // by validation (unknown keys), always as a LiqguardError.
        expect(['POLICY_ALIAS_LIMIT', 'POLICY_INVALID']).toContain(codes[0]);
        // Expanded alias nodes: fan + fan^2 + … (yaml counts every resolution).
        if (fan ** depth > 10 * DEFAULT_POLICY_LIMITS.maxAliasCount) expect(codes[0]).toBe('POLICY_ALIAS_LIMIT');
      }),
      { numRuns: 60 },
    );
  });
});

describe('a billion-laughs file dropped into a running gateway (real process, file watcher)', () => {
  let gw: CliProcess;
  let url: string;
  let pdir: string;
  const H = { 'x-api-key': DEMO_API_KEY, 'content-type': 'application/json' };
  beforeAll(async () => {
    const cfg = writeGatewayConfig((y) => y.replace('scorer: model', 'scorer: baseline'));
    pdir = join(cfg.dir, 'policies');
    mkdirSync(pdir);
    copyFileSync(join(ROOT, 'policies', 'default.yaml'), join(pdir, 'default.yaml'));
    const { writeFileSync: w, readFileSync: r } = await import('node:fs');
    w(cfg.file, r(cfg.file, 'utf8').replace('  dir: policies', `  dir: ${pdir}`));
    gw = runCli(['serve', '--config', cfg.file]);
    url = (await gw.waitFor(/liqguard listening on (http:\/\/\S+)/))[1]!;
  }, START_TIMEOUT_MS + 10_000);
  afterAll(async () => gw?.stop());

  const order = async () =>
    (await (
      await fetch(`${url}/v1/orders`, {
        method: 'POST',
        headers: H,
        body: JSON.stringify({ symbol: 'BTC/USDT:USDT', side: 'buy', type: 'limit', quantity: '0.001', price: '1000' }),
      })
    ).json()) as { decision: { policy: { sha256: string } } };
  const reloads = async () =>
    (
      (await (await fetch(`${url}/v1/audit?type=policy_load&limit=100`, { headers: H })).json()) as {
        records: { reload?: boolean; ok?: boolean; errors?: { code?: string }[] }[];
      }
    ).records.filter((r) => r.reload);

  it('keeps the old set in force and the process up; the failed reload is audited with the code', async () => {
    const before = await order();
    writeFileSync(join(pdir, 'bomb.yaml'), BOMB);
    let failed: Awaited<ReturnType<typeof reloads>> = [];
    // The watcher debounces, then reloads: wait for its audit record (or the process dying).
    while (!failed.length) {
      const exit = await Promise.race([gw.exited, new Promise((r) => setTimeout(() => r('running'), 200))]);
      expect(exit, `gateway exited:\n${gw.output()}`).toBe('running');
      failed = (await reloads()).filter((r) => r.ok === false);
    }
    expect(failed[0]!.errors!.map((e) => e.code)).toContain('POLICY_ALIAS_LIMIT');
    expect((await order()).decision.policy.sha256).toBe(before.decision.policy.sha256);
    expect(gw.proc.exitCode).toBeNull();
  }, 60_000);
});
