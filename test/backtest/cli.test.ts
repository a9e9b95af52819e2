import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parseDate, parseSymbols, run } from '../../src/cli/commands/replay.js';
import { PACKAGE_ROOT } from '../../src/config/load.js';

const POLICY = join(PACKAGE_ROOT, 'policies', 'defensive.yaml');
const out = mkdtempSync(join(tmpdir(), 'liqguard-replay-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const code = await run(args);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

const ok = ['--policy', POLICY, '--from', '2025-10-09', '--to', '2025-10-10', '--strategy', 'trend:lookback=4;mm'];

describe('liqguard replay', () => {
  it('prints the usage with the grammar on --help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: liqguard replay');
    expect(r.stdout).toContain('spread_bps');
  });

  it.each([
    [['--from', '2025-10-09', '--to', '2025-10-10', '--strategy', 'mm'], '--policy FILE is required'],
    [
      ['--policy', join(out, 'nope.yaml'), '--from', '2025-10-09', '--to', '2025-10-10', '--strategy', 'mm'],
      'is not a file',
    ],
    [
      [...ok.slice(0, 2), '--from', '2025-13-01', '--to', '2025-10-10', '--strategy', 'mm'],
      '--from must be a UTC date',
    ],
    [[...ok.slice(0, 2), '--from', '2025-10-10', '--to', '2025-10-09', '--strategy', 'mm'], 'must be before --to'],
    [[...ok, '--symbols', 'DOGE/USDT:USDT'], 'not traded on the simulated venue'],
    [[...ok, '--symbols', 'eth-usd'], '--symbols'],
    [[...ok.slice(0, 6), '--strategy', 'grid:levels=3'], 'unknown kind "grid"'],
    [[...ok, '--balance', '0'], '--balance must be a positive decimal'],
    [[...ok, '--warmup-days', 'x'], '--warmup-days'],
    [[...ok, '--bogus'], 'bogus'],
  ])('rejects bad input with exit code 2: %j', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('parses dates and symbols strictly', () => {
    expect(parseDate('2025-10-10', '--from')).toBe(Date.parse('2025-10-10T00:00:00Z'));
    expect(parseDate('2025-10-10T21:00:00Z', '--from')).toBe(Date.parse('2025-10-10T21:00:00Z'));
    expect(() => parseDate('2025-10-10T21:30:00Z', '--from')).toThrow(/whole hour/);
    expect(() => parseDate('2025-02-30', '--from')).toThrow(/UTC date/);
    expect(parseSymbols('ETHUSDT, XRP/USDT:USDT,ETHUSDT')).toEqual(['ETH/USDT:USDT', 'XRP/USDT:USDT']);
  });

  it('runs a small window end to end and writes report.json and report.html', async () => {
    const dir = join(out, 'run');
    const r = await cli([...ok, '--warmup-days', '2', '--symbols', 'XRPUSDT', '--balance', '50000', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/without policy: 100% \(25\/25 bars, \d+ bars\/s\)/);
    expect(r.stdout).toContain('trend: liquidations');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.symbols).toEqual(['XRP/USDT:USDT']);
    expect(report.balance).toBe('50000');
    expect(report.window.steps).toBe(25);
    expect(report.arms.policy.policy.id).toBe('defensive');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(existsSync(join(dir, report.arms.policy.auditDir))).toBe(true);
  });
});
