/** Public API of cluster mode (see README.md): createCluster() builds every shared piece from the
 * `cluster:` config block; the composition root swaps them in for the local ones. */
import type { Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { OrderIntent } from '../core/types.js';
import type { PolicySet } from '../policy/types.js';
import { windowsOf } from './policy-windows.js';
import { PolicyVersionSync, type PolicySource } from './policy-sync.js';
import { RedisConnection, type ClusterLogger } from './redis-connection.js';
import { SharedLimits, type Caps } from './shared-limits.js';
import { SharedOrders } from './shared-orders.js';
import { SharedOverrides } from './shared-overrides.js';
import { SharedPolicyState } from './shared-policy-state.js';
import { SharedTradingState } from './shared-trading-state.js';
import { createClusterThrottles, type ClusterThrottles } from './throttles.js';

export { RedisConnection } from './redis-connection.js';
export { SharedLimits, toUnits, fromUnits } from './shared-limits.js';
export { SharedPolicyState } from './shared-policy-state.js';
export { SharedTradingState } from './shared-trading-state.js';
export { messageWindows } from './policy-windows.js';
/** The `cluster:` config block, resolved (proposed for src/config/types.ts). */
export interface ClusterConfig {
  readonly redis: {
    readonly url: string;
    /** Every key and channel starts with it; one per deployment. */
    readonly keyPrefix: string;
    readonly commandTimeoutMs: number;
  };
  /** Redis down: false (default) denies new orders CLUSTER_UNAVAILABLE; true uses local limits. */
  readonly allowDegradedLocal: boolean;
  readonly clientOrderIdTtlMs: number;
  readonly messageRetentionMs: number;
  readonly throttleHeartbeatMs: number;
  /** No decision rests on a venue account view older than this; a filled (or ended) order's
   * reservation is kept this long after it ends, so every replica counts it until its own view
   * shows the position. Default 2000 ms. */
  readonly accountViewMaxAgeMs: number;
  /** Optional hard caps on open notional across replicas, checked inside the Redis script. */
  readonly caps?: {
    readonly clientOpenNotional?: Readonly<Record<string, string>>;
    readonly accountOpenNotional?: Readonly<Record<string, string>>;
  };
}

export interface ClusterDeps {
  readonly instance: string;
  readonly stateDir: string;
  readonly wallClock: Clock;
  readonly registry?: Registry;
  readonly logger?: ClusterLogger;
}

export interface Cluster {
  readonly conn: RedisConnection;
  readonly limits: SharedLimits;
  /** Use instead of `new InMemoryPolicyState()` (PolicyManager state, wireObservers, exposure). */
  readonly policyState: SharedPolicyState;
  /** Use instead of `new TradingStateStore(dir, clock)`. */
  readonly tradingState: SharedTradingState;
  readonly throttles: ClusterThrottles;
  readonly overrides: SharedOverrides;
  /** Order index of the shared account and cancels routed to the owning replica. */
  readonly orders: SharedOrders;
  /** Once the PolicyManager exists: message windows follow its set, its sha is published. */
  bindPolicies(policies: PolicySource & { readonly enforcing: PolicySet }): Promise<PolicyVersionSync>;
  health(): { ok: boolean; detail: string };
  close(): Promise<void>;
}

export async function createCluster(cfg: ClusterConfig, deps: ClusterDeps): Promise<Cluster> {
  const conn = new RedisConnection({
    url: cfg.redis.url,
    keyPrefix: cfg.redis.keyPrefix,
    instance: deps.instance,
    commandTimeoutMs: cfg.redis.commandTimeoutMs,
    allowDegradedLocal: cfg.allowDegradedLocal,
    ...(deps.registry ? { registry: deps.registry } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    now: () => deps.wallClock.now(),
  });
  const limits = new SharedLimits(conn, {
    retentionMs: cfg.messageRetentionMs,
    clientOrderIdTtlMs: cfg.clientOrderIdTtlMs,
  });
  const tradingState = new SharedTradingState(deps.stateDir, deps.wallClock, conn);
  let windows: () => readonly number[] = () => [];
  const policyState = new SharedPolicyState({
    limits,
    conn,
    windows: () => windows(),
    capsFor: capsFrom(cfg.caps),
    beforeDecide: (p) => tradingState.ensureVersion(p.tradingStateVersion),
    retentionMs: cfg.messageRetentionMs,
    wall: deps.wallClock,
    // the view bound plus a margin for the release to reach Redis
    endedHoldMs: cfg.accountViewMaxAgeMs + 250,
  });
  // Redis came back without its data: this replica's in-flight orders count against caps again.
  tradingState.onEpochChange(async () => {
    const n = await limits.reassertHeld();
    if (n) conn.logger.warn({ reservations: n }, 'cluster: reservations re-asserted after Redis lost its data');
  });
  const overrides = new SharedOverrides(conn, () => deps.wallClock.now());
  // Orders of a previous life of this instance are gone: give their reservations back.
  let released = false;
  const releaseOnce = async () => {
    if (released) return;
    const n = await limits.releaseInstance();
    released = true;
    if (n) conn.logger.info({ released: n }, 'cluster: released reservations held before a restart');
  };
  conn.onUp(releaseOnce);
  try {
    await conn.connect();
  } catch (err) {
    conn.failed('connect', err);
  }
  if (conn.up) await releaseOnce();
  await tradingState.start();
  await overrides.start();
  const orders = new SharedOrders(conn, cfg.clientOrderIdTtlMs || 86_400_000);
  const throttles = createClusterThrottles({
    url: cfg.redis.url,
    keyPrefix: cfg.redis.keyPrefix,
    heartbeatIntervalMs: cfg.throttleHeartbeatMs,
  });
  let sync: PolicyVersionSync | undefined;
  return {
    conn,
    limits,
    policyState,
    tradingState,
    throttles,
    overrides,
    orders,
    async bindPolicies(policies) {
      windows = windowsOf(() => policies.enforcing);
      sync = new PolicyVersionSync(conn, policies);
      await sync.start().catch((err: unknown) => conn.failed('policy_sync', err));
      return sync;
    },
    health() {
      const h = conn.health;
      if (h.up)
        return {
          ok: !sync?.mismatched,
          detail: sync?.mismatched
            ? 'replicas enforce different policy sets'
            : `redis up since ${new Date(h.since).toISOString()}`,
        };
      return {
        ok: false,
        detail:
          `redis down since ${new Date(h.since).toISOString()} (${h.lastError ?? 'connecting'}): ` +
          `${cfg.allowDegradedLocal ? 'DEGRADED, local limits' : 'new orders denied CLUSTER_UNAVAILABLE'}`,
      };
    },
    async close() {
      sync?.stop();
      tradingState.stop();
      await throttles.close().catch(() => undefined);
      await conn.close();
    },
  };
}

function capsFrom(caps: ClusterConfig['caps']): ((intent: OrderIntent) => Caps | undefined) | undefined {
  if (!caps?.clientOpenNotional && !caps?.accountOpenNotional) return undefined;
  return (intent) => {
    const client = caps.clientOpenNotional?.[intent.clientId] ?? caps.clientOpenNotional?.['*'];
    const account =
      caps.accountOpenNotional?.[`${intent.venue}/${intent.account}`] ??
      caps.accountOpenNotional?.[intent.account] ??
      caps.accountOpenNotional?.['*'];
    return client === undefined && account === undefined
      ? undefined
      : { ...(client !== undefined ? { client } : {}), ...(account !== undefined ? { account } : {}) };
  };
}
