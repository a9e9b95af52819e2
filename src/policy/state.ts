/** Gateway-side state that stateful controls read: message counts, reference prices, order
 * fingerprints, open-order notional. evaluate() reads it synchronously through PolicyStateView;
 * the pipeline writes through the record* API after each decision. A Redis implementation
 * (cluster mode) implements the same view over prefetched values. */
import { Decimal } from '../core/decimal.js';
import type { OrderIntent } from '../core/types.js';

export interface PriceRange {
  readonly min: number;
  readonly max: number;
}

export interface PolicyStateView {
  /** Messages (new orders and cancels) from a client with ts >= sinceMs. */
  messageCount(clientId: string, sinceMs: number): number;
  /** Lowest and highest reference price of a symbol with ts >= sinceMs (1 s resolution). */
  priceRange(symbol: string, sinceMs: number): PriceRange | undefined;
  /** Last time an order with this fingerprint was accepted, if remembered. */
  lastSeen(fingerprint: string): number | undefined;
  /** Quote notional of the client's open orders as the gateway tracks them (decimal text). */
  openNotional(clientId: string): string;
}

/** What makes two orders duplicates: same client, venue, account, symbol, side, type, size, price. */
export function orderFingerprint(
  i: Pick<
    OrderIntent,
    'clientId' | 'venue' | 'account' | 'symbol' | 'side' | 'type' | 'quantity' | 'price' | 'reduceOnly'
  >,
): string {
  return `${i.clientId}|${i.venue}|${i.account}|${i.symbol}|${i.side}|${i.type}|${i.quantity}|${i.price ?? ''}|${i.reduceOnly ? 'r' : ''}`;
}

export const EMPTY_POLICY_STATE: PolicyStateView = {
  messageCount: () => 0,
  priceRange: () => undefined,
  lastSeen: () => undefined,
  openNotional: () => '0',
};

/** Timestamps in arrival order, pruned from the front. */
class TimeSeries {
  private ts: number[] = [];
  private head = 0;
  push(t: number): void {
    this.ts.push(t);
  }
  countSince(since: number): number {
    let lo = this.head;
    let hi = this.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < since) lo = mid + 1;
      else hi = mid;
    }
    return this.ts.length - lo;
  }
  prune(before: number): void {
    while (this.head < this.ts.length && this.ts[this.head]! < before) this.head++;
    if (this.head > 1024 && this.head * 2 > this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.head = 0;
    }
  }
  get size(): number {
    return this.ts.length - this.head;
  }
}

interface Bucket {
  sec: number;
  min: number;
  max: number;
}

export interface InMemoryPolicyStateOptions {
  /** How long history is kept; windows longer than this see only this much. Default 1 h. */
  readonly retentionMs?: number;
}

/** Single-process implementation. Memory is bounded by the retention window. */
export class InMemoryPolicyState implements PolicyStateView {
  private readonly messages = new Map<string, TimeSeries>();
  private readonly prices = new Map<string, Bucket[]>();
  private readonly seen = new Map<string, number>();
  private readonly open = new Map<string, Map<string, Decimal>>();
  private readonly openTotal = new Map<string, Decimal>();
  private readonly retentionMs: number;
  private lastPrune = 0;

  constructor(opts: InMemoryPolicyStateOptions = {}) {
    this.retentionMs = opts.retentionMs ?? 3_600_000;
  }

  messageCount(clientId: string, sinceMs: number): number {
    return this.messages.get(clientId)?.countSince(sinceMs) ?? 0;
  }

  priceRange(symbol: string, sinceMs: number): PriceRange | undefined {
    const buckets = this.prices.get(symbol);
    if (!buckets) return undefined;
    const since = Math.floor(sinceMs / 1000);
    let min = Infinity;
    let max = -Infinity;
    for (let i = buckets.length - 1; i >= 0; i--) {
      const b = buckets[i]!;
      if (b.sec < since) break;
      if (b.min < min) min = b.min;
      if (b.max > max) max = b.max;
    }
    return min === Infinity ? undefined : { min, max };
  }

  lastSeen(fingerprint: string): number | undefined {
    return this.seen.get(fingerprint);
  }

  openNotional(clientId: string): string {
    return this.openTotal.get(clientId)?.toFixed() ?? '0';
  }

  /** A new order or a cancel request from a client (counted whatever the decision). */
  recordMessage(clientId: string, ts: number): void {
    let s = this.messages.get(clientId);
    if (!s) this.messages.set(clientId, (s = new TimeSeries()));
    s.push(ts);
    this.maybePrune(ts);
  }

  /** A reference price (mark) observed at ts; kept as per-second min/max buckets. */
  recordPrice(symbol: string, ts: number, price: number): void {
    if (!Number.isFinite(price) || price <= 0) return;
    let buckets = this.prices.get(symbol);
    if (!buckets) this.prices.set(symbol, (buckets = []));
    const sec = Math.floor(ts / 1000);
    const last = buckets[buckets.length - 1];
    if (last && last.sec === sec) {
      if (price < last.min) last.min = price;
      if (price > last.max) last.max = price;
    } else if (!last || sec > last.sec) buckets.push({ sec, min: price, max: price });
    this.maybePrune(ts);
  }

  /** An order that was not denied: later identical orders within a window are duplicates. */
  recordOrder(intent: Parameters<typeof orderFingerprint>[0], ts: number): void {
    this.seen.set(orderFingerprint(intent), ts);
    this.maybePrune(ts);
  }

  /** Open-order notional per client, keyed by the parent intent; set "0" or call closeOrder when done. */
  openOrder(clientId: string, key: string, notional: string): void {
    let m = this.open.get(clientId);
    if (!m) this.open.set(clientId, (m = new Map()));
    const prev = m.get(key) ?? new Decimal(0);
    const next = new Decimal(notional);
    m.set(key, next);
    this.openTotal.set(clientId, (this.openTotal.get(clientId) ?? new Decimal(0)).minus(prev).plus(next));
  }

  closeOrder(clientId: string, key: string): void {
    const m = this.open.get(clientId);
    const prev = m?.get(key);
    if (!m || !prev) return;
    m.delete(key);
    this.openTotal.set(clientId, (this.openTotal.get(clientId) ?? new Decimal(0)).minus(prev));
  }

  private maybePrune(now: number): void {
    if (now - this.lastPrune < 10_000) return;
    this.lastPrune = now;
    const before = now - this.retentionMs;
    for (const [k, s] of this.messages) {
      s.prune(before);
      if (!s.size) this.messages.delete(k);
    }
    const sec = Math.floor(before / 1000);
    for (const [k, b] of this.prices) {
      let i = 0;
      while (i < b.length && b[i]!.sec < sec) i++;
      if (i) b.splice(0, i);
      if (!b.length) this.prices.delete(k);
    }
    for (const [k, t] of this.seen) if (t < before) this.seen.delete(k);
  }
}
