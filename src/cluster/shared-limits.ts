/** The Redis side of the shared limits: one atomic script per order before the decision
 * (message count, duplicate clientOrderId, duplicate fingerprint, open-notional reservation
 * against optional caps), then adjust/release as the order is decided, fills or ends.
 *
 * Reserve before deciding, not after: the order's notional is added to the client's and the
 * account's open notional in the same script that reads what the others hold, so two orders on
 * two replicas are serialised by Redis: the second one's policy sees the first one's reservation.
 * The policy's own `client_exposure` rule then holds across replicas with no change to the
 * pipeline, and explicit caps (capsFor) are checked in the script itself. */
import { createHash } from 'node:crypto';
import { Decimal } from '../core/decimal.js';
import type { OrderIntent } from '../core/types.js';
import { orderFingerprint } from '../policy/state.js';
import type { RedisConnection } from './redis-connection.js';
import { ADJUST_LUA, FINGERPRINT_LUA, MESSAGE_LUA, PREFETCH_LUA, RELEASE_INSTANCE_LUA } from './scripts.js';

const UNIT = 1_000_000;

/** Notional (decimal text) → integer micro-units, rounded up (a reservation never under-counts). */
export function toUnits(notional: string | undefined): string {
  if (!notional) return '0';
  const d = new Decimal(notional);
  return d.isNeg() || d.isZero() ? '0' : d.mul(UNIT).ceil().toFixed();
}

export const fromUnits = (units: number | string): string => new Decimal(units).div(UNIT).toFixed();

export interface Caps {
  /** Max open notional of the client across replicas, including this order (decimal text). */
  readonly client?: string;
  /** Max open notional of the venue account across replicas, including this order. */
  readonly account?: string;
}

export interface PrefetchRequest {
  readonly intent: OrderIntent;
  /** Notional to reserve (quantity × limit or reference price); undefined reserves nothing. */
  readonly notional?: string;
  /** Message-rate windows the enforcing policy set uses (ms). */
  readonly windows: readonly number[];
  readonly caps?: Caps;
}

export interface Prefetch {
  /** Redis time of the prefetch (ms). */
  readonly redisNow: number;
  readonly duplicateClientOrderId: boolean;
  /** A cap of capsFor refused the reservation (nothing was reserved). */
  readonly over?: {
    readonly scope: 'client' | 'account';
    readonly cap: string;
    readonly open: string;
    readonly notional: string;
  };
  /** Open notional of the client / account held by other orders (all replicas), decimal text. */
  readonly clientOpen: string;
  readonly accountOpen: string;
  /** Messages of the client per window, before this one. */
  readonly counts: ReadonlyMap<number, number>;
  /** Redis time this order's fingerprint was last accepted, if within retention. */
  readonly fingerprintSeenAt?: number;
  readonly fingerprint: string;
  readonly tradingStateVersion: number;
  readonly reserved: boolean;
}

export interface SharedLimitsOptions {
  /** Message history kept per client (longest message_rate window). Default 1 h. */
  readonly retentionMs?: number;
  /** How long a clientOrderId stays taken (0: no cross-replica check). Default 24 h. */
  readonly clientOrderIdTtlMs?: number;
}

interface Held {
  readonly clientId: string;
  readonly accountKey: string;
  /** What Redis should hold for it (micro-units), to re-assert after Redis lost its data. */
  units: string;
}

export class SharedLimits {
  private readonly retentionMs: number;
  private readonly coidTtlMs: number;
  /** Orders this replica holds a reservation for (to build keys on adjust/release). */
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly conn: RedisConnection,
    opts: SharedLimitsOptions = {},
  ) {
    this.retentionMs = opts.retentionMs ?? 3_600_000;
    this.coidTtlMs = opts.clientOrderIdTtlMs ?? 86_400_000;
  }

  /** The atomic per-order step. Throws when Redis cannot answer (the caller fails closed). */
  async prefetch(req: PrefetchRequest): Promise<Prefetch> {
    const { intent } = req;
    const k = (s: string) => this.conn.key(s);
    const field = this.field(intent.intentId);
    const accountKey = `${intent.venue}/${intent.account}`;
    const fingerprint = orderFingerprint(intent);
    const units = toUnits(req.notional);
    const windows = [...new Set(req.windows)];
    const res = (await this.conn.client.eval(
      PREFETCH_LUA,
      9,
      k(`msg:${intent.clientId}`),
      k(`coid:${intent.clientId}:${intent.clientOrderId}`),
      k(`fp:${sha1(fingerprint)}`),
      k(`open:c:${intent.clientId}`),
      k(`open:c:${intent.clientId}:total`),
      k(`open:a:${accountKey}`),
      k(`open:a:${accountKey}:total`),
      k(`held:${this.conn.instance}`),
      k('ts:version'),
      field,
      String(this.retentionMs),
      String(this.coidTtlMs),
      units,
      JSON.stringify({ c: intent.clientId, a: accountKey }),
      req.caps?.client !== undefined ? toUnits(req.caps.client) : '',
      req.caps?.account !== undefined ? toUnits(req.caps.account) : '',
      ...windows.map(String),
    )) as number[];
    const [redisNow, dup, over, c, a, fp, ver] = res as [number, number, number, number, number, number, number];
    const counts = new Map<number, number>();
    windows.forEach((w, i) => counts.set(w, res[7 + i] ?? 0));
    const reserved = dup === 0 && over === 0 && units !== '0';
    if (reserved) this.held.set(intent.intentId, { clientId: intent.clientId, accountKey, units });
    const notional = fromUnits(units);
    return {
      redisNow,
      duplicateClientOrderId: dup === 1,
      ...(over === 1 && req.caps?.client !== undefined
        ? { over: { scope: 'client' as const, cap: req.caps.client, open: fromUnits(c), notional } }
        : {}),
      ...(over === 2 && req.caps?.account !== undefined
        ? { over: { scope: 'account' as const, cap: req.caps.account, open: fromUnits(a), notional } }
        : {}),
      clientOpen: fromUnits(c),
      accountOpen: fromUnits(a),
      counts,
      ...(fp >= 0 ? { fingerprintSeenAt: fp } : {}),
      fingerprint,
      tradingStateVersion: ver,
      reserved,
    };
  }

  /** Set an order's reservation to a new notional (after a cap, or as it fills); "0" releases. */
  async adjust(intentId: string, notional: string): Promise<void> {
    const h = this.held.get(intentId);
    if (!h) return;
    const units = toUnits(notional);
    const k = (s: string) => this.conn.key(s);
    await this.conn.client.eval(
      ADJUST_LUA,
      5,
      k(`open:c:${h.clientId}`),
      k(`open:c:${h.clientId}:total`),
      k(`open:a:${h.accountKey}`),
      k(`open:a:${h.accountKey}:total`),
      k(`held:${this.conn.instance}`),
      this.field(intentId),
      units,
      JSON.stringify({ c: h.clientId, a: h.accountKey }),
    );
    // Forget the order only once Redis released it: a failed release is retried with its keys.
    if (units === '0') this.held.delete(intentId);
    else h.units = units;
  }

  /** Redis lost its data (a new epoch): reserve again what this replica's in-flight orders hold,
   * so the caps of every replica count them. Returns how many. */
  async reassertHeld(): Promise<number> {
    const all = [...this.held];
    for (const [id, h] of all) await this.adjust(id, fromUnits(h.units));
    return all.length;
  }

  release(intentId: string): Promise<void> {
    return this.adjust(intentId, '0');
  }

  holds(intentId: string): boolean {
    return this.held.has(intentId);
  }

  /** At start: release what this instance held before a restart (those orders are not tracked
   * any more; their venue state is reconciled by the venue adapter). Returns how many. */
  async releaseInstance(): Promise<number> {
    this.held.clear();
    return (await this.conn.client.eval(
      RELEASE_INSTANCE_LUA,
      1,
      this.conn.key(`held:${this.conn.instance}`),
      this.conn.prefix,
    )) as number;
  }

  /** A message that is not an order (a cancel request). */
  async recordMessage(clientId: string, tag: string): Promise<void> {
    await this.conn.client.eval(
      MESSAGE_LUA,
      1,
      this.conn.key(`msg:${clientId}`),
      `${this.conn.instance}|${tag}`,
      String(this.retentionMs),
    );
  }

  /** An order that was not denied: identical orders within a window are duplicates. */
  async recordFingerprint(intent: Parameters<typeof orderFingerprint>[0]): Promise<void> {
    await this.conn.client.eval(
      FINGERPRINT_LUA,
      1,
      this.conn.key(`fp:${sha1(orderFingerprint(intent))}`),
      String(this.retentionMs),
    );
  }

  /** Open notional of a client across replicas (monitoring, tests). */
  async openNotional(scope: { clientId: string } | { venue: string; account: string }): Promise<string> {
    const key = 'clientId' in scope ? `open:c:${scope.clientId}:total` : `open:a:${scope.venue}/${scope.account}:total`;
    return fromUnits((await this.conn.client.get(this.conn.key(key))) ?? '0');
  }

  private field(intentId: string): string {
    return `${this.conn.instance}|${intentId}`;
  }
}

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');
