/** An app with the spine stand-ins plus the operator, stream and dashboard plugins: what the
 * ops, stream and dashboard tests share until the real gateway composition exists. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { ClientConfig } from '../../src/config/types.js';
import { ManualClock, type Clock } from '../../src/core/clock.js';
import { sequentialIds } from '../../src/core/ids.js';
import type { MarketView, TradingStateView } from '../../src/core/stages.js';
import { createDashboard } from '../../src/dashboard/plugin.js';
import { EventBus } from '../../src/core/events.js';
import { OrderStore } from '../../src/execution/order-store.js';
import {
  opsRoutes,
  type KillEntry,
  type KillSwitchPort,
  type PolicyReloadPort,
  type PolicyReloadResult,
} from '../../src/ingress/routes-ops.js';
import { createStream } from '../../src/ingress/stream.js';
import { createMetrics } from '../../src/gateway/metrics.js';
import { scopeCovers, scopeKey, type Scope } from '../../src/overrides/scope.js';
import { OverrideWorkflow } from '../../src/overrides/workflow.js';
import { Pipeline } from '../../src/pipeline.js';
import { fixedMarket, fixedScorer, maxQtyPolicy, MemoryAudit, RecordingVenue } from '../support/stand-ins.js';
import { DECIMAL_ZERO } from '../../src/core/decimal.js';

export const KEYS = {
  bot: 'key-bot1-0123456789',
  other: 'key-bot2-0123456789',
  ops: 'key-ops-0123456789',
  viewer: 'key-view-0123456789',
};
const CLIENTS: ClientConfig[] = [
  { id: 'bot1', apiKey: KEYS.bot, account: 'acc1', venue: 'sim', roles: ['trader', 'viewer'] },
  { id: 'bot2', apiKey: KEYS.other, account: 'acc2', venue: 'sim', roles: ['trader', 'viewer'] },
  { id: 'ops', apiKey: KEYS.ops, account: 'ops', venue: 'sim', roles: ['viewer', 'operator', 'compliance'] },
  { id: 'watch', apiKey: KEYS.viewer, account: 'watch', venue: 'sim', roles: ['viewer'] },
];

/** In-memory kill switch store; the trading-state view the pipeline reads halts killed scopes. */
class MemoryKillSwitch implements KillSwitchPort, TradingStateView {
  private readonly kills = new Map<string, KillEntry>();
  constructor(private readonly clock: Clock) {}
  kill(scope: Scope, operator: string, reason: string): KillEntry {
    const e = { scope, operator, reason, since: this.clock.now() };
    this.kills.set(scopeKey(scope), e);
    return e;
  }
  lift(scope: Scope): boolean {
    return this.kills.delete(scopeKey(scope));
  }
  list(): KillEntry[] {
    return [...this.kills.values()];
  }
  stateFor(o: { clientId: string; account: string; venue: string; symbol: string }) {
    const k = this.list().find((e) => scopeCovers(e.scope, o));
    return k ? { state: 'HALTED' as const, reason: `kill switch ${scopeKey(k.scope)}` } : { state: 'ACTIVE' as const };
  }
}

class StubPolicies implements PolicyReloadPort {
  current = { id: 'default', sha256: 'a'.repeat(64), version: 1 };
  next: PolicyReloadResult | Error = { ok: true, id: 'default', sha256: 'b'.repeat(64), version: 2 };
  reload(): PolicyReloadResult {
    if (this.next instanceof Error) throw this.next;
    if (this.next.ok) this.current = { id: this.next.id, sha256: this.next.sha256, version: this.next.version ?? 0 };
    return this.next.ok ? this.next : { ...this.next, current: this.current };
  }
}

export interface TestGateway {
  app: FastifyInstance;
  url: string;
  bus: EventBus;
  audit: MemoryAudit;
  kills: MemoryKillSwitch;
  policies: StubPolicies;
  overrides: OverrideWorkflow;
  pipeline: Pipeline;
  orders: OrderStore;
  venue: RecordingVenue;
  stream: ReturnType<typeof createStream>;
  clock: Clock;
}

export interface TestGatewayOptions {
  clock?: Clock;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  restingOrders?: boolean;
  /** Symbols with a dashboard card (default BTC only; the stand-in venue trades BTC only). */
  symbols?: string[];
  market?: MarketView;
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const clock = opts.clock ?? new ManualClock(1_760_000_000_000);
  const ids = sequentialIds();
  const orders = new OrderStore();
  const venue = new RecordingVenue();
  if (opts.restingOrders) {
    // Limit orders rest on the book: the kill switch then has something to cancel.
    venue.placeOrder = async (req) => {
      venue.placed.push(req);
      return {
        venue: 'sim',
        account: req.account,
        symbol: req.symbol,
        clientOrderId: req.clientOrderId,
        side: req.side,
        status: 'new',
        quantity: req.quantity,
        filledQuantity: DECIMAL_ZERO,
        ts: clock.now(),
      };
    };
  }
  const venues = new Map([['sim', venue]]);
  const metrics = createMetrics();
  const scorer = fixedScorer('stable');
  const audit = new MemoryAudit();
  const bus = new EventBus();
  const kills = new MemoryKillSwitch(clock);
  const policies = new StubPolicies();
  const overrides = new OverrideWorkflow({ clock, ids, audit, events: bus, knownRule: (r) => r === 'max-qty' });
  const policy = maxQtyPolicy(1);
  const market = opts.market ?? fixedMarket();
  const dashboard = createDashboard({
    bus,
    clock,
    orders,
    market,
    symbols: () => opts.symbols ?? ['BTC/USDT:USDT'],
    instance: 'test',
    scorer: () => scorer,
    policy: () => ({ id: policies.current.id, sha256: policies.current.sha256, version: policies.current.version }),
    overrides,
  });
  const haltAware = {
    ...policy,
    evaluate: (ctx: Parameters<typeof policy.evaluate>[0]) => {
      if (ctx.tradingState !== 'HALTED') return policy.evaluate(ctx);
      const d = policy.evaluate(ctx);
      return {
        kind: 'deny' as const,
        code: 'KILL_SWITCH' as const,
        detail: 'KILL_SWITCH',
        params: {},
        originalQuantity: d.originalQuantity,
        approvedQuantity: '0' as const,
        children: [] as const,
        throttles: [] as const,
        policySetId: d.policySetId,
        policySha256: d.policySha256,
        trace: [
          ...d.trace,
          {
            ruleId: 'gateway.kill_switch',
            action: 'halt',
            mode: 'enforce' as const,
            matched: true,
            outcome: 'deny' as const,
            code: 'KILL_SWITCH' as const,
          },
        ],
      };
    },
  };
  const pipeline = new Pipeline({
    clock,
    ids,
    market,
    scorer: () => scorer,
    policy: () => haltAware,
    tradingState: kills,
    venues,
    audit,
    orders,
    observers: [
      metrics.observer,
      dashboard.observer,
      {
        onDecision: (intent, decision, score) =>
          bus.publish({
            type: 'decision',
            symbol: intent.symbol,
            client: intent.clientId,
            ts: clock.now(),
            intent,
            decision,
            regime: score.regime,
          }),
        onReport: (report, parent) =>
          bus.publish({
            type: 'execution',
            symbol: report.symbol,
            ...(parent ? { client: parent.intent.clientId, intentId: parent.intentId } : {}),
            ts: clock.now(),
            report,
          }),
      },
    ],
    exposure: async () => ({
      openOrdersNotional: '0',
      clientNotional: '0',
      postFillQuantity: '0',
      reducesPosition: false,
    }),
  });
  const stream = createStream({
    bus,
    clock,
    ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}),
    ...(opts.maxBufferedBytes !== undefined ? { maxBufferedBytes: opts.maxBufferedBytes } : {}),
  });
  const app = await buildApp({
    clients: CLIENTS,
    pipeline,
    orders,
    market,
    scorer: () => scorer,
    venues,
    clock,
    ids,
    metrics,
    plugins: [
      stream.plugin,
      opsRoutes({ killSwitch: kills, cancel: pipeline, audit, clock, bus, policies, overrides }),
      dashboard.plugin,
    ],
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url, bus, audit, kills, policies, overrides, pipeline, orders, venue, stream, clock };
}

export async function call(
  url: string,
  method: string,
  path: string,
  key: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url + path, {
    method,
    headers: {
      ...(key ? { 'x-api-key': key } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}
