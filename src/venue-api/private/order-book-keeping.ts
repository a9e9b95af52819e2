/** What the Binance order JSON needs beyond an ExecutionReport (type, timeInForce, limit price,
 * creation time), kept per order placed through the API, and the orderId → clientOrderId index
 * for lookups by orderId. Bounded: the oldest terminal entries go first. */
import type { OrderMeta } from '../../binance-wire/order-shapes.js';

export type { OrderMeta };

export class OrderBookKeeping {
  private readonly byClient = new Map<string, OrderMeta>();
  private readonly byId = new Map<string, OrderMeta>();
  private readonly staging = new Map<string, OrderMeta>();

  constructor(private readonly limit = 100_000) {}

  add(m: OrderMeta): void {
    const ck = key(m.account, m.clientOrderId);
    this.byClient.delete(ck);
    this.byClient.set(ck, m);
    this.byId.set(key(m.account, String(m.orderId)), m);
    if (this.byClient.size > this.limit) {
      for (const [k, old] of this.byClient) {
        if (this.byClient.size <= this.limit) break;
        this.byClient.delete(k);
        this.byId.delete(key(old.account, String(old.orderId)));
      }
    }
  }

  /** While an order is being placed (its reports are emitted before it has an id). */
  stage(m: OrderMeta): void {
    this.staging.set(key(m.account, m.clientOrderId), m);
  }
  unstage(account: string, clientOrderId: string): OrderMeta | undefined {
    const k = key(account, clientOrderId);
    const m = this.staging.get(k);
    this.staging.delete(k);
    return m;
  }

  byClientOrderId(account: string, clientOrderId: string): OrderMeta | undefined {
    const k = key(account, clientOrderId);
    return this.staging.get(k) ?? this.byClient.get(k);
  }

  /** An account's orders in a symbol, oldest first (allOrders). */
  list(account: string, symbol: string): OrderMeta[] {
    const out: OrderMeta[] = [];
    for (const m of this.byClient.values()) if (m.account === account && m.symbol === symbol) out.push(m);
    return out.sort((a, b) => a.orderId - b.orderId);
  }

  byOrderId(account: string, orderId: string): OrderMeta | undefined {
    return this.byId.get(key(account, orderId));
  }
}

const key = (a: string, b: string): string => `${a}\u0000${b}`;
