/** Turns a backtest run into the report document (report.json): per arm and strategy the
 * account outcomes (liquidations, drawdown, PnL and its parts), the decisions by regime and
 * action, the notional held back, and the series the HTML charts draw. Pure and deterministic:
 * no wall time, no absolute paths. */
import { basename, relative } from 'node:path';
import type { DecisionKind, RegimeLabel } from '../core/types.js';
import { clientIdOf, type Arm } from './config.js';
import { KINDS, REGIMES, type DecisionRecord, type LiquidationRecord } from './recorder.js';
import type { ArmRun, BacktestRun } from './run.js';
import { formatStrategySpec } from './spec.js';

const REPORT_VERSION = 1;

interface StrategyOutcome {
  readonly finalEquity: number;
  readonly pnl: number;
  readonly pnlPct: number;
  readonly maxDrawdownPct: number; // ≤ 0, from the running peak (starting at the balance)
  readonly liquidationEvents: number; // distinct times the venue liquidated the account
  readonly positionsLiquidated: number; // forced close orders (cross: every position of the account)
  readonly liquidatedNotional: number;
  readonly avgGrossLeverage: number; // mean of gross position notional / equity over the steps
  readonly maxGrossLeverage: number;
  readonly pnlParts: Readonly<Record<string, number>>; // ledger sums: trade, fee, funding, liquidation, liquidation_fee
  readonly orders: {
    readonly submitted: number;
    readonly byKind: Readonly<Record<DecisionKind, number>>;
    readonly fills: number;
    readonly venueRejects: Readonly<Record<string, number>>;
  };
  readonly notional: { readonly requested: number; readonly approved: number; readonly heldBack: number };
}

export interface ArmReport {
  readonly arm: Arm;
  readonly label: string;
  readonly policy: { readonly id: string; readonly version: number; readonly sha256: string; readonly source: string };
  readonly auditDir: string; // relative to the report directory
  readonly strategies: Readonly<Record<string, StrategyOutcome>>;
  readonly decisions: {
    readonly total: number;
    readonly byRegime: Readonly<Record<RegimeLabel, Readonly<Record<DecisionKind, number>>>>;
    readonly notionalByRegime: Readonly<Record<RegimeLabel, { requested: number; approved: number; heldBack: number }>>;
    readonly byCode: Readonly<Record<string, number>>;
    readonly byRule: Readonly<Record<string, number>>;
    readonly heldBack: number;
    readonly samples: readonly (Omit<DecisionRecord, 'ts'> & { readonly time: string })[];
  };
  readonly liquidations: readonly (Omit<LiquidationRecord, 'ts'> & { readonly time: string })[];
  /** Loss-limit latches and their release (period roll), in replay time. */
  readonly latches: readonly {
    readonly time: string;
    readonly level: string;
    readonly id: string;
    readonly state: string;
    readonly reason: string;
  }[];
}

export interface ReplayReport {
  readonly report: 'liqguard-replay';
  readonly version: number;
  readonly window: {
    readonly from: string;
    readonly to: string;
    readonly warmupFrom: string;
    readonly steps: number;
    readonly stepMs: number;
  };
  readonly symbols: readonly string[];
  readonly balance: string;
  readonly scorer: { readonly kind: string; readonly id: string; readonly sha256: string; readonly note: string };
  readonly strategies: readonly {
    readonly name: string;
    readonly kind: string;
    readonly spec: string;
    readonly account: string;
  }[];
  readonly arms: { readonly policy: ArmReport; readonly baseline: ArmReport };
  readonly comparison: Readonly<Record<string, { readonly policy: ComparisonRow; readonly baseline: ComparisonRow }>>;
  readonly regimeHours: Readonly<Record<string, Readonly<Record<RegimeLabel, number>>>>;
  readonly series: {
    readonly ts: readonly number[];
    readonly market: Readonly<
      Record<
        string,
        {
          close: readonly number[];
          low: readonly number[];
          high: readonly number[];
          regime: readonly RegimeLabel[];
          probability: readonly (number | null)[];
        }
      >
    >;
    readonly equity: Readonly<Record<Arm, Readonly<Record<string, readonly number[]>>>>;
    readonly drawdownPct: Readonly<Record<Arm, Readonly<Record<string, readonly number[]>>>>;
    readonly heldBackCumulative: Readonly<Record<Arm, readonly number[]>>;
  };
  readonly notes: readonly string[];
  readonly dataNotes: readonly string[];
}

interface ComparisonRow {
  readonly liquidationEvents: number;
  readonly maxDrawdownPct: number;
  readonly pnl: number;
  readonly pnlPct: number;
  readonly avgGrossLeverage: number;
}

const r2 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 100) / 100 : 0);
const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const sig = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(10)) : 0);
const iso = (t: number): string => new Date(t).toISOString();
const sortedObject = <V>(m: ReadonlyMap<string, V>): Record<string, V> =>
  Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function drawdownSeries(equity: readonly number[], start: number): number[] {
  let peak = start;
  return equity.map((e) => {
    peak = Math.max(peak, e);
    return peak > 0 ? r4((e / peak - 1) * 100) : 0;
  });
}

function outcome(run: ArmRun, name: string, balance: number): StrategyOutcome {
  const rec = run.recorder;
  const series = rec.series.get(name)!;
  const tally = rec.strategies.get(name)!;
  const eq = series.equity;
  const final = eq.length ? eq[eq.length - 1]! : balance;
  const dd = drawdownSeries(eq, balance);
  const lev = eq.map((e, i) => (e > 0 ? series.gross[i]! / e : 0));
  const liqs = rec.liquidations.filter((l) => l.strategy === name);
  const parts = Object.fromEntries(
    Object.entries(run.ledger[name] ?? {})
      .filter(([k]) => k !== 'deposit')
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, r2(v)]),
  );
  return {
    finalEquity: r2(final),
    pnl: r2(final - balance),
    pnlPct: r2(((final - balance) / balance) * 100),
    maxDrawdownPct: r2(Math.min(0, ...dd)),
    liquidationEvents: new Set(liqs.map((l) => l.ts)).size,
    positionsLiquidated: liqs.length,
    liquidatedNotional: r2(liqs.reduce((a, l) => a + l.notional, 0)),
    avgGrossLeverage: r2(lev.length ? lev.reduce((a, b) => a + b, 0) / lev.length : 0),
    maxGrossLeverage: r2(Math.max(0, ...lev)),
    pnlParts: parts,
    orders: {
      submitted: tally.submitted,
      byKind: { ...tally.byKind },
      fills: tally.fills,
      venueRejects: sortedObject(new Map(Object.entries(tally.venueRejects))),
    },
    notional: {
      requested: r2(tally.requested),
      approved: r2(tally.approved),
      heldBack: r2(tally.requested - tally.approved),
    },
  };
}

function armReport(run: ArmRun, b: BacktestRun, outDir: string): ArmReport {
  const rec = run.recorder;
  const balance = Number(b.options.balance);
  const byRegime = Object.fromEntries(
    REGIMES.map((r) => [r, Object.fromEntries(KINDS.map((k) => [k, rec.byRegime.get(r)![k]]))]),
  ) as ArmReport['decisions']['byRegime'];
  const notionalByRegime = Object.fromEntries(
    REGIMES.map((r) => {
      const n = rec.notionalByRegime.get(r)!;
      return [r, { requested: r2(n.requested), approved: r2(n.approved), heldBack: r2(n.requested - n.approved) }];
    }),
  ) as ArmReport['decisions']['notionalByRegime'];
  const total = REGIMES.reduce((a, r) => a + KINDS.reduce((x, k) => x + rec.byRegime.get(r)![k], 0), 0);
  return {
    arm: run.arm,
    label: run.arm === 'policy' ? `with policy ${run.policy.id}` : 'without policy',
    policy: {
      id: run.policy.id,
      version: run.policy.version,
      sha256: run.policy.sha256,
      source: run.arm === 'policy' ? basename(b.options.policyFile) : 'generated: one rule that never matches',
    },
    auditDir: relative(outDir, run.auditDir).split('\\').join('/'),
    strategies: Object.fromEntries(b.options.strategies.map((s) => [s.name, outcome(run, s.name, balance)])),
    decisions: {
      total,
      byRegime,
      notionalByRegime,
      byCode: sortedObject(rec.byCode),
      byRule: sortedObject(rec.byRule),
      heldBack: r2(rec.heldBackCumulative[rec.heldBackCumulative.length - 1] ?? 0),
      samples: rec.samples.map(({ ts, ...d }) => ({
        time: iso(ts),
        ...d,
        requestedNotional: r2(d.requestedNotional),
        approvedNotional: r2(d.approvedNotional),
      })),
    },
    liquidations: rec.liquidations.map(({ ts, ...l }) => ({
      time: iso(ts),
      ...l,
      price: sig(l.price),
      notional: r2(l.notional),
    })),
    latches: rec.latches.map(({ ts, ...l }) => ({ time: iso(ts), ...l })),
  };
}

export function buildReport(b: BacktestRun, outDir: string): ReplayReport {
  const o = b.options;
  const arm = (a: Arm): ArmRun => b.arms.find((x) => x.arm === a)!;
  const arms = { policy: armReport(arm('policy'), b, outDir), baseline: armReport(arm('baseline'), b, outDir) };
  const row = (x: StrategyOutcome): ComparisonRow => ({
    liquidationEvents: x.liquidationEvents,
    maxDrawdownPct: x.maxDrawdownPct,
    pnl: x.pnl,
    pnlPct: x.pnlPct,
    avgGrossLeverage: x.avgGrossLeverage,
  });
  const comparison = Object.fromEntries(
    o.strategies.map((s) => [
      s.name,
      { policy: row(arms.policy.strategies[s.name]!), baseline: row(arms.baseline.strategies[s.name]!) },
    ]),
  );
  const balance = Number(o.balance);
  const perArm = <T>(f: (r: ArmRun) => T): Record<Arm, T> => ({
    policy: f(arm('policy')),
    baseline: f(arm('baseline')),
  });
  const regimeHours = Object.fromEntries(
    Object.entries(b.market).map(([s, m]) => [
      s,
      Object.fromEntries(REGIMES.map((r) => [r, m.regime.filter((x) => x === r).length])),
    ]),
  ) as ReplayReport['regimeHours'];
  return {
    report: 'liqguard-replay',
    version: REPORT_VERSION,
    window: {
      from: iso(o.from),
      to: iso(o.to),
      warmupFrom: iso(o.warmupFrom),
      steps: b.steps.length,
      stepMs: 3_600_000,
    },
    symbols: [...o.symbols],
    balance: o.balance,
    scorer: {
      ...b.scorer,
      note:
        b.scorer.kind === 'model'
          ? 'trained regime model (ONNX, models/)'
          : 'baseline scorer: volatility and drawdown percentiles, not a trained model (no models/default.json was found)',
    },
    strategies: o.strategies.map((s) => ({
      name: s.name,
      kind: s.kind,
      spec: formatStrategySpec(s),
      account: clientIdOf(s),
    })),
    arms,
    comparison,
    regimeHours,
    series: {
      ts: [...b.steps],
      market: Object.fromEntries(
        Object.entries(b.market).map(([s, m]) => [
          s,
          {
            close: m.close.map(sig),
            low: m.low.map(sig),
            high: m.high.map(sig),
            regime: [...m.regime],
            probability: m.probability.map((p) => (p === null ? null : r4(p))),
          },
        ]),
      ),
      equity: perArm((r) => Object.fromEntries([...r.recorder.series].map(([n, s]) => [n, s.equity.map(r2)]))),
      drawdownPct: perArm((r) =>
        Object.fromEntries([...r.recorder.series].map(([n, s]) => [n, drawdownSeries(s.equity, balance)])),
      ),
      heldBackCumulative: perArm((r) => r.recorder.heldBackCumulative.map(r2)),
    },
    notes: [
      'Both arms run the same gateway build, data, strategies and scorer; only the enforced policy set differs.',
      'One step per hour: at each bar close the bots see the bar and their account and submit through pipeline.submit; market orders fill at once with the simulated impact model, limit quotes rest for the next hour.',
      'Split orders are sent at once (the backtest gateway has no deferred dispatcher) and throttle rules do not wait (no admission limiter): at one step per hour neither binds.',
      'Notional held back sums (requested − approved) × price over every order: a bot that asks again each hour is counted each time. Average gross leverage shows the exposure actually held.',
      "Liquidations come from the simulated venue's forced-close reports (cross margin: one event closes every position of the account).",
    ],
    dataNotes: [...b.dataNotes],
  };
}
