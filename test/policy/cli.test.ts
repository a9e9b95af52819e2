import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/policy.js';

const ROOT = join(import.meta.dirname, '..', '..');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out, err };
}
afterEach(() => vi.restoreAllMocks());

describe('liqguard policy check', () => {
  it('prints OK with id and sha256 for every shipped set', async () => {
    const c = capture();
    expect(await run(['check', join(ROOT, 'policies')])).toBe(0);
    const lines = c.out.join('').trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^OK .*\.yaml id=[a-z-]+ version=\d+ rules=\d+ sha256=[0-9a-f]{64}$/);
  });

  it('prints every error with its path and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'id: bad\nversion: 1\nrules:\n  - id: a\n    when: { regime: [calm] }\n    cap: { notional: lots }\n',
    );
    const c = capture();
    expect(await run(['check', file])).toBe(1);
    expect(c.out.join('')).toContain(`${file}: rules[0].when.regime[0]: unknown value "calm"`);
    expect(c.out.join('')).toContain(`${file}: rules[0].cap.notional: must be a decimal number`);
    expect(c.err.join('')).toContain('2 error(s)');
  });

  it('usage errors exit 2; --help exits 0', async () => {
    const c = capture();
    expect(await run([])).toBe(2);
    expect(await run(['--help'])).toBe(0);
    expect(c.out.join('')).toContain('liqguard policy check FILE|DIR');
  });
});
