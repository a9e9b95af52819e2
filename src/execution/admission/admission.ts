/** Admission: the throttles a Decision names (Decision.throttles) wait here, in bottleneck
 * limiters keyed by rule and scope value (client:demo, symbol:BTC/USDT:USDT, ...). Orders with no
 * throttle never touch bottleneck (it adds milliseconds per job). A job still queued after the
 * rule's max_wait answers RATE_LIMIT_EXCEEDED. */
import Bottleneck from 'bottleneck';
import { createHash } from 'node:crypto';
import type { ThrottleRef } from '../../core/types.js';
import { realTimers, type Timers } from '../split/timers.js';

/** The limiter parameters of a throttle rule (policy/types.ts ThrottleAction has this shape). */
export interface ThrottleSpec {
  readonly rate?: { readonly count: number; readonly perMs: number };
  readonly max_concurrent?: number;
  readonly reservoir?: { readonly size: number; readonly refreshMs: number };
  readonly maxWaitMs: number;
}

export type AdmissionResult =
  | { readonly ok: true; readonly waitedMs: number; readonly release: () => void }
  | {
      readonly ok: false;
      readonly waitedMs: number;
      readonly key: string;
      readonly ruleId: string;
      readonly code: 'RATE_LIMIT_EXCEEDED';
      readonly reason: string;
    };

export interface AdmissionOptions {
  /** The throttle spec of a rule in the current enforcing set (PolicyManager gives it). */
  readonly specFor: (ruleId: string) => ThrottleSpec | undefined;
  /** Extra bottleneck options: cluster mode passes { datastore: 'ioredis', clientOptions } or a
   * shared { connection }. Local by default. */
  readonly bottleneck?: Pick<
    Bottleneck.ConstructorOptions,
    'datastore' | 'clientOptions' | 'clusterNodes' | 'connection' | 'timeout' | 'heartbeatInterval' | 'clearDatastore'
  >;
  /** A concurrency slot is freed by release(), or after this long at the latest (default 5 s),
   * so a lost release never wedges a limiter. */
  readonly maxHoldMs?: number;
  /** Wall-clock source for waitedMs (bottleneck runs on real time). */
  readonly now?: () => number;
  /** The max_wait give-up and max-hold timers (tests inject ManualTimers: no real-time waits). */
  readonly timers?: Timers;
}

const specKey = (s: ThrottleSpec): string =>
  createHash('sha256')
    .update(JSON.stringify([s.rate, s.max_concurrent, s.reservoir]))
    .digest('hex')
    .slice(0, 12);

export class Admission {
  private readonly limiters = new Map<string, Bottleneck>();
  private readonly holding = new Set<() => void>();
  private readonly now: () => number;
  private readonly maxHoldMs: number;
  private readonly timers: Timers;

  constructor(private readonly opts: AdmissionOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.timers = opts.timers ?? realTimers;
    this.maxHoldMs = opts.maxHoldMs ?? 5_000;
  }

  /** Number of limiters created so far (an order without throttles creates none). */
  get limiterCount(): number {
    return this.limiters.size;
  }

  /** Wait for every throttle in turn. On success the caller holds the concurrency slots until it
   * calls release() (after the venue answered); on failure nothing is held. */
  async admit(throttles: readonly ThrottleRef[]): Promise<AdmissionResult> {
    if (!throttles.length) return { ok: true, waitedMs: 0, release: noop };
    const start = this.now();
    const held: (() => void)[] = [];
    const releaseAll = () => held.splice(0).forEach((r) => r());
    for (const t of throttles) {
      const spec = this.opts.specFor(t.ruleId);
      if (!spec) continue; // the rule left the set in a reload: nothing to wait for
      const r = await this.acquire(this.limiter(t, spec), t.maxWaitMs);
      if (!r.ok) {
        releaseAll();
        const waitedMs = Math.round(this.now() - start);
        return { ok: false, waitedMs, key: t.key, ruleId: t.ruleId, code: 'RATE_LIMIT_EXCEEDED', reason: r.reason };
      }
      held.push(r.release);
    }
    let released = false;
    return {
      ok: true,
      waitedMs: Math.round(this.now() - start),
      release: () => (released ? undefined : ((released = true), releaseAll())),
    };
  }

  /** Stop every limiter (dropping queued jobs). */
  async stop(): Promise<void> {
    for (const release of [...this.holding]) release();
    const all = [...this.limiters.values()];
    this.limiters.clear();
    await Promise.all(all.map((l) => l.stop({ dropWaitingJobs: true }).catch(() => undefined)));
  }

  private limiter(t: ThrottleRef, spec: ThrottleSpec): Bottleneck {
    const id = `liqguard:${t.ruleId}:${specKey(spec)}:${t.key}`;
    let l = this.limiters.get(id);
    if (!l) {
      l = new Bottleneck({
        id,
        ...(spec.max_concurrent ? { maxConcurrent: spec.max_concurrent } : {}),
        // rate: evenly spaced (count per period → one every period/count ms), no bursts.
        ...(spec.rate ? { minTime: Math.ceil(spec.rate.perMs / spec.rate.count) } : {}),
        ...(spec.reservoir
          ? {
              reservoir: spec.reservoir.size,
              reservoirRefreshAmount: spec.reservoir.size,
              reservoirRefreshInterval: spec.reservoir.refreshMs,
            }
          : {}),
        ...this.opts.bottleneck,
      });
      l.on('error', () => undefined); // surfaced per job through acquire()
      this.limiters.set(id, l);
    }
    return l;
  }

  /** Queue a job that holds its slot until released; give up after maxWaitMs. A job that starts
   * after the give-up returns at once (it still took its turn: conservative for the budget). */
  private acquire(
    l: Bottleneck,
    maxWaitMs: number,
  ): Promise<{ ok: true; release: () => void } | { ok: false; reason: string }> {
    return new Promise((resolve) => {
      let settled = false;
      const timer = this.timers.setTimeout(() => {
        if (settled) return;
        settled = true;
        resolve({ ok: false, reason: `queued longer than ${maxWaitMs} ms` });
      }, maxWaitMs);
      l.schedule(() => {
        if (settled) return Promise.resolve();
        settled = true;
        this.timers.clearTimeout(timer);
        return new Promise<void>((done) => {
          const release = () => {
            this.timers.clearTimeout(hold);
            this.holding.delete(release);
            done();
          };
          const hold = this.timers.setTimeout(release, this.maxHoldMs);
          this.holding.add(release);
          resolve({ ok: true, release });
        });
      }).catch((err: Error) => {
        if (settled) return;
        settled = true;
        this.timers.clearTimeout(timer);
        resolve({ ok: false, reason: `limiter error: ${err.message}` });
      });
    });
  }
}

const noop = (): void => undefined;
