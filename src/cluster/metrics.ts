/** Prometheus metrics of cluster mode (see docs/deploy/README.md for alerts on them). */
import { Counter, Gauge, Registry } from 'prom-client';

export class ClusterMetrics {
  readonly redisUp: Gauge;
  readonly disconnects: Counter;
  readonly reconnects: Counter;
  readonly reconnectAttempts: Counter;
  /** Orders (or operations) denied because Redis could not answer. */
  readonly unavailable: Counter<'op'>;
  /** Operations that fell back to local limits (allowDegradedLocal). */
  readonly degraded: Counter<'op'>;
  readonly reservations: Counter<'outcome'>;
  readonly syncBacklog: Gauge;
  readonly policyMismatch: Gauge;

  constructor(registry: Registry = new Registry()) {
    const r = [registry];
    const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
    this.redisUp = get(
      'liqguard_cluster_redis_up',
      () =>
        new Gauge({
          name: 'liqguard_cluster_redis_up',
          help: '1 when this replica is connected to the shared Redis',
          registers: r,
        }),
    );
    this.disconnects = get(
      'liqguard_cluster_redis_disconnects_total',
      () =>
        new Counter({
          name: 'liqguard_cluster_redis_disconnects_total',
          help: 'Lost connections to Redis',
          registers: r,
        }),
    );
    this.reconnects = get(
      'liqguard_cluster_redis_reconnects_total',
      () =>
        new Counter({
          name: 'liqguard_cluster_redis_reconnects_total',
          help: 'Successful reconnects to Redis',
          registers: r,
        }),
    );
    this.reconnectAttempts = get(
      'liqguard_cluster_redis_reconnect_attempts_total',
      () =>
        new Counter({
          name: 'liqguard_cluster_redis_reconnect_attempts_total',
          help: 'Reconnect attempts',
          registers: r,
        }),
    );
    this.unavailable = get(
      'liqguard_cluster_unavailable_total',
      () =>
        new Counter({
          name: 'liqguard_cluster_unavailable_total',
          help: 'Operations failed closed because Redis was unreachable',
          labelNames: ['op'],
          registers: r,
        }),
    );
    this.degraded = get(
      'liqguard_cluster_degraded_total',
      () =>
        new Counter({
          name: 'liqguard_cluster_degraded_total',
          help: 'Operations served by local limits because Redis was unreachable (degraded mode)',
          labelNames: ['op'],
          registers: r,
        }),
    );
    this.reservations = get(
      'liqguard_cluster_reservations_total',
      () =>
        new Counter({
          name: 'liqguard_cluster_reservations_total',
          help: 'Shared exposure reservations by outcome',
          labelNames: ['outcome'],
          registers: r,
        }),
    );
    this.syncBacklog = get(
      'liqguard_cluster_state_sync_backlog',
      () =>
        new Gauge({
          name: 'liqguard_cluster_state_sync_backlog',
          help: 'Trading-state changes made locally and not yet written to Redis',
          registers: r,
        }),
    );
    this.policyMismatch = get(
      'liqguard_cluster_policy_mismatch',
      () =>
        new Gauge({
          name: 'liqguard_cluster_policy_mismatch',
          help: '1 when another replica enforces a different policy set sha256',
          registers: r,
        }),
    );
  }
}
