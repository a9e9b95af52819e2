/** The engine on real data (data/), small windows: determinism, the permissive arm, a forced
 * liquidation through the 2025-10-10 cascade, the report's sections and HTML escaping. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildReport,
  renderReportHtml,
  runBacktest,
  writeReport,
  type BacktestOptions,
  type BacktestRun,
  type ReplayReport,
} from '../../src/backtest/index.js';
import { parseStrategySpecs } from '../../src/backtest/spec.js';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import { KINDS, REGIMES } from '../../src/backtest/recorder.js';

const DAY = 86_400_000;
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'liqguard-bt-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Window {
  readonly spec: string;
  readonly from: string;
  readonly to: string;
  readonly warmupDays: number;
}

function options(w: Window, extra: Partial<BacktestOptions> = {}): BacktestOptions {
  const from = Date.parse(w.from);
  return {
    dataDir: join(PACKAGE_ROOT, 'data'),
    symbols: ['ETH/USDT:USDT', 'XRP/USDT:USDT'],
    from,
    to: Date.parse(w.to),
    warmupFrom: from - w.warmupDays * DAY,
    strategies: parseStrategySpecs([w.spec]),
    balance: '100000',
    policyFile: join(PACKAGE_ROOT, 'policies', 'defensive.yaml'),
    workDir: join(tmp(), 'runs'),
    ...extra,
  };
}

describe('backtest engine on real data', () => {
  // Regimes need 31 days of warm-up; a 3-day window through the first hours of 2025-10-10.
  const base: Window = {
    spec: 'trend:leverage=20,size=0.5;mm:leverage=10,size=0.2',
    from: '2025-10-08T00:00:00Z',
    to: '2025-10-10T12:00:00Z',
    warmupDays: 32,
  };
  let first: BacktestRun;
  let report: ReplayReport;

  beforeAll(async () => {
    first = await runBacktest(options(base));
    report = buildReport(first, join(first.options.workDir, '..'));
  });

  it('is deterministic: same inputs give the same report JSON', async () => {
    const again = await runBacktest(options(base));
    const a = JSON.stringify(report);
    const b = JSON.stringify(buildReport(again, join(again.options.workDir, '..')));
    expect(b).toBe(a);
    expect(report.arms.policy.decisions.total).toBeGreaterThan(0);
  });

  it('the arm without policy is never denied, capped or split by a rule; the policy arm is', () => {
    const b = report.arms.baseline.decisions;
    expect(b.total).toBeGreaterThan(0);
    for (const r of REGIMES) {
      expect(b.byRegime[r].modify + b.byRegime[r].split + b.byRegime[r].deny).toBe(0);
      expect(b.notionalByRegime[r].heldBack).toBe(0);
    }
    expect(b.byCode).toEqual({});
    expect(b.byRule).toEqual({});
    expect(report.arms.baseline.policy.id).toBe('no-policy');
    const p = report.arms.policy.decisions;
    expect(
      REGIMES.reduce((n, r) => n + p.byRegime[r].modify + p.byRegime[r].split + p.byRegime[r].deny, 0),
    ).toBeGreaterThan(0);
    expect(p.heldBack).toBeGreaterThan(0);
  });

  it('the report JSON has every section, aligned series and consistent counts', () => {
    for (const k of [
      'report',
      'version',
      'window',
      'symbols',
      'balance',
      'scorer',
      'strategies',
      'arms',
      'comparison',
      'regimeHours',
      'series',
      'notes',
      'dataNotes',
    ])
      expect(report).toHaveProperty(k);
    const n = report.series.ts.length;
    expect(n).toBe(report.window.steps);
    expect(n).toBe(61);
    for (const s of report.symbols) {
      const m = report.series.market[s]!;
      expect([m.close.length, m.low.length, m.high.length, m.regime.length, m.probability.length]).toEqual([
        n,
        n,
        n,
        n,
        n,
      ]);
      expect(Object.values(report.regimeHours[s]!).reduce((a, b) => a + b, 0)).toBe(n);
    }
    for (const arm of ['policy', 'baseline'] as const) {
      const a = report.arms[arm];
      expect(a.decisions.total).toBe(
        REGIMES.reduce((x, r) => x + KINDS.reduce((y, k) => y + a.decisions.byRegime[r][k], 0), 0),
      );
      for (const s of report.strategies) {
        const name: string = s.name;
        expect(report.series.equity[arm][name]).toHaveLength(n);
        expect(report.series.drawdownPct[arm][name]).toHaveLength(n);
        const o = a.strategies[name]!;
        for (const k of [
          'finalEquity',
          'pnl',
          'maxDrawdownPct',
          'liquidationEvents',
          'avgGrossLeverage',
          'pnlParts',
          'orders',
          'notional',
        ])
          expect(o).toHaveProperty(k);
        expect(o.pnl).toBeCloseTo(o.finalEquity - 100_000, 1);
        expect(o.maxDrawdownPct).toBeLessThanOrEqual(0);
      }
      expect(report.series.heldBackCumulative[arm]).toHaveLength(n);
    }
    expect(report.comparison[report.strategies[0]!.name]).toHaveProperty('policy');
  });

  it('a bot at absurd leverage through the 2025-10-10 crash is liquidated without the policy (venue reports and ledger)', async () => {
    // 50x on a 10k account: quotes of 250k a side; a bid filled into the cascade is a 25x long.
    const w: Window = {
      spec: 'mm:leverage=50,size=0.5',
      from: '2025-10-10T18:00:00Z',
      to: '2025-10-11T06:00:00Z',
      warmupDays: 2,
    };
    const run = await runBacktest(options(w, { symbols: ['ETH/USDT:USDT'], balance: '10000' }));
    const baseline = run.arms.find((a) => a.arm === 'baseline')!;
    const liqs = baseline.recorder.liquidations;
    expect(liqs.length).toBeGreaterThan(0);
    expect(liqs.every((l) => l.strategy === 'mm' && l.symbol === 'ETH/USDT:USDT' && l.quantity > 0)).toBe(true);
    // The cascade is down: the forced order sells (a long liquidated), in the cascade's hours.
    expect(
      liqs.some(
        (l) =>
          l.side === 'sell' && l.ts >= Date.parse('2025-10-10T20:00:00Z') && l.ts <= Date.parse('2025-10-10T23:00:00Z'),
      ),
    ).toBe(true);
    expect(baseline.ledger.mm?.liquidation).toBeLessThan(0);
    const equity = baseline.recorder.series.get('mm')!.equity;
    expect(equity[equity.length - 1]!).toBeLessThan(10_000 * 0.5);
  });

  it('writes report.json and report.html; the HTML escapes every text', () => {
    const { json, html } = writeReport(first, join(first.options.workDir, '..'));
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|https?:\/\//);

    const evil = '<script>alert("x")</script>&';
    const hostile: ReplayReport = JSON.parse(JSON.stringify(report));
    const arms = hostile.arms as unknown as Record<
      string,
      {
        policy: { id: string };
        label: string;
        decisions: { byRule: Record<string, number>; samples: { detail?: string }[] };
      }
    >;
    arms.policy!.policy.id = evil;
    arms.policy!.label = evil;
    arms.policy!.decisions.byRule[evil] = 3;
    if (arms.policy!.decisions.samples[0]) arms.policy!.decisions.samples[0].detail = evil;
    (hostile.dataNotes as string[]).push(evil);
    const h = renderReportHtml(hostile);
    expect(h).not.toContain('<script>');
    expect(h).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
  });
});
