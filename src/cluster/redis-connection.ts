/** One Redis connection per replica (plus a subscriber for pub/sub), with reconnect and backoff,
 * a health state, counters and the fail-closed switch. Commands never queue while Redis is down
 * (enableOfflineQueue: false): an order must get its CLUSTER_UNAVAILABLE answer at once, not
 * wait for a reconnect that may never come. */
import { Redis, type RedisOptions } from 'ioredis';
import type { Registry } from 'prom-client';
import { ClusterMetrics } from './metrics.js';

export interface ClusterLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RedisConnectionOptions {
  /** redis://[user:pass@]host:port[/db] */
  readonly url: string;
  /** Prefix of every key and channel liqguard writes. Wrap a part in {braces} on Redis Cluster. */
  readonly keyPrefix: string;
  /** This replica's id (config.instance): held reservations and audit chains are per instance. */
  readonly instance: string;
  /** A command that takes longer fails (and the order fails closed). Default 500 ms. */
  readonly commandTimeoutMs?: number;
  /** Redis down: deny new orders (false, default) or fall back to local limits (true). */
  readonly allowDegradedLocal?: boolean;
  /** Reconnect delay grows 50 ms · 2^n up to this. Default 2000 ms. */
  readonly maxBackoffMs?: number;
  readonly registry?: Registry;
  readonly logger?: ClusterLogger;
  readonly now?: () => number;
}

export interface RedisHealth {
  readonly up: boolean;
  readonly since: number;
  readonly lastError?: string;
  readonly reconnects: number;
}

/** Thrown by cluster operations when Redis cannot answer and degraded mode is off. */
class ClusterUnavailableError extends Error {
  readonly code = 'CLUSTER_UNAVAILABLE' as const;
  constructor(
    readonly op: string,
    cause: unknown,
  ) {
    super(`shared limit store unreachable during ${op}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ClusterUnavailableError';
  }
}

const silent: ClusterLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class RedisConnection {
  readonly client: Redis;
  readonly subscriber: Redis;
  readonly metrics: ClusterMetrics;
  readonly logger: ClusterLogger;
  readonly prefix: string;
  readonly instance: string;
  readonly allowDegradedLocal: boolean;
  readonly clientOptions: RedisOptions;
  private state: { up: boolean; since: number; lastError?: string };
  private reconnects = 0;
  private everUp = false;
  private closed = false;
  private readonly upListeners = new Set<() => void | Promise<void>>();
  private readonly channelListeners = new Map<string, Set<(message: string) => void>>();
  private readonly now: () => number;

  constructor(opts: RedisConnectionOptions) {
    this.prefix = opts.keyPrefix;
    this.instance = opts.instance;
    this.allowDegradedLocal = opts.allowDegradedLocal ?? false;
    this.logger = opts.logger ?? silent;
    this.now = opts.now ?? Date.now;
    this.metrics = new ClusterMetrics(opts.registry);
    const maxBackoff = opts.maxBackoffMs ?? 2000;
    this.clientOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 500,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), maxBackoff),
    };
    this.client = new Redis(opts.url, this.clientOptions);
    // The subscriber may queue SUBSCRIBE until connected; ioredis resubscribes after a reconnect.
    this.subscriber = new Redis(opts.url, {
      ...this.clientOptions,
      enableOfflineQueue: true,
      commandTimeout: undefined,
      maxRetriesPerRequest: null,
    });
    this.state = { up: false, since: this.now() };
    this.metrics.redisUp.set(0);
    this.client.on('ready', () => this.markUp());
    this.client.on('error', (err: Error) => this.markDown(err.message));
    this.client.on('close', () => this.markDown('connection closed'));
    this.client.on('reconnecting', () => this.metrics.reconnectAttempts.inc());
    this.subscriber.on('error', () => undefined); // its state follows the client's; errors are logged there
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const fn of this.channelListeners.get(channel) ?? []) {
        try {
          fn(message);
        } catch (err) {
          this.logger.error({ err, channel }, 'cluster: pub/sub listener failed');
        }
      }
    });
  }

  /** Connect both connections. Resolves when Redis answered, or rejects after the first
   * attempt failed (the connection keeps retrying in the background either way). */
  async connect(): Promise<void> {
    await Promise.all([this.client.connect(), this.subscriber.connect()]);
  }

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  get health(): RedisHealth {
    return { ...this.state, reconnects: this.reconnects };
  }

  get up(): boolean {
    return this.state.up;
  }

  /** Called on every (re)connect: resync local caches, replay queued changes. */
  onUp(fn: () => void | Promise<void>): () => void {
    this.upListeners.add(fn);
    return () => this.upListeners.delete(fn);
  }

  /** Subscribe to a channel (name without prefix). */
  async subscribe(channel: string, fn: (message: string) => void): Promise<void> {
    const full = this.key(channel);
    let set = this.channelListeners.get(full);
    if (!set) {
      this.channelListeners.set(full, (set = new Set()));
      // Not awaited: with Redis down it waits in the subscriber's queue (ioredis resubscribes
      // after every reconnect), and a replica must still start, failing closed.
      this.subscriber
        .subscribe(full)
        .catch((err: unknown) =>
          this.logger.warn({ err: (err as Error).message, channel: full }, 'cluster: subscribe failed'),
        );
    }
    set.add(fn);
  }

  /** Count and log a failed-closed or degraded operation; returns what the caller should do. */
  failed(op: string, err: unknown): 'degraded' | 'closed' {
    if (this.allowDegradedLocal) {
      this.metrics.degraded.inc({ op });
      this.logger.warn(
        { op, err: (err as Error)?.message },
        'cluster: Redis unavailable, using LOCAL limits (degraded mode: limits do not hold across replicas)',
      );
      return 'degraded';
    }
    this.metrics.unavailable.inc({ op });
    this.logger.error({ op, err: (err as Error)?.message }, 'cluster: Redis unavailable, failing closed');
    return 'closed';
  }

  async close(): Promise<void> {
    this.closed = true;
    this.upListeners.clear();
    const end = async (r: Redis) => {
      if (r.status !== 'ready') return r.disconnect();
      await r.quit().catch(() => r.disconnect());
    };
    await Promise.all([end(this.client), end(this.subscriber)]);
  }

  private markUp(): void {
    if (this.everUp) {
      this.reconnects++;
      this.metrics.reconnects.inc();
    }
    this.everUp = true;
    this.state = { up: true, since: this.now() };
    this.metrics.redisUp.set(1);
    this.logger.info({ reconnects: this.reconnects }, 'cluster: Redis connected');
    for (const fn of this.upListeners) {
      Promise.resolve()
        .then(fn)
        .catch((err: unknown) => this.logger.error({ err }, 'cluster: resync after reconnect failed'));
    }
  }

  private markDown(reason: string): void {
    if (this.closed) return;
    if (this.state.up) {
      this.state = { up: false, since: this.now(), lastError: reason };
      this.metrics.redisUp.set(0);
      this.metrics.disconnects.inc();
      this.logger.error({ reason }, 'cluster: Redis connection lost');
    } else this.state = { ...this.state, lastError: reason };
  }
}
