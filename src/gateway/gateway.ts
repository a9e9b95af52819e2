/** Composition root: builds the real stages from a validated config and hands them to the
 * pipeline and the HTTP app. No listening here (server.ts does that), so tests and benchmarks
 * build whole gateways on port 0.
 *
 * Clocks: in replay mode, decisions run on replay time (the market and the simulated venue live
 * in 2025), while the audit log stamps records with wall time, because compliance queries the
 * log by when things happened. */
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp, type HealthReport } from '../app.js';
import type { GatewayConfig } from '../config/types.js';
import { systemClock, type Clock } from '../core/clock.js';
import { randomIds, type IdGenerator } from '../core/ids.js';
import type { AuditAppender } from '../core/stages.js';
import type { MarketEvent, RegimeScorer, Venue } from '../core/types.js';
import { EventBus } from '../core/events.js';
import { OrderStore } from '../execution/order-store.js';
import { createSimulatedVenue, type SimulatedVenue } from '../execution/simulated/index.js';
import { openAuditLog } from '../audit/writer.js';
import { AuditAnchor } from '../audit/anchor.js';
import { VenueHealth, type ProbedVenue } from '../execution/venue-health.js';
import { healthReport } from './health.js';
import { openAnchorStore } from '../audit/anchor-stores.js';
import { createMarketView } from '../market/view/market-view.js';
import { defaultFeatureConfig, featureCatalog } from '../market/features/config.js';
import { createReplayFeed } from '../market/replay/sources.js';
import { TimedReplay } from '../market/replay/timed-replay.js';
import { createLiveFeed, type LiveFeed } from '../market/live/index.js';
import pino from 'pino';
import type { FeatureMarketView } from '../market/view/market-view.js';
import { createMetrics, type Metrics } from './metrics.js';
import { Pipeline } from '../pipeline.js';
import { evaluate, InMemoryPolicyState, PolicyManager, TradingStateStore, type PolicySet } from '../policy/index.js';
import type { PolicyEvaluator } from '../core/stages.js';
import type { Decision, RegimeLabel, RiskContext } from '../core/types.js';
import { Admission } from '../execution/admission/index.js';
import { SplitScheduler, type Timers } from '../execution/split/index.js';
import { createCcxtVenue } from '../execution/ccxt/index.js';
import { binanceFrontDoor } from '../ingress/binance/index.js';
import { wsOrderEntry } from '../ingress/ws-orders.js';
import { BaselineScorer } from '../scoring/baseline-scorer.js';
import { loadModel } from '../scoring/load-model.js';
import { OnnxRegimeScorer } from '../scoring/onnx-scorer.js';
import { bindClusterOrders } from '../cluster/remote-orders.js';
import { presentOrder } from '../ingress/present.js';
import { makeExposureFn } from '../account/risk-inputs.js';
import { auditRoutes } from '../ingress/routes-audit.js';
import { createOperatorSurface } from '../dashboard/operator-surface.js';
import { createCluster, type Cluster } from '../cluster/index.js';
import { wireObservers } from './observers.js';
import { conditionalRouting, HeldJournal, killCancels, TriggerHolder } from '../execution/conditional/index.js';
import { isProtectiveIntent } from '../core/conditional.js';
import { createGatewayLimits, type GatewayLimits } from './limits.js';
import { startAlerting } from '../alerts/index.js';
import type { AlertDispatcher } from '../alerts/index.js';
import { watchAuditWrites } from '../audit/failure-watch.js';
import { CcxtVenue } from '../execution/ccxt/index.js';
import { DeadmanKeeper } from '../execution/deadman/index.js';
import { DEMO_API_KEY } from '../config/embedded-default.js';

export interface GatewayOptions {
  readonly logger?: FastifyServerOptions['logger'] | false;
  /** Wall clock (audit timestamps, timers). Default: the system clock. */
  readonly wallClock?: Clock;
  readonly ids?: IdGenerator;
  /** Decision clock for backtests (with market.source 'none'): the caller drives time and feeds
   * events through Gateway.ingest. Default: replay time in replay mode, wall time otherwise. */
  readonly clock?: Clock;
  /** Timers of the split scheduler, in decision time (backtests pass ManualTimers on their
   * clock). Default: real timers, scaled by the replay speed in replay mode. */
  readonly timers?: Timers;
  /** Throttle admission: false turns waiting off (backtests step an hour at a time, where a
   * per-second rate cannot bind); throttle rules are still evaluated and traced. */
  readonly admission?: false;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly config: GatewayConfig;
  readonly pipeline: Pipeline;
  readonly market: FeatureMarketView;
  readonly venues: ReadonlyMap<string, Venue>;
  readonly policies: PolicyManager;
  readonly tradingState: TradingStateStore;
  readonly audit: AuditAppender;
  readonly bus: EventBus;
  readonly metrics: Metrics;
  readonly orders: OrderStore;
  /** Conditional orders held by the gateway until they trigger. */
  readonly conditionals: TriggerHolder;
  scorer(): RegimeScorer;
  /** Decision clock: replay time in replay mode, wall time otherwise. */
  readonly clock: Clock;
  readonly replay?: TimedReplay;
  /** The Binance USD-M-compatible front door and the WebSocket order entry (mounted). */
  readonly frontDoor: ReturnType<typeof binanceFrontDoor>;
  readonly wsOrders: ReturnType<typeof wsOrderEntry>;
  /** Hierarchy limits: PnL per scope, latches, message counters (src/limits). */
  readonly limits: GatewayLimits;
  /** The venue dead-man switch keeper (when `deadman.enabled`). */
  readonly deadman?: DeadmanKeeper;
  /** Webhook alerts (when `alerts:` is configured). */
  readonly alerts?: AlertDispatcher;
  /** Feed one market event to the feature view, the simulated venues and the policy state. */
  ingest(event: MarketEvent): void;
  /** Drop market state (a looping replay restarts in the past). */
  resetMarket(): void;
  /** Start market data (replay timers / live feeds) and the policy watcher. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function buildGateway(config: GatewayConfig, opts: GatewayOptions = {}): Promise<Gateway> {
  const wall = opts.wallClock ?? systemClock;
  const ids = opts.ids ?? randomIds(wall);
  const metrics = createMetrics({ defaultMetrics: true });
  const bus = new EventBus();

  // Audit first: if the log cannot be opened (or its chain is broken), nothing else starts.
  // Watched: the first failed write becomes an audit_failure event (alerts; the dead-man switch stops refreshing).
  const auditLog = openAuditLog(config.audit, config.instance, wall, config.secrets, {
    onTornTail: config.audit.onTornTail,
  });
  const audit = watchAuditWrites(auditLog, (err) =>
    bus.publish({ type: 'audit_failure', ts: wall.now(), error: err.message }),
  );
  const alerting = config.alerts
    ? startAlerting({
        config: config.alerts,
        bus,
        instance: config.instance,
        clock: wall,
        audit,
        registry: metrics.registry,
      })
    : undefined;
  let anchor: AuditAnchor | undefined;
  audit.append('config_load', {
    sha256: config.sha256,
    venues: config.venues.map((v) => ({ id: v.id, kind: v.kind })),
    clients: config.clients.map((c) => c.id),
  });

  // Market data: one feature view; replay drives it (and the simulated venues) in replay mode.
  const market = createMarketView({ staleAfterMs: { bar: config.market.staleAfterMs } });
  let replay: TimedReplay | undefined;
  let clock: Clock = opts.clock ?? wall;
  const simVenues: SimulatedVenue[] = [];
  const clockRef: Clock = { now: () => clock.now() };
  const venues = new Map<string, Venue>();
  for (const v of config.venues) {
    if (v.kind === 'simulated') {
      const sim = createSimulatedVenue({ id: v.id, symbols: v.symbols, initialBalance: v.initialBalance }, clockRef);
      simVenues.push(sim);
      venues.set(v.id, sim);
    } else {
      // A real exchange through ccxt: markets loaded (a symbol the venue does not list fails the
      // start), credentials from env, ccxt's limiter off, the shared venue budget on.
      venues.set(
        v.id,
        await createCcxtVenue(v, {
          clock: clockRef,
          wallClock: wall,
          registry: metrics.registry,
          logger: pino({ level: config.server.logLevel, base: { component: `venue-${v.id}` } }),
          ...(config.cluster ? { options: { accountMaxStaleMs: config.cluster.accountViewMaxAgeMs } } : {}),
        }),
      );
    }
  }
  // Venue bans (HTTP 418 seen by the venue budget) become events (alerts).
  for (const v of venues.values())
    if (v instanceof CcxtVenue)
      v.budget.onBan((until) => bus.publish({ type: 'venue_ban', ts: wall.now(), venue: v.id, until }));
  const symbols = [...new Set(config.venues.flatMap((v) => v.symbols))];
  // Cluster mode: limits, kill switch, overrides and policy version shared on Redis. The shared
  // state classes extend the local ones, so everything below takes either.
  const cluster: Cluster | undefined = config.cluster
    ? await createCluster(config.cluster, {
        instance: config.instance,
        stateDir: config.state.dir,
        wallClock: wall,
        registry: metrics.registry,
        logger: pino({ level: config.server.logLevel, base: { component: 'cluster' } }),
      })
    : undefined;
  const policyState: InMemoryPolicyState = cluster?.policyState ?? new InMemoryPolicyState();
  let frontDoorRef: ReturnType<typeof binanceFrontDoor> | undefined;
  let conditionalRef: TriggerHolder | undefined;
  let limitsRef: GatewayLimits | undefined;
  const sink = {
    ingest(e: MarketEvent) {
      market.ingest(e);
      frontDoorRef?.ingest(e);
      conditionalRef?.ingest(e);
      for (const s of simVenues) s.ingest(e);
      limitsRef?.ingest(e);
      if (e.type === 'bar') policyState.recordPrice(e.symbol, e.ts, e.close);
      else if (e.type === 'mark') policyState.recordPrice(e.symbol, e.ts, e.markPrice);
    },
    reset() {
      market.reset();
      frontDoorRef?.reset();
    },
  };
  if (config.market.source === 'replay') {
    const r = config.market.replay;
    const { feed, notes } = await createReplayFeed({
      dataDir: r.dataDir,
      symbols,
      from: r.from,
      to: r.to,
      warmupFrom: r.warmupFrom,
    });
    replay = new TimedReplay(feed, sink, { clock: wall, speed: { barsPerSecond: r.barsPerSecond }, loop: r.loop });
    clock = replay.replayClock();
    audit.append('startup', {
      market: 'replay',
      notes,
      window: { from: r.from, to: r.to, warmupFrom: r.warmupFrom },
      barsPerSecond: r.barsPerSecond,
    });
  }
  // Live market data through ccxt for every ccxt venue: events feed the same view and state.
  let live: LiveFeed | undefined;
  if (config.market.source === 'live') {
    const feedLogger = pino({ level: config.server.logLevel, base: { component: 'market-live' } });
    live = createLiveFeed({
      venues: config.venues
        .filter((v) => v.kind === 'ccxt')
        .map((v) => ({
          id: v.id,
          exchangeId: v.exchangeId!,
          symbols: v.symbols,
          ...(v.urls ? { urls: v.urls } : {}),
          ...(v.apiKey ? { apiKey: v.apiKey } : {}),
          ...(v.secret ? { secret: v.secret } : {}),
        })),
      onEvent: (e) => sink.ingest(e),
      logger: feedLogger,
      clock: wall,
      registry: metrics.registry,
    });
    audit.append('startup', {
      market: 'live',
      venues: config.venues.filter((v) => v.kind === 'ccxt').map((v) => v.id),
    });
  }

  // Scoring and policies: a bad model or policy file refuses to start (the audit log is closed
  // cleanly first, so the chain ends on a whole line).
  let scorer: RegimeScorer;
  let policies: PolicyManager;
  try {
    scorer = await loadScorer(config, audit);
    policies = new PolicyManager({
      dir: config.policies.dir,
      enforce: config.policies.enforce,
      ...(config.policies.shadow ? { shadow: config.policies.shadow } : {}),
      state: policyState,
      registry: metrics.registry,
    });
  } catch (err) {
    await cluster?.close();
    await audit.close();
    throw err;
  }
  const tradingState: TradingStateStore = cluster?.tradingState ?? new TradingStateStore(config.state.dir, wall);
  const policySync = await cluster?.bindPolicies(policies);
  cluster?.overrides.attach(bus);
  bus.subscribe((e) => {
    if (e.type === 'policy' && e.ok) void policySync?.publish();
  });
  // The regime gauge follows every regime event (the ticker's and decisions'), not only orders.
  bus.subscribe((e) => (e.type === 'regime' ? metrics.setRegime(e.symbol, e.score) : undefined));
  audit.append('policy_load', {
    enforce: policies.enforcing.id,
    sha256: policies.enforcing.sha256,
    version: policies.enforcing.version,
    ...(policies.shadowing ? { shadow: { id: policies.shadowing.id, sha256: policies.shadowing.sha256 } } : {}),
  });

  const orders = new OrderStore();
  const limits = createGatewayLimits({
    config,
    clock: clockRef,
    orders,
    enforcing: () => policies.enforcing,
    bus,
    audit,
  });
  limitsRef = limits;
  // Operators' surface: dashboard, event stream, kill switch / reload / override routes. It needs
  // the pipeline (to cancel on a kill) and the pipeline needs its observer: bind lazily.
  let pipelineRef: Pipeline | undefined;
  const surface = createOperatorSurface({
    bus,
    clock: clockRef,
    wallClock: wall,
    ids,
    orders,
    market,
    symbols: () => symbols,
    scorer: () => scorer,
    policies,
    tradingState: cluster ? cluster.tradingState.killSwitchStore() : tradingState,
    // A kill leaves protective conditional orders working (see execution/conditional).
    pipeline: { cancelWhere: (f, reason) => pipelineRef!.cancelWhere((p) => f(p) && killCancels(p), reason) },
    audit,
    instance: config.instance,
    overrideOptions: config.overrides,
    // The all-roles demo key goes into the unauthenticated page only for the embedded demo.
    ...(config.embeddedDefault ? { prefillKey: config.clients.find((c) => c.apiKey === DEMO_API_KEY)?.apiKey } : {}),
  });
  const observers = [
    ...wireObservers({ metrics, bus, policyState, policies, tradingState, audit, clock: clockRef }),
    ...(cluster ? [cluster.policyState.observer, cluster.orders.observer] : []),
    surface.observer,
    limits.observer,
  ];
  // Throttles (bottleneck only for orders that match a throttle rule) and the split scheduler.
  const admission = new Admission({
    specFor: (id) => policies.throttleSpec(id),
    ...(cluster ? { bottleneck: cluster.throttles.bottleneck } : {}),
  });
  const lastRegime = new Map<string, RegimeLabel>();
  bus.subscribe((e) => {
    if (e.type === 'regime') lastRegime.set(e.symbol, e.score.regime);
  });
  // Child intervals are in decision time: replay time in replay mode.
  const splitTimers = opts.timers ?? replay?.replayTimers();
  const splits = new SplitScheduler({
    clock: clockRef,
    ...(splitTimers ? { timers: splitTimers } : {}),
    regimeOf: (symbol) => lastRegime.get(symbol) ?? 'unknown',
    endChild: (p, i, status, reason) => orders.endChild(p, i, status, clockRef.now(), undefined, reason),
    onEvent: (e) => audit.append('execution', { intentId: e.intentId, scheduler: e }),
  });
  // The evaluators are built once per policy-set version (a reload swaps the manager's evaluator),
  // not per order: overrides and the cluster guards wrap the set's evaluator, and are looked up
  // inside evaluate().
  const activeOverrides: ActiveOverrides = (ruleId, scope) => [
    ...surface.overrides.activeOverridesFor(ruleId, scope),
    ...(cluster?.overrides.activeFor(ruleId, scope) ?? []),
  ];
  const enforcingEvaluator = perEvaluator(
    () => policies.evaluator(),
    (base) => {
      const e = withOverrides(base, policies.enforcing, activeOverrides, policyState);
      return cluster ? cluster.policyState.bindEvaluator(e) : e;
    },
  );
  const shadowOf = perEvaluator(
    () => policies.shadowEvaluator(),
    (sh) => (cluster ? cluster.policyState.bindEvaluator(sh, { guards: false }) : sh),
  );
  const shadowEvaluator = () => (policies.shadowEvaluator() ? shadowOf() : undefined);
  // Conditional orders the gateway holds (growing ones) are re-submitted at trigger.
  const conditional = new TriggerHolder({
    clock: clockRef,
    ids,
    submit: (i) => pipelineRef!.submit(i),
    cancelParent: (id, reason) => pipelineRef!.cancel(id, reason),
    endHeld: (p, status, reason) =>
      p.children.forEach((_, i) => orders.endChild(p, i, status, clockRef.now(), undefined, reason)),
    regimeOf: (symbol) => lastRegime.get(symbol),
    position: async (i) =>
      (await venues.get(i.venue)!.accountState(i.account)).positions.find((p) => p.symbol === i.symbol)?.quantity ??
      '0',
    audit: (body) => audit.append('execution', body),
    isProtective: isProtectiveIntent,
    journal: new HeldJournal(join(config.state.dir, 'held-conditional.jsonl')),
  });
  conditionalRef = conditional;
  const pipeline = new Pipeline({
    clock: clockRef,
    ids,
    market,
    scorer: () => scorer,
    policy: enforcingEvaluator,
    shadowPolicy: shadowEvaluator,
    tradingState,
    venues,
    limits: (intent, now) => limits.view(intent, now),
    exposure: cluster
      ? cluster.policyState.wrapExposure((state) => makeExposureFn({ venues, policyState: state }))
      : makeExposureFn({ venues, policyState }),
    ...(opts.admission === false ? {} : { admission: (t: Parameters<Admission['admit']>[0]) => admission.admit(t) }),
    deferred: splits,
    conditional: conditionalRouting(conditional),
    audit,
    orders,
    observers,
  });
  pipelineRef = pipeline;
  // Held conditional orders of the previous run are watched again (state dir journal).
  conditional.rearm((r) => orders.add(r.intent, r.decision, r.regime, r.createdAt));
  // Cluster: remote cancels, kills from other replicas cancel here too, DELETE reaches any replica's order.
  const clusterOrders = cluster ? await bindClusterOrders(cluster, pipeline, (p) => presentOrder(p)) : undefined;
  // The venue's dead-man switch, armed per symbol with working orders while the gateway is healthy.
  const dm = config.deadman;
  const deadman = dm.enabled
    ? new DeadmanKeeper({
        venues,
        working: () => orders.working().map((p) => p.intent),
        healthy: () => audit.health(),
        clock: wall,
        countdownMs: dm.countdownMs,
        refreshMs: dm.refreshMs,
        onEvent: (e) => bus.publish({ type: 'deadman', ts: wall.now(), ...e }),
      })
    : undefined;
  if (deadman?.applies)
    bus.subscribe((e) => (e.type === 'decision' || e.type === 'execution' ? deadman.poke() : undefined));

  const venueHealth = new VenueHealth(
    [...venues.values()].filter(
      (v): v is Venue & ProbedVenue => typeof (v as Partial<ProbedVenue>).probe === 'function',
    ),
    wall,
  );
  const health = (): HealthReport =>
    healthReport({
      symbols,
      market,
      clock: clockRef,
      policy: () => policies.enforcing,
      scorer: () => scorer,
      ...(cluster ? { cluster } : {}),
      ...(deadman ? { deadman } : {}),
      venues: venueHealth,
    });

  // Drop-in exchange-compatible ingress: a Binance USD-M API (bots change only their base URL)
  // and WebSocket order entry; both call the same pipeline.submit.
  const frontDoor = binanceFrontDoor({
    pipeline,
    orders,
    venues,
    market,
    clock: clockRef,
    wallClock: wall,
    ids,
    conditionals: conditional,
    bus,
  });
  frontDoorRef = frontDoor;
  const wsOrders = wsOrderEntry({ pipeline, orders, venues, clock: clockRef, ids, bus, deadman: deadman ?? false });
  const app = await buildApp({
    clients: config.clients,
    pipeline,
    orders,
    market,
    scorer: () => scorer,
    venues,
    clock: clockRef,
    ids,
    metrics,
    health,
    bodyLimit: config.server.bodyLimit,
    rateLimit: config.server.rateLimit,
    logger: opts.logger ?? false,
    plugins: [auditRoutes(config.audit.dir), ...surface.plugins, frontDoor.plugin, wsOrders.plugin, limits.plugin],
    ...(clusterOrders ? { remoteOrders: clusterOrders.remoteOrders } : {}),
  });

  let stopWatch: (() => void) | undefined;
  return {
    app,
    config,
    pipeline,
    market,
    venues,
    policies,
    tradingState,
    audit,
    bus,
    metrics,
    orders,
    conditionals: conditional,
    scorer: () => scorer,
    clock: clockRef,
    ...(replay ? { replay } : {}),
    frontDoor,
    wsOrders,
    limits,
    ...(deadman ? { deadman } : {}),
    ...(alerting ? { alerts: alerting.dispatcher } : {}),
    ingest: (e) => sink.ingest(e),
    resetMarket: () => sink.reset(),
    async start() {
      // The chain head is checkpointed outside the segment files (audit verify --anchor).
      const a = config.audit.anchor;
      if (a) {
        anchor = new AuditAnchor({
          instance: config.instance,
          head: () => auditLog.head(),
          store: openAnchorStore(a.store, a.keyPrefix),
          clock: wall,
          hmacKey: a.hmacKey,
          intervalMs: a.intervalMs,
          logger: pino({ level: config.server.logLevel, base: { component: 'audit-anchor' } }),
        });
        anchor.start();
      }
      replay?.start();
      limits.start();
      venueHealth.start();
      await live?.start();
      deadman?.start();
      if (config.policies.watch) {
        stopWatch = policies.watch((r) => {
          audit.append('policy_load', { reload: true, ...r });
          if (r.ok) void policySync?.publish();
        });
      }
    },
    async close() {
      surface.close();
      limits.stop();
      deadman?.stop(); // left armed: orders this process no longer tracks are cancelled by the venue
      venueHealth.stop();
      splits.stop();
      replay?.stop();
      await live?.stop();
      stopWatch?.();
      await app.close();
      for (const v of venues.values()) await v.close();
      await cluster?.close();
      await alerting?.close();
      await anchor?.close();
      await audit.close();
    },
  };
}

/** The enforcing evaluator, with approved two-person overrides applied: an overridden rule is
 * evaluated in shadow mode for the orders in the override's scope, so it is still traced (and
 * marked) but cannot change the outcome. No active overrides: the plain evaluator, no cost. */
type ActiveOverrides = (
  ruleId: string,
  scope: { clientId: string; account: string; venue: string; symbol: string },
) => readonly { id: string }[];

/** `build(current())`, rebuilt only when `current()` returns a different evaluator. */
function perEvaluator<T extends PolicyEvaluator | undefined>(
  current: () => T,
  build: (e: NonNullable<T>) => PolicyEvaluator,
): () => PolicyEvaluator {
  let base: T | undefined;
  let built: PolicyEvaluator | undefined;
  return () => {
    const b = current();
    if (b !== base || !built) {
      base = b;
      built = build(b as NonNullable<T>);
    }
    return built;
  };
}

/** `base` evaluates `set` (the manager swaps both together on reload). */
function withOverrides(
  base: PolicyEvaluator,
  set: PolicySet,
  activeOverridesFor: ActiveOverrides,
  state: InMemoryPolicyState,
): PolicyEvaluator {
  return {
    id: base.id,
    sha256: base.sha256,
    evaluate(ctx: RiskContext): Decision {
      const scope = {
        clientId: ctx.intent.clientId,
        account: ctx.intent.account,
        venue: ctx.intent.venue,
        symbol: ctx.intent.symbol,
      };
      const bypass = new Map<string, string>();
      for (const r of set.rules) {
        if (r.mode !== 'enforce') continue;
        const active = activeOverridesFor(r.id, scope);
        if (active.length) bypass.set(r.id, active.map((o) => o.id).join(','));
      }
      if (!bypass.size) return base.evaluate(ctx);
      const derived = {
        ...set,
        rules: set.rules.map((r) => (bypass.has(r.id) ? { ...r, mode: 'shadow' as const } : r)),
      };
      const d = evaluate(ctx, derived, state);
      return {
        ...d,
        trace: d.trace.map((t) =>
          bypass.has(t.ruleId)
            ? { ...t, detail: `${t.detail ? `${t.detail} ` : ''}[overridden: ${bypass.get(t.ruleId)}]` }
            : t,
        ),
      };
    },
  };
}

async function loadScorer(config: GatewayConfig, audit: AuditAppender): Promise<RegimeScorer> {
  if (config.scoring.scorer === 'model') {
    const model = loadModel(config.scoring.model);
    const scorer = await OnnxRegimeScorer.create(model, {
      engineFeatureNames: featureCatalog(defaultFeatureConfig()).names,
    });
    audit.append('model_load', { id: model.card.id, sha256: model.sha256, card: model.cardPath });
    return scorer;
  }
  const scorer = new BaselineScorer();
  audit.append('model_load', { id: scorer.id, sha256: scorer.sha256, kind: 'baseline' });
  return scorer;
}
