/** Composition root: builds the real stages from a validated config and hands them to the
 * pipeline and the HTTP app. It decides nothing (the order path is src/pipeline.ts, decisions are
 * src/policy) and does not listen (server.ts does), so tests and benchmarks build whole gateways
 * on port 0. Construction follows the data: audit, venues and market, scorer and policies, state,
 * the pipeline, then the parts that call the pipeline (conditional holder, operator surface,
 * cluster cancels, doors), attached to it before the app takes orders.
 *
 * Clocks: in replay mode, decisions run on replay time (the market and the simulated venue live
 * in 2025), while the audit log stamps records with wall time, because compliance queries the
 * log by when things happened. */
import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import pino from 'pino';
import { buildApp } from '../app.js';
import type { GatewayConfig } from '../config/types.js';
import { DEMO_API_KEY } from '../config/embedded-default.js';
import { systemClock, type Clock } from '../core/clock.js';
import { EventBus } from '../core/events.js';
import { randomIds, type IdGenerator } from '../core/ids.js';
import type { AuditAppender } from '../core/stages.js';
import type { MarketEvent, RegimeLabel, RegimeScorer, Venue } from '../core/types.js';
import { makeExposureFn } from '../account/risk-inputs.js';
import { startAlerting, type AlertDispatcher } from '../alerts/index.js';
import { watchAuditWrites } from '../audit/failure-watch.js';
import { openAuditLog } from '../audit/writer.js';
import { createCluster, type Cluster } from '../cluster/index.js';
import { bindClusterOrders } from '../cluster/remote-orders.js';
import { createOperatorSurface } from '../dashboard/operator-surface.js';
import { Admission } from '../execution/admission/index.js';
import { conditionalRouting, HeldJournal, killCancels, type TriggerHolder } from '../execution/conditional/index.js';
import { OrderStore } from '../execution/order-store.js';
import { SplitScheduler, type Timers } from '../execution/split/index.js';
import { binanceFrontDoor } from '../ingress/binance/index.js';
import { presentOrder } from '../ingress/present.js';
import { auditRoutes } from '../ingress/routes-audit.js';
import { wsOrderEntry } from '../ingress/ws-orders.js';
import type { LiveFeed } from '../market/live/index.js';
import type { TimedReplay } from '../market/replay/timed-replay.js';
import { createMarketView, type FeatureMarketView } from '../market/view/market-view.js';
import { OverrideWorkflow } from '../overrides/workflow.js';
import { Pipeline } from '../pipeline.js';
import { InMemoryPolicyState, PolicyManager, TradingStateStore } from '../policy/index.js';
import { policyStateEffects } from './effects.js';
import { policyEvaluators } from './evaluators.js';
import { createConditionalHolder } from './conditionals.js';
import { createHealth } from './health.js';
import { createDeadman, startAnchor } from './keepers.js';
import type { DeadmanKeeper } from '../execution/deadman/index.js';
import type { AuditAnchor } from '../audit/anchor.js';
import { loadScorerAndPolicies } from './scorer-and-policies.js';
import { createGatewayLimits, type GatewayLimits } from './limits.js';
import { MarketFanOut, openMarketSource } from './market-feed.js';
import { createMetrics, type Metrics } from './metrics.js';
import { wireObservers } from './observers.js';
import { createVenues } from './venues.js';

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
  audit.append('config_load', {
    sha256: config.sha256,
    venues: config.venues.map((v) => ({ id: v.id, kind: v.kind })),
    clients: config.clients.map((c) => c.id),
  });

  // Venues and market data: one feature view; in replay mode the replay drives it, the simulated
  // venues and the decision clock.
  let clock: Clock = opts.clock ?? wall;
  const clockRef: Clock = { now: () => clock.now() };
  const { venues, simulated } = await createVenues(config, { clock: clockRef, wallClock: wall, metrics, bus });
  const symbols = [...new Set(config.venues.flatMap((v) => v.symbols))];
  const market = createMarketView({ staleAfterMs: { bar: config.market.staleAfterMs } });
  const sink = new MarketFanOut();
  sink.add(market, () => market.reset());
  for (const s of simulated) sink.add(s);
  const { replay, live } = await openMarketSource(config, { sink, wallClock: wall, audit, metrics, symbols });
  if (replay) clock = replay.replayClock();

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
  sink.add({ ingest: (e) => recordPrice(policyState, e) });

  const { scorer, policies } = await loadScorerAndPolicies(config, { audit, policyState, metrics, cluster });
  const tradingState: TradingStateStore = cluster?.tradingState ?? new TradingStateStore(config.state.dir, wall);
  const policySync = await cluster?.bindPolicies(policies);
  cluster?.overrides.attach(bus);
  bus.subscribe((e) => (e.ok ? void policySync?.publish() : undefined), ['policy']);
  // The regime gauge follows every regime event (the ticker's and decisions'), not only orders.
  bus.subscribe((e) => metrics.setRegime(e.symbol, e.score), ['regime']);
  const lastRegime = new Map<string, RegimeLabel>();
  bus.subscribe((e) => void lastRegime.set(e.symbol, e.score.regime), ['regime']);
  const regimeOf = (symbol: string): RegimeLabel => lastRegime.get(symbol) ?? 'unknown';

  const orders = new OrderStore();
  const limits = createGatewayLimits({
    config,
    clock: clockRef,
    orders,
    enforcing: () => policies.enforcing,
    bus,
    audit,
  });
  sink.add(limits);
  // Approved two-person overrides bypass a rule inside evaluate() (src/overrides/evaluator.ts).
  const overrides = new OverrideWorkflow({
    clock: wall,
    ids,
    audit,
    events: bus,
    knownRule: (id) => policies.enforcing.rules.some((r) => r.id === id),
    ...(config.overrides ? { options: config.overrides } : {}),
  });
  const evaluators = policyEvaluators({
    policies,
    policyState,
    cluster,
    activeOverrides: (ruleId, scope) => [
      ...overrides.activeOverridesFor(ruleId, scope),
      ...(cluster?.overrides.activeFor(ruleId, scope) ?? []),
    ],
  });
  // Throttles (bottleneck only for orders that match a throttle rule) and the split scheduler,
  // whose child intervals are in decision time (replay time in replay mode).
  const admission = new Admission({
    specFor: (id) => policies.throttleSpec(id),
    ...(cluster ? { bottleneck: cluster.throttles.bottleneck } : {}),
  });
  const splitTimers = opts.timers ?? replay?.replayTimers();
  const splits = new SplitScheduler({
    clock: clockRef,
    ...(splitTimers ? { timers: splitTimers } : {}),
    regimeOf,
    endChild: (p, i, status, reason) => orders.endChild(p, i, status, clockRef.now(), undefined, reason),
    onEvent: (e) => audit.append('execution', { intentId: e.intentId, scheduler: e }),
  });

  const pipeline = new Pipeline({
    clock: clockRef,
    ids,
    market,
    scorer: () => scorer,
    policy: evaluators.enforcing,
    shadowPolicy: evaluators.shadow,
    tradingState,
    venues,
    limits: (intent, now) => limits.view(intent, now),
    exposure: cluster
      ? cluster.policyState.wrapExposure((state) => makeExposureFn({ venues, policyState: state }))
      : makeExposureFn({ venues, policyState }),
    ...(opts.admission === false ? {} : { admission: (t: Parameters<Admission['admit']>[0]) => admission.admit(t) }),
    deferred: splits,
    audit,
    orders,
    effects: [
      policyStateEffects({ policyState, policies, tradingState, audit, bus, clock: clockRef }),
      ...(cluster ? [cluster.policyState.effects, cluster.orders.effects] : []),
      limits.effects,
    ],
    observers: wireObservers({ metrics, bus, policies, audit, clock: clockRef }),
  });

  // The parts that call the pipeline, built after it. Conditional orders the gateway holds
  // (growing ones) are re-submitted at trigger.
  const conditionals = createConditionalHolder({
    entry: pipeline,
    clock: clockRef,
    ids,
    orders,
    venues,
    audit,
    // Before this process has scored a symbol no escalation is assumed: a restart must not cancel
    // every re-armed held order because the regime reads "unknown".
    regimeOf: (symbol) => lastRegime.get(symbol),
    journal: new HeldJournal(join(config.state.dir, 'held-conditional.jsonl')),
  });
  sink.add(conditionals);
  // Operators' surface: dashboard, event stream, kill switch / reload / override routes.
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
    pipeline: { cancelWhere: (f, reason) => pipeline.cancelWhere((p) => f(p) && killCancels(p), reason) },
    audit,
    instance: config.instance,
    overrides,
    // The all-roles demo key goes into the unauthenticated page only for the embedded demo.
    ...(config.embeddedDefault ? { prefillKey: config.clients.find((c) => c.apiKey === DEMO_API_KEY)?.apiKey } : {}),
  });
  pipeline.attach({ conditional: conditionalRouting(conditionals), observers: [surface.observer] });
  // Held conditional orders of the previous run are watched again (state dir journal).
  conditionals.rearm((r) => orders.add(r.intent, r.decision, r.regime, r.createdAt));
  // Cluster: remote cancels, kills from other replicas cancel here too, DELETE reaches any replica's order.
  const clusterOrders = cluster ? await bindClusterOrders(cluster, pipeline, (p) => presentOrder(p)) : undefined;
  const deadman = createDeadman(config, { venues, orders, audit, bus, wall });

  const health = createHealth({
    symbols,
    market,
    clock: clockRef,
    wallClock: wall,
    policy: () => policies.enforcing,
    scorer: () => scorer,
    venues: venues.values(),
    ...(cluster ? { cluster } : {}),
    ...(deadman ? { deadman } : {}),
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
    conditionals,
    bus,
  });
  sink.add(frontDoor, () => frontDoor.reset());
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
    health: health.report,
    bodyLimit: config.server.bodyLimit,
    rateLimit: config.server.rateLimit,
    logger: opts.logger ?? false,
    plugins: [auditRoutes(config.audit.dir), ...surface.plugins, frontDoor.plugin, wsOrders.plugin, limits.plugin],
    ...(clusterOrders ? { remoteOrders: clusterOrders.remoteOrders } : {}),
  });

  let stopWatch: (() => void) | undefined;
  let anchor: AuditAnchor | undefined;
  return {
    ...{ app, config, pipeline, market, venues, policies, tradingState, audit, bus, metrics, orders, conditionals },
    ...{ frontDoor, wsOrders, limits, clock: clockRef, scorer: () => scorer },
    ...(replay ? { replay } : {}),
    ...(deadman ? { deadman } : {}),
    ...(alerting ? { alerts: alerting.dispatcher } : {}),
    ingest: (e) => sink.ingest(e),
    resetMarket: () => sink.reset(),
    async start() {
      anchor = startAnchor(config, () => auditLog.head(), wall);
      replay?.start();
      limits.start();
      health.start();
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
      health.stop();
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

/** The policy's price windows follow bar closes and marks. */
function recordPrice(state: InMemoryPolicyState, e: MarketEvent): void {
  if (e.type === 'bar') state.recordPrice(e.symbol, e.ts, e.close);
  else if (e.type === 'mark') state.recordPrice(e.symbol, e.ts, e.markPrice);
}
