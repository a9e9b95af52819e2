/** SplitScheduler: sends a split parent's children at their notBefore, one after the other.
 * Before each child it checks the regime: if it escalated beyond the regime at decision time the
 * remaining children pause (resume when it calms down, cancel after maxPauseMs) or cancel, as
 * the split rule said (Decision.params.onEscalation). A kill cancels the remaining children of
 * every parent in scope. The parent's status is aggregated by the OrderStore from its children
 * (endChild / applyReport), so a paused or cancelled child shows in the parent at once. */
import type { Clock } from '../../core/clock.js';
import { REGIME_ORDER, type OrderStatus, type RegimeLabel } from '../../core/types.js';
import type { ParentOrder } from '../order-store.js';
import { realTimers, type Timers } from './timers.js';

export type SchedulerEvent =
  | {
      readonly type: 'paused' | 'resumed';
      readonly intentId: string;
      readonly regime: RegimeLabel;
      readonly at: number;
    }
  | {
      readonly type: 'canceled';
      readonly intentId: string;
      readonly reason: string;
      readonly children: number;
      readonly at: number;
    }
  | {
      readonly type: 'send_failed';
      readonly intentId: string;
      readonly index: number;
      readonly error: string;
      readonly at: number;
    };

export interface SplitSchedulerOptions {
  readonly clock: Clock;
  readonly timers?: Timers;
  /** The current regime of a symbol (from the scorer's latest score). */
  readonly regimeOf: (symbol: string) => RegimeLabel;
  /** End a child the gateway never sent (OrderStore.endChild with the clock's now). */
  readonly endChild: (parent: ParentOrder, index: number, status: OrderStatus, reason: string) => void;
  /** While paused, how often the regime is checked again. Default 1 s. */
  readonly recheckMs?: number;
  /** A pause longer than this cancels the remaining children. Default 10 min. */
  readonly maxPauseMs?: number;
  readonly onEvent?: (e: SchedulerEvent) => void;
}

interface Entry {
  readonly parent: ParentOrder;
  readonly send: (index: number) => Promise<void>;
  timer?: unknown;
  pausedSince?: number;
  readonly sent: Set<number>; // never send an index twice, whatever send() did to its status
  shiftMs: number; // delay added by pauses, so the remaining spacing is kept
}

const rank = (r: RegimeLabel): number => REGIME_ORDER.indexOf(r);

export class SplitScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly timers: Timers;

  constructor(private readonly o: SplitSchedulerOptions) {
    this.timers = o.timers ?? realTimers;
  }

  /** Take over the children of a parent that are still pending (those due now were sent). */
  schedule(parent: ParentOrder, send: (index: number) => Promise<void>): void {
    if (this.entries.has(parent.intentId)) return;
    const e: Entry = { parent, send, shiftMs: 0, sent: new Set() };
    this.entries.set(parent.intentId, e);
    this.arm(e);
  }

  /** Stop a parent's schedule and end its unsent children. */
  cancel(intentId: string, reason = 'canceled'): void {
    const e = this.entries.get(intentId);
    if (e) this.finish(e, reason);
  }

  /** Kill switch: cancel the remaining children of every scheduled parent in scope. */
  cancelWhere(filter: (p: ParentOrder) => boolean, reason: string): number {
    let n = 0;
    for (const e of [...this.entries.values()]) if (filter(e.parent)) (this.finish(e, reason), n++);
    return n;
  }

  /** Intent ids with children still to send, and whether each is paused. */
  scheduled(): { intentId: string; paused: boolean; nextIndex: number | undefined }[] {
    return [...this.entries.values()].map((e) => ({
      intentId: e.parent.intentId,
      paused: e.pausedSince !== undefined,
      nextIndex: this.nextIndex(e),
    }));
  }

  stop(): void {
    for (const e of this.entries.values()) if (e.timer !== undefined) this.timers.clearTimeout(e.timer);
    this.entries.clear();
  }

  private nextIndex(e: Entry): number | undefined {
    const i = e.parent.children.findIndex((c, j) => c.status === 'pending' && !e.sent.has(j));
    return i < 0 ? undefined : i;
  }

  private arm(e: Entry): void {
    const i = this.nextIndex(e);
    if (i === undefined) return void this.entries.delete(e.parent.intentId);
    const now = this.o.clock.now();
    const due = e.parent.children[i]!.plan.notBefore + e.shiftMs;
    const wait = e.pausedSince !== undefined ? (this.o.recheckMs ?? 1000) : Math.max(0, due - now);
    e.timer = this.timers.setTimeout(() => void this.fire(e), wait);
  }

  private async fire(e: Entry): Promise<void> {
    e.timer = undefined;
    if (this.entries.get(e.parent.intentId) !== e) return; // cancelled meanwhile
    const i = this.nextIndex(e);
    if (i === undefined) return void this.entries.delete(e.parent.intentId);
    const now = this.o.clock.now();
    const regime = this.o.regimeOf(e.parent.intent.symbol);
    if (rank(regime) > rank(e.parent.regime)) {
      if (e.parent.decision.params?.onEscalation === 'cancel')
        return this.finish(e, `regime escalated from ${e.parent.regime} to ${regime}`);
      if (e.pausedSince === undefined) {
        e.pausedSince = now;
        this.o.onEvent?.({ type: 'paused', intentId: e.parent.intentId, regime, at: now });
      } else if (now - e.pausedSince >= (this.o.maxPauseMs ?? 600_000)) {
        return this.finish(e, `paused longer than ${this.o.maxPauseMs ?? 600_000} ms (regime ${regime})`);
      }
      return this.arm(e);
    }
    if (e.pausedSince !== undefined) {
      // Resume: keep the original spacing from now on.
      e.shiftMs = Math.max(e.shiftMs, now - e.parent.children[i]!.plan.notBefore);
      e.pausedSince = undefined;
      this.o.onEvent?.({ type: 'resumed', intentId: e.parent.intentId, regime, at: now });
    }
    e.sent.add(i);
    try {
      await e.send(i);
    } catch (err) {
      this.o.onEvent?.({
        type: 'send_failed',
        intentId: e.parent.intentId,
        index: i,
        error: (err as Error).message,
        at: this.o.clock.now(),
      });
      this.o.endChild(e.parent, i, 'rejected', `send failed: ${(err as Error).message}`);
    }
    if (this.entries.get(e.parent.intentId) === e) this.arm(e);
  }

  private finish(e: Entry, reason: string): void {
    if (e.timer !== undefined) this.timers.clearTimeout(e.timer);
    this.entries.delete(e.parent.intentId);
    let n = 0;
    e.parent.children.forEach((c, i) => {
      if (c.status !== 'pending') return;
      this.o.endChild(e.parent, i, 'canceled', reason);
      n++;
    });
    this.o.onEvent?.({ type: 'canceled', intentId: e.parent.intentId, reason, children: n, at: this.o.clock.now() });
  }
}
