import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { run } from '../../src/cli/commands/audit.js';
import { openLog, T0, tempDir, writeDecisions } from './fixtures.js';

let dir: string;
let cleanup: () => void;
let stdout: string;
let stderr: string;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const clock = new ManualClock(T0);
  const log = openLog(dir, clock, { rotateBytes: 4096 });
  writeDecisions(log, clock, 12);
  await log.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

describe('liqguard audit', () => {
  it('verify DIR exits 0 on an intact chain', async () => {
    expect(await run(['verify', dir])).toBe(0);
    expect(stdout).toMatch(/audit chain intact: 12 records/);
  });

  it('verify exits 1 naming the first bad file:line', async () => {
    const f = join(dir, readdirSync(dir).sort()[1]!);
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, text.replace('"client":"alpha"', '"client":"eve"'));
    expect(await run(['verify', dir])).toBe(1);
    expect(stdout).toContain(`${f}:1: tampered`);
    expect(await run(['verify', f, '--json'])).toBe(1);
    expect(JSON.parse(stdout.slice(stdout.indexOf('{'))).failures[0]).toMatchObject({ line: 1, reason: 'tampered' });
  });

  it('query prints JSON lines filtered and paginated', async () => {
    expect(await run(['query', '--dir', dir, '--outcome', 'deny'])).toBe(0);
    const recs = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decision: { kind: string } });
    expect(recs.length).toBe(3);
    expect(recs.every((r) => r.decision.kind === 'deny')).toBe(true);
    stdout = '';
    expect(await run(['query', '--dir', dir, '--limit', '5'])).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(5);
    const cursor = /--cursor (\S+)/.exec(stderr)![1]!;
    stdout = '';
    expect(await run(['query', '--dir', dir, '--limit', '50', '--cursor', cursor])).toBe(0);
    expect((JSON.parse(stdout.split('\n')[0]!) as { seq: number }).seq).toBe(6);
    expect(stdout.trim().split('\n')).toHaveLength(7);
  });

  it('report writes a self-contained HTML file', async () => {
    const out = join(dir, 'r.html');
    expect(await run(['report', '--dir', dir, '--from', '2024-03-01', '--to', '2024-03-02', '--out', out])).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('<section id="controls">');
  });

  it.each([
    [['verify']],
    [['query', '--dir', '/nonexistent/liqguard']],
    [['query', '--from', 'yesterday']],
    [['query', '--bogus', 'x']],
    [['report', '--dir', '/tmp']],
    [['explode']],
  ])('usage error for %j exits 2 with a message', async (argv) => {
    if (argv[0] === 'query' && argv[1] === '--from') argv.push('--dir', dir);
    expect(await run(argv)).toBe(2);
    expect(stderr).toMatch(/liqguard audit: .+/);
    expect(stderr).toContain('usage:');
  });

  it('--help prints usage and exits 0', async () => {
    expect(await run(['--help'])).toBe(0);
    expect(stdout).toContain('liqguard audit verify');
  });
});
