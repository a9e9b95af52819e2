/** Overrides seen by every replica. The two-person workflow stays where the request was made
 * (its transitions are audited there); every transition is mirrored into one Redis hash and
 * published, so an active override bypasses its rule on every replica and ends on every replica
 * when it is revoked or expires. Approving on another replica than the request's needs a store
 * port in OverrideWorkflow (see src/cluster/README.md): not done here. */
import type { GatewayEvent } from '../core/events.js';
import { scopeCovers, type OrderScope, type Scope } from '../overrides/scope.js';
import type { RedisConnection } from './redis-connection.js';

export interface MirroredOverride {
  readonly id: string;
  readonly state: string; // last transition: requested | approved | active | expired | revoked | rejected
  readonly ruleId: string;
  readonly scope: Scope;
  readonly expiresAt?: number;
  readonly instance: string;
}

type OverrideEvent = { type: string; id?: string; state?: string; detail?: Readonly<Record<string, unknown>> };

const ENDED = new Set(['expired', 'revoked', 'rejected']);

export class SharedOverrides {
  private all = new Map<string, MirroredOverride>();

  constructor(
    private readonly conn: RedisConnection,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    await this.conn.subscribe(
      'ovr:changed',
      () => void this.refresh().catch((err: unknown) => this.conn.failed('override_refresh', err)),
    );
    this.conn.onUp(() => this.refresh());
    if (this.conn.up) await this.refresh();
  }

  /** Mirror this replica's override transitions (subscribe to the gateway's EventBus). */
  attach(bus: { subscribe(l: (e: GatewayEvent) => void): () => void }): () => void {
    return bus.subscribe((ev) => {
      const e = ev as OverrideEvent;
      if (e.type !== 'override' || !e.id || !e.detail) return;
      void this.write(e.id, e.state ?? String(e.detail.state), e.detail).catch((err: unknown) =>
        this.conn.failed('override_write', err),
      );
    });
  }

  async write(id: string, state: string, detail: Readonly<Record<string, unknown>>): Promise<void> {
    const rec: MirroredOverride = {
      id,
      state,
      ruleId: String(detail.ruleId),
      scope: detail.scope as Scope,
      ...(typeof detail.expiresAt === 'number' ? { expiresAt: detail.expiresAt } : {}),
      instance: this.conn.instance,
    };
    this.all.set(id, rec);
    await this.conn.client.hset(this.conn.key('ovr:all'), id, JSON.stringify(rec));
    await this.conn.client.publish(this.conn.key('ovr:changed'), id);
  }

  /** Active overrides of a rule covering an order, from any replica (state from the clock). */
  activeFor(ruleId: string, order: OrderScope): MirroredOverride[] {
    const now = this.now();
    const out: MirroredOverride[] = [];
    for (const o of this.all.values()) {
      if (o.ruleId !== ruleId || ENDED.has(o.state) || o.expiresAt === undefined || now >= o.expiresAt) continue;
      if (scopeCovers(o.scope, order)) out.push(o);
    }
    return out;
  }

  list(): MirroredOverride[] {
    return [...this.all.values()];
  }

  async refresh(): Promise<void> {
    const raw = await this.conn.client.hgetall(this.conn.key('ovr:all'));
    const now = this.now();
    const next = new Map<string, MirroredOverride>();
    const stale: string[] = [];
    for (const [id, j] of Object.entries(raw)) {
      const o = JSON.parse(j) as MirroredOverride;
      // Ended or long expired: drop from Redis (the audit log keeps the history).
      if (ENDED.has(o.state) || (o.expiresAt !== undefined && now - o.expiresAt > 3_600_000)) stale.push(id);
      else next.set(id, o);
    }
    this.all = next;
    if (stale.length) await this.conn.client.hdel(this.conn.key('ovr:all'), ...stale);
  }
}
