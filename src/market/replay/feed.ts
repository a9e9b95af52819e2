/** ReplayFeed: merges sources (symbols × kinds) into one time-ordered stream and steps through it
 * without timers. The timed mode (timed-replay.ts) drives this same object from a clock. */
import type { MarketEvent } from '../../core/types.js';

export interface ReplaySource {
  readonly name: string; // e.g. "klines BTC/USDT:USDT"
  readonly events: readonly MarketEvent[];
}

/** Anything that takes events: a MarketView, a FeatureEngine wrapper, a test array. */
export interface EventSink {
  ingest(e: MarketEvent): void;
  /** Called when a looping replay restarts: drop all state (time goes backwards). */
  reset?(): void;
}

export interface ReplayWindow {
  readonly from: number; // first visible event time (inclusive)
  readonly to: number; // last event time (inclusive)
  /** Events in [warmupFrom, from) are warm-up: ingested at once before the visible replay. */
  readonly warmupFrom?: number;
}

// At equal times, everything else is folded in before the bar that closes then, so a bar-close
// row sees all inputs stamped at or before its close.
const RANK: Record<MarketEvent['type'], number> = {
  funding: 0,
  openInterest: 1,
  liquidation: 2,
  mark: 3,
  book: 4,
  trade: 5,
  bar: 6,
};

/** Stable merge by (ts, kind rank, source order, position in source). */
export function mergeSources(sources: readonly ReplaySource[], lo = -Infinity, hi = Infinity): MarketEvent[] {
  const tagged: { e: MarketEvent; s: number; i: number }[] = [];
  sources.forEach((src, s) => src.events.forEach((e, i) => e.ts >= lo && e.ts <= hi && tagged.push({ e, s, i })));
  tagged.sort((a, b) => a.e.ts - b.e.ts || RANK[a.e.type] - RANK[b.e.type] || a.s - b.s || a.i - b.i);
  return tagged.map((t) => t.e);
}

export class ReplayFeed implements Iterable<MarketEvent> {
  readonly events: readonly MarketEvent[];
  readonly window: Required<ReplayWindow>;
  /** Index of the first visible event (events before it are warm-up). */
  readonly visibleStart: number;
  private pos = 0;

  constructor(sources: readonly ReplaySource[], window: ReplayWindow) {
    const warmupFrom = window.warmupFrom ?? window.from;
    if (!(window.from <= window.to))
      throw new RangeError(`replay window: from (${iso(window.from)}) must not be after to (${iso(window.to)})`);
    if (!(warmupFrom <= window.from))
      throw new RangeError(
        `replay window: warmupFrom (${iso(warmupFrom)}) must not be after from (${iso(window.from)})`,
      );
    this.window = { from: window.from, to: window.to, warmupFrom };
    this.events = mergeSources(sources, warmupFrom, window.to);
    let i = 0;
    while (i < this.events.length && this.events[i]!.ts < window.from) i++;
    this.visibleStart = i;
  }

  /** Replay time of the next event, or undefined at the end. */
  peekTs(): number | undefined {
    return this.events[this.pos]?.ts;
  }
  get position(): number {
    return this.pos;
  }
  get done(): boolean {
    return this.pos >= this.events.length;
  }

  /** Rewinds to the start of the warm-up. */
  rewind(): void {
    this.pos = 0;
  }

  /** Ingests every warm-up event not yet emitted at once; returns how many. */
  warmup(sink: EventSink): number {
    return this.emitWhile(sink, (e) => e.ts < this.window.from);
  }

  /** Emits every event with ts <= target (capped at `to`); returns how many. */
  stepTo(target: number, sink: EventSink): number {
    const t = Math.min(target, this.window.to);
    return this.emitWhile(sink, (e) => e.ts <= t);
  }

  next(): MarketEvent | undefined {
    return this.events[this.pos++];
  }

  *[Symbol.iterator](): Iterator<MarketEvent> {
    while (this.pos < this.events.length) yield this.events[this.pos++]!;
  }

  private emitWhile(sink: EventSink, ok: (e: MarketEvent) => boolean): number {
    let n = 0;
    while (this.pos < this.events.length && ok(this.events[this.pos]!)) {
      sink.ingest(this.events[this.pos++]!);
      n++;
    }
    return n;
  }
}

const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : String(t));
