/** Trading state (kill switch, halts, reduce-only) shared by every replica. It IS a
 * TradingStateStore (drop-in for the composition root and wiring.ts): reads stay synchronous from
 * an in-memory copy; Redis (one hash + a version counter) is the truth, changes are published and
 * every replica reloads at once. The local JSON file mirrors the shared state, so a replica that
 * starts while Redis is down still knows every kill it last saw (fail closed).
 *
 * Writes apply locally first (this replica stops at once, even with Redis down), then go to
 * Redis in order; changes Redis did not take yet are kept in `cluster-pending.json` and replayed
 * on reconnect, before the shared state is reloaded. Each order's prefetch reads the version
 * counter, and a replica that is behind reloads before deciding: a kill written on one replica
 * is seen by the next order on any other, with no wait for pub/sub.
 *
 * A Redis restart without persistence empties the hash. Redis then has no `ts:epoch`, or one
 * this replica never saw, and every replica merges its durable local copy back (HSETNX) before
 * it reads: a kill, halt or latch survives however Redis restarts (see README "When Redis
 * fails"). The merge happens in the same script as the read, so no refresh can adopt the empty
 * state first and lift the local copy. */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TradingState } from '../core/types.js';
import {
  scopeKey,
  scopeMatches,
  TradingStateStore,
  type OrderScope,
  type StateSource,
  type TradingScope,
  type TradingStateEntry,
} from '../policy/trading-state.js';
import type { RedisConnection } from './redis-connection.js';

const RANK: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };
const PENDING_FILE = 'cluster-pending.json';
const EPOCH_FILE = 'cluster-epoch.json';

type Op =
  { readonly t: 'set'; readonly entry: TradingStateEntry } | { readonly t: 'del'; readonly fields: readonly string[] };

const fieldOf = (e: { scope: TradingScope; source: StateSource }): string => `${scopeKey(e.scope)}|${e.source}`;

/** KEYS 1 entries hash, 2 version; ARGV 1 channel, 2 'set' | 'del', 3.. field [json] pairs or fields */
const WRITE_LUA = `
if ARGV[2] == 'set' then
  for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
else
  for i = 3, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
end
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[1], v)
return v`;

/** Read the shared state, first merging this replica's durable entries if Redis lost its data.
 * KEYS 1 entries hash, 2 version, 3 epoch; ARGV 1 channel, 2 epoch this replica last saw ('' none),
 * 3 a fresh epoch id, 4 this replica's version, 5.. field json pairs (the local durable copy)
 * → { epoch, version, merged, hgetall... } */
const READ_LUA = `
local epoch = redis.call('GET', KEYS[3])
local merged = 0
local created = false
if epoch ~= ARGV[2] then
  for i = 5, #ARGV, 2 do merged = merged + redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
  if not epoch then
    epoch = ARGV[3]
    created = true
    redis.call('SET', KEYS[3], epoch)
    -- the version never goes back: a replica that knew a higher one still reloads on the next
    local v = tonumber(redis.call('GET', KEYS[2]) or '0')
    local mine = tonumber(ARGV[4])
    if mine > v then redis.call('SET', KEYS[2], mine) end
  end
  if merged > 0 or created then redis.call('PUBLISH', ARGV[1], redis.call('INCR', KEYS[2])) end
end
local out = { epoch, redis.call('GET', KEYS[2]) or '0', merged }
for _, x in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = x end
return out`;

export class SharedTradingState extends TradingStateStore {
  private shared: TradingStateEntry[] | undefined;
  private version = 0;
  private pending: Op[];
  private flushing: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private poll: NodeJS.Timeout | undefined;
  private epoch: string;
  private readonly epochListeners = new Set<(epoch: string) => void | Promise<void>>();
  private readonly killListeners = new Set<(entry: TradingStateEntry) => void>();

  constructor(
    dir: string,
    clock: { now(): number },
    private readonly conn: RedisConnection,
  ) {
    super(dir, clock);
    this.pending = readPending(join(dir, PENDING_FILE));
    this.epoch = readEpoch(join(dir, EPOCH_FILE));
  }

  /** Called for each kill another replica wrote (seen on reload): cancel this replica's working
   * orders in its scope, so a kill stops the orders resting through every replica. */
  onRemoteKill(fn: (entry: TradingStateEntry) => void): void {
    this.killListeners.add(fn);
  }

  /** Called once Redis shows an epoch this replica had not seen (it lost its data, or this is
   * this replica's first contact): re-assert what else lives in Redis (held reservations). */
  onEpochChange(fn: (epoch: string) => void | Promise<void>): void {
    this.epochListeners.add(fn);
  }

  /** Subscribe and load (call after conn.connect(); safe to call while Redis is down). */
  async start(): Promise<void> {
    await this.conn.subscribe('ts:changed', (msg) => {
      if (Number(msg) > this.version) this.refresh().catch((err: unknown) => this.conn.failed('state_refresh', err));
    });
    this.conn.onUp(() => this.sync());
    if (this.conn.up) await this.sync().catch((err: unknown) => this.conn.failed('state_sync', err));
    // Backstop for a publish missed while the subscriber was resubscribing after a reconnect
    // (orders never depend on it: each prefetch checks the version itself).
    this.poll = setInterval(() => {
      if (!this.conn.up) return;
      this.conn.client
        .get(this.conn.key('ts:version'))
        .then((v) => this.ensureVersion(Number(v ?? 0)))
        .catch(() => undefined);
    }, 1000);
    this.poll.unref();
  }

  stop(): void {
    clearInterval(this.poll);
  }

  get sharedVersion(): number {
    return this.version;
  }

  /** Changes made here and not yet in Redis. */
  get backlog(): number {
    return this.pending.length;
  }

  override stateFor(o: OrderScope): { state: TradingState; reason?: string } {
    let best: TradingStateEntry | undefined;
    for (const e of this.list()) if (scopeMatches(e.scope, o) && (!best || RANK[e.state] > RANK[best.state])) best = e;
    if (!best) return { state: 'ACTIVE' };
    return { state: best.state, reason: `${best.source} ${scopeKey(best.scope)} by ${best.operator}: ${best.reason}` };
  }

  override kill(scope: TradingScope, operator: string, reason: string): TradingStateEntry {
    return this.set(scope, 'HALTED', 'kill', operator, reason);
  }

  override set(
    scope: TradingScope,
    state: Exclude<TradingState, 'ACTIVE'>,
    source: StateSource,
    operator: string,
    reason: string,
  ): TradingStateEntry {
    const entry = super.set(scope, state, source, operator, reason);
    if (this.shared) this.shared = [...this.shared.filter((e) => fieldOf(e) !== fieldOf(entry)), entry];
    this.enqueue({ t: 'set', entry });
    return entry;
  }

  override lift(
    scope: TradingScope,
    operator: string,
    sources: readonly StateSource[] = ['kill'],
  ): TradingStateEntry[] {
    const key = scopeKey(scope);
    const removed = this.list().filter((e) => scopeKey(e.scope) === key && sources.includes(e.source));
    super.lift(scope, operator, sources);
    if (!removed.length) return [];
    const gone = new Set(removed.map(fieldOf));
    if (this.shared) this.shared = this.shared.filter((e) => !gone.has(fieldOf(e)));
    this.enqueue({ t: 'del', fields: [...gone] });
    return removed;
  }

  override list(): readonly TradingStateEntry[] {
    return this.shared ?? super.list();
  }

  /** Resolves when every local change is in Redis (rejects if Redis refused it). */
  async flushed(): Promise<void> {
    while (this.pending.length) {
      this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
      await this.flushing;
    }
  }

  /** Reload when another replica wrote a newer version (called before each decision). */
  async ensureVersion(v: number): Promise<void> {
    if (v > this.version) await this.refresh();
  }

  /** For the operator surface: a kill answers once Redis has it (other replicas stop first). */
  killSwitchStore(): {
    kill(scope: TradingScope, operator: string, reason: string): Promise<TradingStateEntry>;
    lift(scope: TradingScope, operator: string): TradingStateEntry[];
    list(): readonly TradingStateEntry[];
  } {
    return {
      kill: async (scope, operator, reason) => {
        const e = this.kill(scope, operator, reason);
        await this.flushed().catch(() => undefined); // applied locally; replayed on reconnect
        return e;
      },
      lift: (scope, operator) => this.lift(scope, operator),
      list: () => this.list(),
    };
  }

  async refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        // The durable local copy, merged back only if Redis lost its data (see READ_LUA).
        const local = super.list().flatMap((e) => [fieldOf(e), JSON.stringify(e)]);
        const k = (n: string) => this.conn.key(n);
        const res = (await this.conn.client.eval(
          READ_LUA,
          3,
          k('ts:entries'),
          k('ts:version'),
          k('ts:epoch'),
          k('ts:changed'),
          this.epoch,
          randomUUID(),
          String(this.version),
          ...local,
        )) as string[];
        const [epoch, ver, merged] = res as [string, string, number];
        const entries: TradingStateEntry[] = [];
        for (let i = 4; i < res.length; i += 2) entries.push(JSON.parse(res[i]!) as TradingStateEntry);
        const known = new Map(this.list().map((e) => [fieldOf(e), e.since]));
        // Local changes not yet written stay in force on top of what Redis says.
        this.shared = this.applyPending(entries);
        this.version = Number(ver);
        for (const e of this.shared) {
          if (e.source === 'kill' && known.get(fieldOf(e)) !== e.since) for (const fn of this.killListeners) fn(e);
        }
        this.mirrorLocal(this.shared);
        if (epoch !== this.epoch) {
          // First contact is routine; a changed epoch means Redis lost its data (restart without persistence).
          const log = this.epoch ? this.conn.logger.warn : this.conn.logger.info;
          log.call(
            this.conn.logger,
            { epoch, previous: this.epoch || null, reasserted: merged },
            'cluster: new Redis epoch, durable trading state re-asserted',
          );
          this.epoch = epoch;
          writeAtomic(join(this.dir, EPOCH_FILE), JSON.stringify({ version: 1, epoch }) + '\n');
          for (const fn of this.epochListeners) await fn(epoch);
        }
      } finally {
        this.refreshing = undefined;
      }
    })();
    await this.refreshing;
  }

  private async sync(): Promise<void> {
    await this.flushed();
    await this.refresh();
  }

  private enqueue(op: Op): void {
    this.pending.push(op);
    this.savePending();
    this.conn.metrics.syncBacklog.set(this.pending.length);
    this.flushed().catch((err: unknown) => this.conn.failed('state_write', err));
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const op = this.pending[0]!;
      const args = op.t === 'set' ? [fieldOf(op.entry), JSON.stringify(op.entry)] : [...op.fields];
      const v = (await this.conn.client.eval(
        WRITE_LUA,
        2,
        this.conn.key('ts:entries'),
        this.conn.key('ts:version'),
        this.conn.key('ts:changed'),
        op.t,
        ...args,
      )) as number;
      this.pending.shift();
      this.savePending();
      this.conn.metrics.syncBacklog.set(this.pending.length);
      // Our own write: the cache already has it; only skip the reload if nobody else wrote between.
      if (v === this.version + 1) this.version = v;
    }
  }

  private applyPending(entries: TradingStateEntry[]): TradingStateEntry[] {
    let out = entries;
    for (const op of this.pending) {
      if (op.t === 'set') out = [...out.filter((e) => fieldOf(e) !== fieldOf(op.entry)), op.entry];
      else out = out.filter((e) => !op.fields.includes(fieldOf(e)));
    }
    return out;
  }

  /** Make the local file equal to the shared state (restart without Redis keeps every kill). */
  private mirrorLocal(entries: readonly TradingStateEntry[]): void {
    const want = new Map(entries.map((e) => [fieldOf(e), e]));
    for (const e of super.list()) if (!want.has(fieldOf(e))) super.lift(e.scope, 'cluster', [e.source]);
    const have = new Map(super.list().map((e) => [fieldOf(e), e]));
    for (const [f, e] of want) {
      const h = have.get(f);
      if (!h || h.state !== e.state || h.operator !== e.operator || h.reason !== e.reason)
        super.set(e.scope, e.state, e.source, e.operator, e.reason);
    }
  }

  private savePending(): void {
    writeAtomic(join(this.dir, PENDING_FILE), JSON.stringify({ version: 1, ops: this.pending }) + '\n');
  }
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function readEpoch(file: string): string {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { epoch?: unknown };
    return typeof doc.epoch === 'string' ? doc.epoch : '';
  } catch {
    return '';
  }
}

function readPending(file: string): Op[] {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { ops?: Op[] };
    return Array.isArray(doc.ops) ? doc.ops : [];
  } catch {
    return [];
  }
}
