/** Alert delivery, off the order path: raise() only deduplicates and enqueues (bounded); webhook
 * POSTs run asynchronously, a few at a time, retried with exponential backoff on injected timers.
 * Every alert raised and every delivery outcome is an `alert` audit record and a counter. */
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { AuditAppender } from '../core/stages.js';
import type { AlertsConfig, AlertTarget } from './config.js';
import { alertBody } from './format.js';
import { severityRank, type Alert, type AlertDraft } from './types.js';

export interface AlertTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
const realTimers: AlertTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** One webhook POST; resolves with the HTTP status, rejects on a network error or timeout. */
export type WebhookPost = (url: string, body: string, timeoutMs: number) => Promise<number>;
const fetchPost: WebhookPost = async (url, body, timeoutMs) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer().catch(() => undefined);
  return res.status;
};

export interface DispatcherDeps {
  readonly config: AlertsConfig;
  readonly instance: string;
  readonly clock: Clock;
  readonly timers?: AlertTimers;
  readonly post?: WebhookPost;
  readonly audit?: Pick<AuditAppender, 'append'>;
  readonly registry?: Registry;
  readonly ids?: () => string;
  /** Deliveries in flight at once. Default 2. */
  readonly concurrency?: number;
}

interface Job {
  readonly alert: Alert;
  readonly target: AlertTarget;
  attempts: number;
  lastError?: string;
}

export class AlertDispatcher {
  private readonly lastRaised = new Map<string, number>();
  private readonly queue: Job[] = [];
  private readonly waiting = new Map<Job, unknown>(); // backoff timers
  private inflight = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private closed = false;
  private seq = 0;
  private readonly m: ReturnType<typeof alertMetrics> | undefined;
  readonly counts = { raised: 0, deduplicated: 0, sent: 0, failed: 0, retried: 0, dropped: 0 };

  constructor(private readonly d: DispatcherDeps) {
    this.m = d.registry ? alertMetrics(d.registry) : undefined;
  }

  /** Deduplicate, audit, enqueue one delivery per matching target. Never throws, never waits. */
  raise(draft: AlertDraft): Alert | undefined {
    if (this.closed) return undefined;
    const now = this.d.clock.now();
    const last = this.lastRaised.get(draft.key);
    if (last !== undefined && now - last < this.d.config.dedupeWindowMs) {
      this.counts.deduplicated++;
      this.m?.deduplicated.inc({ kind: draft.kind });
      return undefined;
    }
    this.lastRaised.set(draft.key, now);
    if (this.lastRaised.size > 10_000) this.prune(now);
    const alert: Alert = {
      ...draft,
      id: this.d.ids?.() ?? `alert_${now.toString(36)}_${(this.seq++).toString(36)}`,
      ts: now,
    };
    this.counts.raised++;
    this.m?.raised.inc({ kind: alert.kind, severity: alert.severity });
    const targets = this.d.config.targets.filter(
      (t) => t.kinds.includes(alert.kind) && severityRank(alert.severity) >= severityRank(t.minSeverity),
    );
    this.record({
      phase: 'raised',
      alertId: alert.id,
      key: alert.key,
      kind: alert.kind,
      severity: alert.severity,
      title: alert.title,
      fields: alert.fields,
      targets: targets.map((t) => t.id),
    });
    for (const target of targets) {
      if (this.size >= this.d.config.queueSize) {
        this.drop({ alert, target, attempts: 0 }, 'queue_full');
        continue;
      }
      this.queue.push({ alert, target, attempts: 0 });
    }
    this.pump();
    return alert;
  }

  /** Jobs queued, in flight or waiting for a retry. */
  get size(): number {
    return this.queue.length + this.inflight + this.waiting.size;
  }

  /** Resolves when nothing is queued or in flight (retries waiting on a timer do not count). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.inflight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stop: deliveries in flight finish; queued and waiting ones are dropped (and audited). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [job, h] of this.waiting) {
      (this.d.timers ?? realTimers).clearTimeout(h);
      this.drop(job, 'shutdown');
    }
    this.waiting.clear();
    for (const job of this.queue.splice(0)) this.drop(job, 'shutdown');
    await this.idle();
  }

  private pump(): void {
    const max = this.d.concurrency ?? 2;
    while (this.inflight < max && this.queue.length) {
      const job = this.queue.shift()!;
      this.inflight++;
      void this.deliver(job).finally(() => {
        this.inflight--;
        this.pump();
        if (this.queue.length === 0 && this.inflight === 0) for (const r of this.idleWaiters.splice(0)) r();
      });
    }
  }

  private async deliver(job: Job): Promise<void> {
    job.attempts++;
    const body = JSON.stringify(alertBody(job.alert, job.target.format, this.d.instance));
    let error: string;
    try {
      const status = await (this.d.post ?? fetchPost)(job.target.url, body, this.d.config.timeoutMs);
      if (status >= 200 && status < 300) {
        this.counts.sent++;
        this.m?.sent.inc({ target: job.target.id });
        this.record({
          phase: 'delivered',
          alertId: job.alert.id,
          key: job.alert.key,
          kind: job.alert.kind,
          target: job.target.id,
          attempts: job.attempts,
          status,
        });
        return;
      }
      error = `HTTP ${status}`;
    } catch (err) {
      error =
        (err as Error).name === 'TimeoutError'
          ? `timeout after ${this.d.config.timeoutMs} ms`
          : ((err as Error).message ?? String(err)).slice(0, 200);
    }
    job.lastError = error;
    if (job.attempts >= this.d.config.maxAttempts || this.closed) {
      this.counts.failed++;
      this.m?.failed.inc({ target: job.target.id });
      this.record({
        phase: 'failed',
        alertId: job.alert.id,
        key: job.alert.key,
        kind: job.alert.kind,
        target: job.target.id,
        attempts: job.attempts,
        error,
      });
      return;
    }
    this.counts.retried++;
    this.m?.retried.inc({ target: job.target.id });
    const delay = Math.min(this.d.config.maxBackoffMs, this.d.config.backoffMs * 2 ** (job.attempts - 1));
    const h = (this.d.timers ?? realTimers).setTimeout(() => {
      this.waiting.delete(job);
      if (this.closed) return;
      this.queue.push(job);
      this.pump();
    }, delay);
    this.waiting.set(job, h);
  }

  private drop(job: Job, reason: 'queue_full' | 'shutdown'): void {
    this.counts.dropped++;
    this.m?.dropped.inc({ target: job.target.id, reason });
    this.record({
      phase: 'dropped',
      alertId: job.alert.id,
      key: job.alert.key,
      kind: job.alert.kind,
      target: job.target.id,
      attempts: job.attempts,
      reason,
      ...(job.lastError ? { error: job.lastError } : {}),
    });
  }

  /** The audit record; a failing audit log must not stop alerting (the failure is itself an alert). */
  private record(body: Record<string, unknown>): void {
    try {
      this.d.audit?.append('alert', body);
    } catch {
      /* counted by the audit watcher; the alert still goes out */
    }
  }

  private prune(now: number): void {
    for (const [k, t] of this.lastRaised) if (now - t >= this.d.config.dedupeWindowMs) this.lastRaised.delete(k);
  }
}

function alertMetrics(registry: Registry) {
  const c = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  return {
    raised: c('liqguard_alerts_raised_total', 'Alerts raised (after deduplication) by kind and severity', [
      'kind',
      'severity',
    ]),
    deduplicated: c('liqguard_alerts_deduplicated_total', 'Alerts suppressed as duplicates within the window', [
      'kind',
    ]),
    sent: c('liqguard_alerts_sent_total', 'Alert webhooks delivered (2xx)', ['target']),
    failed: c('liqguard_alerts_failed_total', 'Alert webhooks given up after the last attempt', ['target']),
    retried: c('liqguard_alerts_retried_total', 'Alert webhook attempts that failed and were scheduled again', [
      'target',
    ]),
    dropped: c('liqguard_alerts_dropped_total', 'Alert deliveries dropped (queue full, shutdown)', [
      'target',
      'reason',
    ]),
  };
}
