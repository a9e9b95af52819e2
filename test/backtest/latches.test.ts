/** `liqguard replay` reports loss-limit latches: a bot limited to losing 1 USDT a day latches
 * halt on its first losing fills (fees alone cross it), and the report lists it. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/replay.js';

const out = mkdtempSync(join(tmpdir(), 'liqguard-replay-latch-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('liqguard replay with a loss limit', () => {
  it('reports each latch with its scope, state and LOSS_LIMIT reason', async () => {
    const policy = join(out, 'tight.yaml');
    writeFileSync(
      policy,
      `id: tight\nversion: 1\nrules:\n  - id: bot-daily-loss\n    loss_limit: { level: client, daily: 1, on_breach: halt }\n`,
    );
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await run([
      '--policy',
      policy,
      '--from',
      '2025-10-09',
      '--to',
      '2025-10-10',
      '--warmup-days',
      '2',
      '--symbols',
      'XRPUSDT',
      '--strategy',
      'mm',
      '--out',
      join(out, 'r'),
    ]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'r', 'report.json'), 'utf8'));
    const latched = report.arms.policy.latches.filter((l: { state: string }) => l.state === 'halt');
    expect(latched.length).toBeGreaterThanOrEqual(1);
    expect(latched[0]).toMatchObject({ level: 'client', id: 'bt-mm', state: 'halt' });
    expect(latched[0].reason).toMatch(/^LOSS_LIMIT: rule=bot-daily-loss level=client scope=bt-mm dailyPnl=-/);
    expect(report.arms.baseline.latches).toEqual([]);
    expect(stdout).toMatch(/loss-limit latches: [1-9]\d* \(2025-10-\d\dT/);
    expect(readFileSync(join(out, 'r', 'report.html'), 'utf8')).toContain('Loss-limit latches');
  });
});
