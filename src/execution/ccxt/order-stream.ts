/** Fills and status changes from the venue's user-data stream (ccxt.pro watchOrders, which on
 * Binance opens a listenKey stream and keeps it alive). While the stream delivers, the
 * OrderTracker does not poll open orders; after a gap (the stream failed or reconnects) the
 * tracker polls once to reconcile what the stream missed, and keeps polling until the stream
 * delivers again. */
import type { CcxtOrderLike } from './reports.js';

export interface WatchOrdersExchange {
  watchOrders(symbol?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<unknown[]>;
  close?(): Promise<void>;
}

export interface OrderStreamIo {
  onOrder(o: CcxtOrderLike & { symbol?: string }): void;
  /** The stream failed: fall back to polling. */
  onGap(reason: string): void;
  /** Reconcile by polling; false when the venue could not be asked (retried after a backoff). */
  reconcile(): Promise<boolean>;
  /** The stream delivered again. */
  onLive(): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class OrderStream {
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly ex: WatchOrdersExchange,
    private readonly io: OrderStreamIo,
    private readonly backoffMs: { min: number; max: number } = { min: 250, max: 5000 },
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Stop and close the stream's connection; a pending watch ends with the close. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.ex.close?.().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let backoff = this.backoffMs.min;
    let gap = false;
    while (!this.stopped) {
      // After a gap: reconcile first (what the stream missed), then subscribe again.
      if (gap) {
        if (!(await this.io.reconcile().catch(() => false))) {
          await sleep(backoff);
          backoff = Math.min(this.backoffMs.max, backoff * 2);
          continue;
        }
        gap = false;
      }
      // Stopped while reconciling: never open a new connection after close().
      if (this.stopped) return;
      try {
        const orders = (await this.ex.watchOrders()) as (CcxtOrderLike & { symbol?: string })[];
        if (this.stopped) return;
        backoff = this.backoffMs.min;
        this.io.onLive();
        for (const o of orders) this.io.onOrder(o);
      } catch (err) {
        if (this.stopped) return;
        this.io.onGap((err as Error).message ?? String(err));
        gap = true;
        await sleep(backoff);
        backoff = Math.min(this.backoffMs.max, backoff * 2);
      }
    }
  }
}
