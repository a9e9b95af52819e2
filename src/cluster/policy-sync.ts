/** Policy-set version across replicas: each replica publishes the sha256 it enforces (at start,
 * after every reload, after a reconnect). A replica that hears another sha reloads its files
 * (shared volume / same image: it converges) and, if the sha still differs, reports the mismatch
 * (gauge liqguard_cluster_policy_mismatch, log, status()) instead of guessing which one is right. */
import type { RedisConnection } from './redis-connection.js';

export interface PolicySource {
  readonly enforcing: { readonly id: string; readonly version: number; readonly sha256: string };
  reload(): { ok: boolean };
}

export interface InstancePolicy {
  readonly id: string;
  readonly version: number;
  readonly sha256: string;
  readonly at: number;
}

/** Replicas republish every minute; an entry older than this is a replica that is gone. */
const STALE_MS = 5 * 60_000;

export class PolicyVersionSync {
  private mismatch = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: RedisConnection,
    private readonly policies: PolicySource,
    private readonly opts: { autoReload?: boolean; now?: () => number; onReload?: (r: { ok: boolean }) => void } = {},
  ) {}

  async start(): Promise<void> {
    await this.conn.subscribe('policy:changed', (msg) => void this.heard(msg));
    this.conn.onUp(() => this.publish());
    if (this.conn.up) await this.publish();
    this.timer = setInterval(() => void this.publish().catch(() => undefined), 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Call after every reload of this replica. */
  async publish(): Promise<void> {
    const e = this.policies.enforcing;
    const rec: InstancePolicy = { id: e.id, version: e.version, sha256: e.sha256, at: (this.opts.now ?? Date.now)() };
    await this.conn.client.hset(this.conn.key('policy:instances'), this.conn.instance, JSON.stringify(rec));
    await this.conn.client.publish(
      this.conn.key('policy:changed'),
      JSON.stringify({ instance: this.conn.instance, sha256: e.sha256 }),
    );
    await this.check();
  }

  /** What every replica last published, and whether they agree. */
  async status(): Promise<{ agree: boolean; instances: Record<string, InstancePolicy> }> {
    const raw = await this.conn.client.hgetall(this.conn.key('policy:instances'));
    const now = (this.opts.now ?? Date.now)();
    const instances: Record<string, InstancePolicy> = {};
    for (const [k, v] of Object.entries(raw)) {
      const p = JSON.parse(v) as InstancePolicy;
      if (now - p.at < STALE_MS) instances[k] = p;
    }
    return { agree: new Set(Object.values(instances).map((p) => p.sha256)).size <= 1, instances };
  }

  get mismatched(): boolean {
    return this.mismatch;
  }

  private async heard(msg: string): Promise<void> {
    try {
      const m = JSON.parse(msg) as { instance: string; sha256: string };
      if (m.instance === this.conn.instance || m.sha256 === this.policies.enforcing.sha256)
        return void (await this.check());
      if (this.opts.autoReload ?? true) {
        const before = this.policies.enforcing.sha256;
        const r = this.policies.reload();
        this.opts.onReload?.(r);
        if (this.policies.enforcing.sha256 !== before) return void (await this.publish());
      }
      await this.check();
    } catch (err) {
      this.conn.logger.warn({ err: (err as Error).message }, 'cluster: policy version check failed');
    }
  }

  private async check(): Promise<void> {
    const s = await this.status();
    this.mismatch = !s.agree;
    this.conn.metrics.policyMismatch.set(this.mismatch ? 1 : 0);
    if (this.mismatch)
      this.conn.logger.warn({ instances: s.instances }, 'cluster: replicas enforce different policy sets');
  }
}
