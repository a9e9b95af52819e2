/** Orders of the shared account, reachable from every replica.
 *
 * - The index: every order that was not denied gets `order:<intentId>` and
 *   `order:c:<clientId>:<clientOrderId>` → { instance, intentId, clientId, venue, account, symbol,
 *   children (venue client order ids) }, kept for the clientOrderId TTL. Any replica can find
 *   which replica owns an order and what the venue calls it.
 * - Remote cancel: a replica that does not hold an order sends the cancel to its owner on
 *   `cancel:<instance>`; the owner cancels through its own pipeline (audited there, its order
 *   store stays the truth) and answers on `cancel-reply:<requester>`. No answer in time: a 503
 *   UNAVAILABLE naming the owner (the order may still work; retry, or kill its scope).
 * - Remote kill: SharedTradingState reports kills written by other replicas; each replica cancels
 *   its own working orders in that scope (gateway wiring), so a kill stops every replica's orders.
 *
 * Why route to the owner instead of cancelling at the venue directly: the owner's order store,
 * split scheduler (pending children not yet sent) and audit chain stay consistent, and simulated
 * venues are per replica. */
import { randomUUID } from 'node:crypto';
import { LiqguardError } from '../core/errors.js';
import type { Decision, OrderIntent } from '../core/types.js';
import type { ParentOrder } from '../execution/order-store.js';
import type { OrderEffects } from '../pipeline.js';
import type { RedisConnection } from './redis-connection.js';

export interface OrderIndexEntry {
  readonly instance: string;
  readonly intentId: string;
  readonly clientId: string;
  readonly clientOrderId: string;
  readonly venue: string;
  readonly account: string;
  readonly symbol: string;
  /** Venue client order ids of the children. */
  readonly children: readonly string[];
}

/** What the owner does for a remote cancel: its pipeline.cancel, then the presented order. */
export type LocalCanceller = (intentId: string, reason: string) => Promise<unknown | undefined>;

interface CancelRequest {
  readonly id: string;
  readonly from: string;
  readonly intentId: string;
  readonly reason: string;
}
interface CancelReply {
  readonly id: string;
  readonly ok: boolean;
  readonly order?: unknown;
  readonly error?: string;
}

export class SharedOrders {
  private readonly waiting = new Map<string, (r: CancelReply) => void>();
  private canceller: LocalCanceller | undefined;
  /** Orders already indexed with their children (bounded: cleared past 10,000). */
  private readonly withChildren = new Set<string>();

  constructor(
    private readonly conn: RedisConnection,
    private readonly ttlMs: number,
    private readonly replyTimeoutMs = 5_000,
  ) {}

  /** Subscribe to this replica's cancel and reply channels. */
  async start(canceller: LocalCanceller): Promise<void> {
    this.canceller = canceller;
    const me = this.conn.instance;
    await this.conn.subscribe(`cancel:${me}`, (msg) => void this.serve(JSON.parse(msg) as CancelRequest));
    await this.conn.subscribe(`cancel-reply:${me}`, (msg) => {
      const r = JSON.parse(msg) as CancelReply;
      this.waiting.get(r.id)?.(r);
    });
  }

  /** Add to the pipeline effects: index every order that was not denied (remote cancels find it). */
  readonly effects: OrderEffects = {
    afterDecision: (intent: OrderIntent, decision: Decision) => {
      if (decision.kind === 'deny') return;
      this.index(intent, []).catch((err: unknown) => this.conn.failed('order_index', err));
    },
    // The first venue report of an order: its children (venue client order ids) are known now.
    afterReport: (_report, parent) => {
      if (!parent || this.withChildren.has(parent.intentId)) return;
      if (this.withChildren.size > 10_000) this.withChildren.clear();
      this.withChildren.add(parent.intentId);
      this.indexParent(parent).catch((err: unknown) => this.conn.failed('order_index', err));
    },
  };

  /** Record (or refresh with its children) an order's index entry. */
  async index(intent: OrderIntent, children: readonly string[]): Promise<void> {
    const e: OrderIndexEntry = {
      instance: this.conn.instance,
      intentId: intent.intentId,
      clientId: intent.clientId,
      clientOrderId: intent.clientOrderId,
      venue: intent.venue,
      account: intent.account,
      symbol: intent.symbol,
      children,
    };
    const json = JSON.stringify(e);
    const ttl = String(Math.max(1000, this.ttlMs));
    await this.conn.client
      .multi()
      .set(this.conn.key(`order:${e.intentId}`), json, 'PX', ttl)
      .set(this.conn.key(`order:c:${e.clientId}:${e.clientOrderId}`), json, 'PX', ttl)
      .exec();
  }

  /** Index a placed order with its venue client order ids (called once the order store has them). */
  indexParent(p: ParentOrder): Promise<void> {
    return this.index(
      p.intent,
      p.children.map((c) => c.plan.clientOrderId),
    );
  }

  /** Find an order any replica placed: by intent id, or by the client's own clientOrderId. */
  async lookup(id: string, clientId: string): Promise<OrderIndexEntry | undefined> {
    const res = await this.conn.client
      .multi()
      .get(this.conn.key(`order:${id}`))
      .get(this.conn.key(`order:c:${clientId}:${id}`))
      .exec();
    const [[, a], [, b]] = res as [[unknown, string | null], [unknown, string | null]];
    const raw = a ?? b;
    return raw ? (JSON.parse(raw) as OrderIndexEntry) : undefined;
  }

  /** Cancel an order another replica owns; resolves with the owner's view of the order. */
  async cancelRemote(entry: OrderIndexEntry, reason: string): Promise<unknown> {
    const req: CancelRequest = { id: randomUUID(), from: this.conn.instance, intentId: entry.intentId, reason };
    const reply = new Promise<CancelReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(req.id);
        const msg = `replica ${entry.instance}, which placed order ${entry.intentId}, did not answer the cancel`;
        const tail = `within ${this.replyTimeoutMs} ms; the order may still be working`;
        reject(new LiqguardError('UNAVAILABLE', `${msg} ${tail}`));
      }, this.replyTimeoutMs);
      this.waiting.set(req.id, (r) => {
        clearTimeout(timer);
        this.waiting.delete(req.id);
        resolve(r);
      });
    });
    const receivers = await this.conn.client.publish(this.conn.key(`cancel:${entry.instance}`), JSON.stringify(req));
    if (receivers === 0) {
      const error = `replica ${entry.instance}, which placed order ${entry.intentId}, is not running`;
      this.waiting.get(req.id)?.({ id: req.id, ok: false, error });
    }
    const r = await reply;
    if (!r.ok) {
      const error = r.error ?? `replica ${entry.instance} could not cancel order ${entry.intentId}`;
      throw new LiqguardError('UNAVAILABLE', error);
    }
    return r.order;
  }

  private async serve(req: CancelRequest): Promise<void> {
    let reply: CancelReply;
    try {
      const order = await this.canceller?.(req.intentId, req.reason);
      const error = `replica ${this.conn.instance} no longer holds order ${req.intentId}`;
      reply = order === undefined ? { id: req.id, ok: false, error } : { id: req.id, ok: true, order };
    } catch (err) {
      reply = { id: req.id, ok: false, error: (err as Error).message };
    }
    await this.conn.client
      .publish(this.conn.key(`cancel-reply:${req.from}`), JSON.stringify(reply))
      .catch((err: unknown) => this.conn.failed('cancel_reply', err));
  }
}
