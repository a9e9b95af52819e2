/** One call that builds everything operators and compliance use over HTTP: the WebSocket stream,
 * the kill switch / policy reload / override routes and the dashboard, bound to the gateway's
 * stages. The composition root passes `plugins` to buildApp and `overrides` to the policy
 * evaluation (see src/overrides/README.md). Types are structural: no import of src/policy. */
import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import type { MarketView } from '../core/stages.js';
import type { ErrorDetail } from '../core/errors.js';
import type { RegimeScorer } from '../core/types.js';
import type { EventBus } from '../core/events.js';
import type { OrderStore } from '../execution/order-store.js';
import {
  killSwitchFromTradingState,
  opsRoutes,
  policyReloadFromManager,
  type CancelPort,
} from '../ingress/routes-ops.js';
import { createStream, type StreamOptions } from '../ingress/stream.js';
import type { AuditPort } from '../overrides/types.js';
import { OverrideWorkflow, type OverrideWorkflowOptions } from '../overrides/workflow.js';
import { createDashboard } from './plugin.js';

interface SetRef {
  readonly id: string;
  readonly version: number;
  readonly sha256: string;
}

export interface OperatorSurfaceDeps {
  readonly bus: EventBus;
  /** Decision clock (replay time in replay mode): market snapshots and regime history. */
  readonly clock: Clock;
  /** Wall clock: kill entries, override TTLs, stream timestamps. */
  readonly wallClock: Clock;
  readonly ids: IdGenerator;
  readonly orders: OrderStore;
  readonly market: MarketView;
  readonly symbols: () => readonly string[];
  readonly scorer: () => RegimeScorer;
  /** policy/PolicyManager */
  readonly policies: {
    readonly enforcing: SetRef & { readonly rules: readonly { readonly id: string }[] };
    readonly shadowing?: SetRef | undefined;
    reload():
      { ok: true; enforce: SetRef } | { ok: false; message: string; errors: readonly ErrorDetail[]; kept: SetRef };
  };
  /** policy/TradingStateStore */
  readonly tradingState: Parameters<typeof killSwitchFromTradingState>[0];
  /** Pipeline (cancelWhere) */
  readonly pipeline: CancelPort;
  readonly audit: AuditPort;
  readonly instance?: string;
  /** Regime events per symbol from the dashboard's ticker (ms; default 1000; 0 = the gateway publishes them). */
  readonly regimeTickMs?: number;
  readonly overrideOptions?: OverrideWorkflowOptions;
  /** The override workflow, when the caller built it first (the policy evaluation reads it). */
  readonly overrides?: OverrideWorkflow;
  readonly stream?: Partial<Omit<StreamOptions, 'bus' | 'clock'>>;
  /** The embedded demo's key, pre-filled in the dashboard page (never set for a real config). */
  readonly prefillKey?: string;
}

export function createOperatorSurface(d: OperatorSurfaceDeps) {
  const overrides =
    d.overrides ??
    new OverrideWorkflow({
      clock: d.wallClock,
      ids: d.ids,
      audit: d.audit,
      events: d.bus,
      knownRule: (id) => d.policies.enforcing.rules.some((r) => r.id === id),
      ...(d.overrideOptions ? { options: d.overrideOptions } : {}),
    });
  const stream = createStream({ ...d.stream, bus: d.bus, clock: d.wallClock });
  const ref = (s: SetRef) => ({ id: s.id, sha256: s.sha256, version: s.version });
  const dashboard = createDashboard({
    bus: d.bus,
    clock: d.clock,
    orders: d.orders,
    market: d.market,
    symbols: d.symbols,
    scorer: d.scorer,
    policy: () => ref(d.policies.enforcing),
    shadowPolicy: () => (d.policies.shadowing ? ref(d.policies.shadowing) : undefined),
    overrides,
    regimeTickMs: d.regimeTickMs ?? 1000,
    ...(d.instance ? { instance: d.instance } : {}),
    ...(d.prefillKey ? { prefillKey: d.prefillKey } : {}),
  });
  const ops = opsRoutes({
    killSwitch: killSwitchFromTradingState(d.tradingState),
    cancel: d.pipeline,
    audit: d.audit,
    clock: d.wallClock,
    bus: d.bus,
    policies: policyReloadFromManager(d.policies),
    overrides,
  });
  return {
    plugins: [stream.plugin, ops, dashboard.plugin],
    overrides,
    stream,
    dashboard,
    /** Add to the pipeline's observers: the decision detail then shows the exact score and market inputs. */
    observer: dashboard.observer,
    close: () => overrides.close(),
  };
}
