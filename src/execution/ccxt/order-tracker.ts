/** Asynchronous reports by polling: orders this adapter placed that are still open, and orders
 * whose state was unknown after a failed placement, are looked up on a timer until they end.
 * Open orders are read per symbol (one request each); an order that left the open list is
 * fetched by clientOrderId for its final state. An unknown order the venue does not have once
 * its recvWindow is over can never execute: it is reported rejected. */
import type { ChildOrderRequest, ExecutionReport } from '../../core/types.js';
import { changed, rejectedReport } from './reports.js';

export interface TrackerIo {
  /** Open orders of a symbol as reports, or undefined when the venue could not be asked. */
  openOrders(symbol: string): Promise<readonly ExecutionReport[] | undefined>;
  /** One order by clientOrderId: a report, 'absent', or undefined when unknown. */
  lookup(req: ChildOrderRequest): Promise<ExecutionReport | 'absent' | undefined>;
  emit(r: ExecutionReport): void;
  /** True while a user-data stream delivers reports: open orders are then not polled. */
  streaming?(): boolean;
  now(): number;
  wallNow(): number;
}

interface Tracked {
  readonly req: ChildOrderRequest;
  last: ExecutionReport | undefined;
  /** Set while the state is unknown: when the placement was sent, and its recvWindow end. */
  unknownUntil?: number;
}

const TERMINAL = new Set(['filled', 'canceled', 'rejected', 'expired']);

export class OrderTracker {
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly venue: string,
    private readonly io: TrackerIo,
    private readonly intervalMs: number,
  ) {}

  get size(): number {
    return this.tracked.size;
  }

  /** Follow an open order (after placement or adoption). */
  follow(req: ChildOrderRequest, r: ExecutionReport): void {
    if (TERMINAL.has(r.status)) {
      this.tracked.delete(req.clientOrderId);
      return;
    }
    this.tracked.set(req.clientOrderId, { req, last: r });
    this.ensureTimer();
  }

  /** Follow an order whose placement outcome is unknown; `until` = sent time + recvWindow. */
  followUnknown(req: ChildOrderRequest, until: number): void {
    this.tracked.set(req.clientOrderId, { req, last: undefined, unknownUntil: until });
    this.ensureTimer();
  }

  /** A report from elsewhere (cancel, fetch) supersedes what we last saw. */
  update(r: ExecutionReport): void {
    const t = this.tracked.get(r.clientOrderId);
    if (!t) return;
    if (TERMINAL.has(r.status)) this.tracked.delete(r.clientOrderId);
    else t.last = r;
  }

  /** A report from the user-data stream for an order this tracker follows. */
  observe(r: ExecutionReport): void {
    const t = this.tracked.get(r.clientOrderId);
    if (!t || t.unknownUntil !== undefined) return;
    this.apply(t, { ...r, account: t.req.account, symbol: t.req.symbol });
  }

  /** One polling round (exported for tests; the timer calls it). */
  /** Resolves false when the venue could not be asked about every followed symbol. */
  async poll(force = false): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    let ok = true;
    try {
      const bySymbol = new Map<string, Tracked[]>();
      for (const t of this.tracked.values()) {
        if (t.unknownUntil !== undefined) {
          await this.resolveUnknown(t);
          continue;
        }
        const list = bySymbol.get(t.req.symbol) ?? [];
        list.push(t);
        bySymbol.set(t.req.symbol, list);
      }
      if (!force && this.io.streaming?.()) return true;
      for (const [symbol, list] of bySymbol) {
        const open = await this.io.openOrders(symbol);
        if (!open) {
          ok = false;
          continue;
        }
        const byId = new Map(open.map((r) => [r.clientOrderId, r]));
        for (const t of list) {
          const now = byId.get(t.req.clientOrderId);
          if (now) {
            this.apply(t, now);
            continue;
          }
          const fin = await this.io.lookup(t.req);
          if (fin && fin !== 'absent') this.apply(t, fin);
        }
      }
    } finally {
      this.running = false;
      if (this.tracked.size === 0) this.stop();
    }
    return ok;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async resolveUnknown(t: Tracked): Promise<void> {
    const r = await this.io.lookup(t.req);
    if (r === undefined) return;
    if (r === 'absent') {
      if (this.io.wallNow() < t.unknownUntil!) return; // the request may still be executed
      this.tracked.delete(t.req.clientOrderId);
      this.io.emit(
        rejectedReport(
          this.venue,
          t.req,
          'VENUE_UNAVAILABLE',
          'order never reached the venue (not found after its recvWindow); nothing was executed',
          this.io.now(),
        ),
      );
      return;
    }
    delete t.unknownUntil;
    this.apply(t, r);
  }

  private apply(t: Tracked, r: ExecutionReport): void {
    if (changed(t.last, r)) this.io.emit(r);
    t.last = r;
    if (TERMINAL.has(r.status)) this.tracked.delete(t.req.clientOrderId);
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }
}
