/** The backtest engine: for each arm (the policy under test, then the permissive baseline) a
 * fresh real gateway on a ManualClock, stepped bar by bar over the historical window. At each
 * step the clock moves, the bars up to it are ingested (feature view, simulated venue, policy
 * state), the strategies look at the bars and their account and submit through
 * `pipeline.submit`, and the recorder keeps decisions, equity and the venue's liquidations.
 * Deterministic: same data, specs and policy give the same result. */
import { ManualClock } from '../core/clock.js';
import { LiqguardError } from '../core/errors.js';
import { sequentialIds, type IdGenerator } from '../core/ids.js';
import type { BarEvent, MarketEvent, OrderIntent, RegimeLabel } from '../core/types.js';
import { SimulatedVenue } from '../execution/simulated/index.js';
import { buildGateway, type Gateway } from '../gateway/gateway.js';
import { createReplayFeed } from '../market/replay/sources.js';
import type { ReplayFeed } from '../market/replay/feed.js';
import { clientIdOf, prepareArms, type Arm, type ArmSetup } from './config.js';
import { ArmRecorder } from './recorder.js';
import { ManualTimers } from '../execution/split/index.js';
import type { StrategySpec } from './spec.js';
import { createStrategy, type BarView, type OrderRequest, type Strategy, type StrategyView } from './strategies.js';
import { decimalStringOf } from '../core/decimal.js';

const HOUR_MS = 3_600_000;
const HISTORY_LIMIT = 2_000; // bars kept per symbol for the strategies (lookback ≤ 1000)

export interface BacktestOptions {
  readonly dataDir: string;
  readonly symbols: readonly string[];
  readonly from: number; // epoch ms, first step
  readonly to: number; // epoch ms, last step (inclusive)
  readonly warmupFrom: number;
  readonly strategies: readonly StrategySpec[];
  readonly balance: string;
  readonly policyFile: string;
  readonly workDir: string;
  readonly model?: string; // model card or models dir; default the package's models/ (baseline when absent)
  /** Called after every step: arm, steps done, steps in the arm. */
  readonly progress?: (arm: Arm, done: number, total: number) => void;
}

interface MarketSeries {
  readonly close: number[];
  readonly low: number[]; // lowest low since the previous step: closes hide intra-hour wicks
  readonly high: number[];
  readonly regime: RegimeLabel[];
  readonly probability: (number | null)[];
}

export interface ArmRun {
  readonly arm: Arm;
  readonly policy: { readonly id: string; readonly version: number; readonly sha256: string; readonly file: string };
  readonly recorder: ArmRecorder;
  /** Wallet movements by kind over the run (realised PnL, fees, funding, liquidation), per strategy. */
  readonly ledger: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly auditDir: string;
}

export interface BacktestRun {
  readonly options: BacktestOptions;
  readonly steps: readonly number[];
  readonly market: Readonly<Record<string, MarketSeries>>;
  readonly scorer: { readonly kind: 'baseline' | 'model'; readonly id: string; readonly sha256: string };
  readonly dataNotes: readonly string[];
  readonly arms: readonly ArmRun[];
}

/** Hourly steps from `from` to `to` inclusive. */
function stepTimes(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += HOUR_MS) out.push(t);
  return out;
}

export async function runBacktest(o: BacktestOptions): Promise<BacktestRun> {
  if (!(o.from < o.to)) throw new RangeError('backtest window: from must be before to');
  const arms = prepareArms({
    policyFile: o.policyFile,
    symbols: o.symbols,
    strategies: o.strategies,
    balance: o.balance,
    workDir: o.workDir,
    ...(o.model ? { model: o.model } : {}),
  });
  const { feed, notes } = await createReplayFeed({
    dataDir: o.dataDir,
    symbols: o.symbols,
    from: o.from,
    to: o.to,
    warmupFrom: o.warmupFrom,
  });
  checkCoverage(feed, o);
  const steps = stepTimes(o.from, o.to);
  const market: Record<string, MarketSeries> = Object.fromEntries(
    o.symbols.map((s) => [s, { close: [], low: [], high: [], regime: [], probability: [] }]),
  );
  const results: ArmRun[] = [];
  let scorer: BacktestRun['scorer'] | undefined;
  for (const setup of arms) {
    feed.rewind();
    const recordMarket = results.length === 0; // the market is the same in both arms
    const r = await runArm(o, setup, feed, steps, recordMarket ? market : undefined);
    scorer ??= r.scorer;
    results.push(r.run);
  }
  return { options: o, steps, market, scorer: scorer!, dataNotes: notes, arms: results };
}

async function runArm(
  o: BacktestOptions,
  setup: ArmSetup,
  feed: ReplayFeed,
  steps: readonly number[],
  market: Record<string, MarketSeries> | undefined,
): Promise<{ run: ArmRun; scorer: BacktestRun['scorer'] }> {
  const clock = new ManualClock(o.warmupFrom);
  const ids = sequentialIds();
  // Split children on replay time (manual timers on the backtest clock); throttles never wait.
  const timers = new ManualTimers(clock);
  const gw = await buildGateway(setup.config, {
    clock,
    wallClock: clock,
    ids,
    logger: false,
    timers,
    admission: false,
  });
  try {
    const venue = gw.venues.get('sim');
    if (!(venue instanceof SimulatedVenue)) throw new Error('backtest: the gateway has no simulated venue "sim"');
    const strategies = o.strategies.map((spec) => ({ spec, clientId: clientIdOf(spec), bot: createStrategy(spec) }));
    const rec = new ArmRecorder(strategies.map((s) => ({ name: s.spec.name, account: s.clientId })));
    const stopReports = venue.exchange.onReport((r) => rec.report(r));
    const stopBus = gw.bus.subscribe((e) => {
      if (e.type === 'execution' && e.report.status === 'rejected') rec.venueReject(e.report);
      if (e.type === 'latch') rec.latch(e);
    });

    const history = new Map<string, BarView[]>(o.symbols.map((s) => [s, []]));
    const sink = {
      ingest(e: MarketEvent) {
        gw.ingest(e);
        if (e.type === 'bar') pushBar(history.get(e.symbol), e);
      },
    };
    feed.warmup(sink);

    for (let i = 0; i < steps.length; i++) {
      const t = steps[i]!;
      await timers.advance(t - clock.now()); // split children due before t go out first, at their times
      feed.stepTo(t, sink);
      if (market) await recordMarket(gw, market, history, t);
      for (const s of strategies) await runStrategy(gw, venue, s, history, o.symbols, t, rec, ids);
      const eq = new Map<string, { equity: number; gross: number }>();
      for (const s of strategies) {
        const st = venue.accountStateSync(s.clientId);
        let gross = 0;
        for (const p of st.positions)
          gross += Math.abs(Number(p.quantity)) * Number(venue.markPrice(p.symbol) ?? p.entryPrice);
        eq.set(s.spec.name, { equity: Number(st.marginBalance), gross });
      }
      rec.step(eq);
      o.progress?.(setup.arm, i + 1, steps.length);
    }
    stopReports();
    stopBus();

    const ledger: Record<string, Record<string, number>> = {};
    for (const s of strategies) {
      const sums: Record<string, number> = {};
      for (const e of venue.exchange.ledger(s.clientId)) sums[e.kind] = (sums[e.kind] ?? 0) + Number(e.amount);
      ledger[s.spec.name] = sums;
    }
    const set = gw.policies.enforcing;
    const sc = gw.scorer();
    return {
      run: {
        arm: setup.arm,
        policy: { id: set.id, version: set.version, sha256: set.sha256, file: setup.policyFile },
        recorder: rec,
        ledger,
        auditDir: setup.config.audit.dir,
      },
      scorer: { kind: sc.kind, id: sc.id, sha256: sc.sha256 },
    };
  } finally {
    await gw.close();
  }
}

/** Every symbol needs bars in the window, or the run would trade nothing there without saying so. */
function checkCoverage(feed: ReplayFeed, o: BacktestOptions): void {
  const bars = new Map<string, { first: number; last: number; n: number }>();
  for (let i = feed.visibleStart; i < feed.events.length; i++) {
    const e = feed.events[i]!;
    if (e.type !== 'bar') continue;
    const b = bars.get(e.symbol);
    if (b) ((b.last = e.ts), b.n++);
    else bars.set(e.symbol, { first: e.ts, last: e.ts, n: 1 });
  }
  const iso = (t: number) => new Date(t).toISOString();
  const details = o.symbols
    .filter((s) => !bars.has(s))
    .map((s) => ({
      path: s,
      message:
        `no hourly bars between ${iso(o.from)} and ${iso(o.to)} in ${o.dataDir}/binance_um_klines_1h ` +
        `(see its PROVENANCE.md for the span)`,
    }));
  if (details.length)
    throw new LiqguardError(
      'INVALID_REQUEST',
      `replay window: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
}

function pushBar(h: BarView[] | undefined, e: BarEvent): void {
  if (!h) return;
  h.push({ ts: e.ts, open: e.open, high: e.high, low: e.low, close: e.close });
  if (h.length > HISTORY_LIMIT * 1.5) h.splice(0, h.length - HISTORY_LIMIT);
}

async function recordMarket(
  gw: Gateway,
  market: Record<string, MarketSeries>,
  history: ReadonlyMap<string, BarView[]>,
  t: number,
): Promise<void> {
  for (const [symbol, m] of Object.entries(market)) {
    const h = history.get(symbol)!;
    const prev = t - HOUR_MS;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = h.length - 1; i >= 0 && h[i]!.ts > prev; i--)
      ((lo = Math.min(lo, h[i]!.low)), (hi = Math.max(hi, h[i]!.high)));
    m.close.push(h.length ? h[h.length - 1]!.close : NaN);
    m.low.push(Number.isFinite(lo) ? lo : NaN);
    m.high.push(Number.isFinite(hi) ? hi : NaN);
    const score = await gw.scorer().score(gw.market.snapshot(symbol, t), t);
    m.regime.push(score.regime);
    m.probability.push(score.status === 'ok' ? score.probability : null);
  }
}

async function runStrategy(
  gw: Gateway,
  venue: SimulatedVenue,
  s: { spec: StrategySpec; clientId: string; bot: Strategy },
  history: ReadonlyMap<string, BarView[]>,
  symbols: readonly string[],
  t: number,
  rec: ArmRecorder,
  ids: IdGenerator,
): Promise<void> {
  const view: StrategyView = {
    now: t,
    symbols,
    history: (symbol) => history.get(symbol) ?? [],
    account: () => venue.accountStateSync(s.clientId),
    instrument: (symbol) => venue.instrument(symbol)!,
  };
  for (const a of s.bot.decide(view)) {
    if (a.kind === 'cancel_all') {
      await gw.pipeline.cancelWhere((p) => p.intent.clientId === s.clientId, `${s.spec.name}: quote replaced`);
      continue;
    }
    const intent = toIntent(ids, s.clientId, a.order, t);
    const res = await gw.pipeline.submit(intent);
    const h = history.get(a.order.symbol)!;
    const px = a.order.price ? Number(a.order.price) : h.length ? h[h.length - 1]!.close : NaN;
    const d = res.decision;
    rec.decision(
      {
        ts: t,
        strategy: s.spec.name,
        symbol: intent.symbol,
        side: intent.side,
        type: intent.type,
        reduceOnly: intent.reduceOnly,
        kind: d.kind,
        ...(d.code ? { code: d.code } : {}),
        ...(d.detail ? { detail: d.detail } : {}),
        regime: res.regime.regime,
        requestedNotional: Number(intent.quantity) * px,
        approvedNotional: Number(d.approvedQuantity) * px,
      },
      d,
    );
  }
}

/** The OrderIntent a bot's request becomes (as ingress/routes-orders.ts toIntent builds it). */
function toIntent(ids: IdGenerator, clientId: string, o: OrderRequest, now: number): OrderIntent {
  const id = ids.next('ord');
  return {
    intentId: id,
    clientOrderId: id,
    clientId,
    account: clientId,
    venue: 'sim',
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    // A strategy is a bot: its decimals enter through the same parser as a request body's.
    quantity: decimalStringOf(o.quantity, { sign: 'positive' }),
    ...(o.price ? { price: decimalStringOf(o.price, { sign: 'positive' }) } : {}),
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly,
    leverage: decimalStringOf(o.leverage, { sign: 'positive' }),
    timeInForce: o.timeInForce,
    receivedAt: now,
    transport: 'replay',
  };
}
