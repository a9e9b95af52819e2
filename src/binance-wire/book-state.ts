/** An order book with Binance futures update ids. Every change is published as a diff whose
 * update-id range [U, u] follows the previous event's u (pu), exactly the chain a client checks. */
import type { BookSnapshot, DepthDiff, Level } from './source.js';

export class BookState {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private lastUpdateId: number;
  private ts = 0;

  constructor(firstUpdateId = 1_000) {
    this.lastUpdateId = firstUpdateId;
  }

  get updateId(): number {
    return this.lastUpdateId;
  }

  get isEmpty(): boolean {
    return this.bids.size === 0 && this.asks.size === 0;
  }

  /** Replace the whole visible book (a top-N BookEvent); returns the diff, or undefined when
   * nothing changed. Levels absent from the new book are published with qty 0. */
  replace(ts: number, bids: readonly Level[], asks: readonly Level[]): DepthDiff | undefined {
    return this.apply(ts, replacementChanges(this.bids, bids), replacementChanges(this.asks, asks));
  }

  /** Apply partial changes (qty 0 removes a level). */
  apply(ts: number, bidChanges: readonly Level[], askChanges: readonly Level[]): DepthDiff | undefined {
    const b = effective(this.bids, bidChanges);
    const a = effective(this.asks, askChanges);
    if (b.length === 0 && a.length === 0) return undefined;
    for (const [p, q] of b) q > 0 ? this.bids.set(p, q) : this.bids.delete(p);
    for (const [p, q] of a) q > 0 ? this.asks.set(p, q) : this.asks.delete(p);
    const pu = this.lastUpdateId;
    const firstUpdateId = pu + 1;
    // One id per changed level, like the matching engine's per-update counter.
    const finalUpdateId = pu + b.length + a.length;
    this.lastUpdateId = finalUpdateId;
    this.ts = ts;
    return { ts, firstUpdateId, finalUpdateId, prevFinalUpdateId: pu, bids: b, asks: a };
  }

  snapshot(limit: number): BookSnapshot {
    return {
      lastUpdateId: this.lastUpdateId,
      ts: this.ts,
      bids: sorted(this.bids, 'desc', limit),
      asks: sorted(this.asks, 'asc', limit),
    };
  }

  best(): { bid?: Level; ask?: Level } {
    const [bid] = sorted(this.bids, 'desc', 1);
    const [ask] = sorted(this.asks, 'asc', 1);
    return { ...(bid ? { bid } : {}), ...(ask ? { ask } : {}) };
  }
}

function replacementChanges(current: ReadonlyMap<number, number>, next: readonly Level[]): Level[] {
  const keep = new Set<number>();
  const out: Level[] = [];
  for (const [p, q] of next) {
    if (!(q > 0) || !Number.isFinite(p)) continue;
    keep.add(p);
    out.push([p, q]);
  }
  for (const p of current.keys()) if (!keep.has(p)) out.push([p, 0]);
  return out;
}

/** Drops no-op changes (same qty, or removal of a level that does not exist). */
function effective(side: ReadonlyMap<number, number>, changes: readonly Level[]): Level[] {
  const out: Level[] = [];
  for (const [p, q] of changes) {
    const cur = side.get(p);
    if (q > 0 ? cur === q : cur === undefined) continue;
    out.push([p, q > 0 ? q : 0]);
  }
  return out;
}

function sorted(side: ReadonlyMap<number, number>, dir: 'asc' | 'desc', limit: number): Level[] {
  const prices = [...side.keys()].sort((x, y) => (dir === 'asc' ? x - y : y - x));
  return prices.slice(0, limit).map((p) => [p, side.get(p)!] as const);
}
