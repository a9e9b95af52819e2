/** One gateway replica for the cluster integration tests and the benchmark, composed from the
 * public stage APIs the way the composition root does it in cluster mode (see
 * src/cluster/README.md "Wiring"). Simulated venue with one synthetic hourly bar, baseline scorer,
 * the real order and operator routes. Usage:
 *   node --import tsx test/cluster/replica-main.ts <replica.json>
 * Prints one JSON line {"url": ...} on stdout when listening; SIGTERM closes it cleanly. */
import { readFileSync } from 'node:fs';
import { buildApp } from '../../src/app.js';
import { openAuditLog } from '../../src/audit/writer.js';
import { createCluster, type ClusterConfig } from '../../src/cluster/index.js';
import type { ClientConfig } from '../../src/config/types.js';
import { systemClock } from '../../src/core/clock.js';
import { Decimal } from '../../src/core/decimal.js';
import { randomIds } from '../../src/core/ids.js';
import type { Venue } from '../../src/core/types.js';
import { createOperatorSurface } from '../../src/dashboard/operator-surface.js';
import { EventBus } from '../../src/events.js';
import { Admission } from '../../src/execution/admission/index.js';
import { isTerminal, OrderStore } from '../../src/execution/order-store.js';
import { createSimulatedVenue } from '../../src/execution/simulated/index.js';
import { createMarketView } from '../../src/market/view/market-view.js';
import { createMetrics } from '../../src/metrics.js';
import { Pipeline, type PipelineObserver } from '../../src/pipeline.js';
import { PolicyManager } from '../../src/policy/index.js';
import { makeExposureFn } from '../../src/risk-inputs.js';
import { BaselineScorer } from '../../src/scoring/baseline-scorer.js';

export interface ReplicaSpec {
  readonly instance: string;
  readonly auditDir: string;
  readonly stateDir: string;
  readonly policiesDir: string;
  readonly enforce: string;
  readonly clients: readonly ClientConfig[];
  readonly symbol: string;
  readonly price: number;
  readonly cluster: ClusterConfig;
}

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ReplicaSpec;
const wall = systemClock;
const ids = randomIds(wall);
const metrics = createMetrics();
const bus = new EventBus();
const logger = {
  info: () => undefined,
  warn: (o: object, m: string) => process.stderr.write(`${JSON.stringify({ level: 'warn', instance: spec.instance, msg: m, ...o })}\n`),
  error: (o: object, m: string) => process.stderr.write(`${JSON.stringify({ level: 'error', instance: spec.instance, msg: m, ...o })}\n`),
};

const audit = openAuditLog({ dir: spec.auditDir, rotateBytes: 64 << 20, rotateDaily: false, fsync: false }, spec.instance, wall, []);
audit.append('startup', { cluster: true });
const market = createMarketView({ staleAfterMs: { bar: 10 * 365 * 86_400_000 } });
const sim = createSimulatedVenue({ id: 'sim', symbols: [spec.symbol], initialBalance: '100000000' }, wall);
const venues = new Map<string, Venue>([['sim', sim]]);
const cluster = await createCluster(spec.cluster, { instance: spec.instance, stateDir: spec.stateDir, wallClock: wall, registry: metrics.registry, logger });
const now = wall.now();
const bar = { type: 'bar' as const, symbol: spec.symbol, ts: now, openTime: now - 3_600_000, intervalMs: 3_600_000, open: spec.price, high: spec.price, low: spec.price, close: spec.price, volume: 1000 };
market.ingest(bar);
sim.ingest(bar);
cluster.policyState.recordPrice(spec.symbol, now, spec.price);

const policies = new PolicyManager({ dir: spec.policiesDir, enforce: spec.enforce, state: cluster.policyState, registry: metrics.registry });
await cluster.bindPolicies(policies);
const admission = new Admission({ specFor: (id) => policies.throttleSpec(id), bottleneck: cluster.throttles.bottleneck });
const scorer = new BaselineScorer();
const orders = new OrderStore();
let pipelineRef: Pipeline | undefined;
const surface = createOperatorSurface({
  bus,
  clock: wall,
  wallClock: wall,
  ids,
  orders,
  market,
  symbols: () => [spec.symbol],
  scorer: () => scorer,
  policies,
  tradingState: cluster.tradingState.killSwitchStore(),
  pipeline: { cancelWhere: (f, reason) => pipelineRef!.cancelWhere(f, reason) },
  audit,
  instance: spec.instance,
  regimeTickMs: 0,
});
cluster.overrides.attach(bus);
// What wiring.ts does with the policy state (kept here so this entry does not follow its changes).
const stateful: PipelineObserver = {
  onDecision(intent, decision, _score, m) {
    const t = wall.now();
    cluster.policyState.recordMessage(intent.clientId, t);
    if (decision.kind === 'deny') return;
    cluster.policyState.recordOrder(intent, t);
    const ref = intent.price ? Number(intent.price) : (m.mark ?? m.last ?? 0);
    cluster.policyState.openOrder(intent.clientId, intent.intentId, new Decimal(decision.approvedQuantity).mul(ref || 0).toFixed());
  },
  onReport(_r, parent) {
    if (parent && isTerminal(parent.status)) cluster.policyState.closeOrder(parent.intent.clientId, parent.intent.intentId);
  },
  onCancelRequest(parent) {
    cluster.policyState.recordMessage(parent.intent.clientId, wall.now());
  },
};
const pipeline = new Pipeline({
  clock: wall,
  ids,
  market,
  scorer: () => scorer,
  policy: () => cluster.policyState.bindEvaluator(policies.evaluator()),
  tradingState: cluster.tradingState,
  venues,
  exposure: cluster.policyState.wrapExposure((state) => makeExposureFn({ venues, policyState: state })),
  admission: (t) => admission.admit(t),
  audit,
  orders,
  observers: [metrics.observer, stateful, cluster.policyState.observer, surface.observer],
  logger,
});
pipelineRef = pipeline;
const app = await buildApp({
  clients: spec.clients,
  pipeline,
  orders,
  market,
  scorer: () => scorer,
  venues,
  clock: wall,
  ids,
  metrics,
  health: () => {
    const c = cluster.health();
    return { status: c.ok ? 'ok' : 'degraded', checks: { cluster: c } };
  },
  plugins: surface.plugins,
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url, instance: spec.instance })}\n`);

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  void (async () => {
    surface.close();
    await app.close();
    await admission.stop();
    await sim.close();
    await audit.close();
    await cluster.close();
    process.exit(0);
  })();
});
