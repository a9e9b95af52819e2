/** Timed replay for the live gateway: drives a ReplayFeed from the injected clock and scheduler.
 * Replay time = from + (wall − wallStart) × speed. Events keep their historical timestamps; the
 * gateway reads `replayClock()` so its decision clock runs on replay time.
 * Looping: at the end of [from, to] the sink is reset (reset()), the warm-up is ingested again and
 * replay time jumps back to `from`. The feature engines therefore never see time go backwards:
 * they start empty and are warm again before the first visible event. */
import type { Clock } from '../../core/clock.js';
import type { EventSink, ReplayFeed } from './feed.js';

export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemScheduler: Scheduler = {
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type ReplaySpeed =
  { readonly barsPerSecond: number; readonly barIntervalMs?: number } | { readonly multiplier: number };

export interface TimedReplayOptions {
  readonly clock: Clock;
  readonly scheduler?: Scheduler;
  readonly speed: ReplaySpeed;
  readonly loop?: boolean;
  /** Longest wall time between two ticks (keeps replayClock-driven consumers moving). Default 250. */
  readonly maxTickMs?: number;
  readonly onLoop?: (loops: number) => void;
  readonly onEnd?: () => void;
}

/** Replay ms per wall ms. */
export function speedMultiplier(s: ReplaySpeed): number {
  const m = 'multiplier' in s ? s.multiplier : (s.barsPerSecond * (s.barIntervalMs ?? 3_600_000)) / 1000;
  if (!(m > 0 && Number.isFinite(m))) throw new RangeError(`replay speed must be > 0, got ${JSON.stringify(s)}`);
  return m;
}

export class TimedReplay {
  readonly multiplier: number;
  private wallStart = NaN;
  private handle: unknown;
  private running = false;
  private loopCount = 0;
  private readonly scheduler: Scheduler;

  constructor(
    private readonly feed: ReplayFeed,
    private readonly sink: EventSink,
    private readonly opts: TimedReplayOptions,
  ) {
    this.multiplier = speedMultiplier(opts.speed);
    this.scheduler = opts.scheduler ?? systemScheduler;
  }

  get loops(): number {
    return this.loopCount;
  }
  get isRunning(): boolean {
    return this.running;
  }

  /** Warms up synchronously (the features are warm when start returns), then schedules ticks. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.restart();
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.scheduler.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** Replay time at a wall time (capped at `to`); `from` before start. */
  replayTimeAt(wallMs: number): number {
    const w = this.feed.window;
    if (Number.isNaN(this.wallStart)) return w.from;
    return Math.min(w.to, w.from + Math.max(0, wallMs - this.wallStart) * this.multiplier);
  }

  /** Wall time at which a replay time is reached in the current loop. */
  wallTimeAt(replayMs: number): number {
    return this.wallStart + (replayMs - this.feed.window.from) / this.multiplier;
  }

  /** A Clock on replay time, for the gateway's decisions in the embedded default. */
  replayClock(): Clock {
    return { now: () => this.replayTimeAt(this.opts.clock.now()) };
  }

  /** Timers whose delays are in replay time (a delay of one replayed hour fires after
   * 3600000 / multiplier wall ms), to go with replayClock(). */
  replayTimers(): { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void } {
    return {
      setTimeout: (fn, ms) => this.scheduler.setTimeout(fn, Math.max(0, ms / this.multiplier)),
      clearTimeout: (h) => this.scheduler.clearTimeout(h),
    };
  }

  /** Emits what is due and schedules the next tick. Public so tests can drive it directly. */
  tick(): void {
    if (!this.running) return;
    const now = this.opts.clock.now();
    const target = this.replayTimeAt(now);
    this.feed.stepTo(target, this.sink);
    if (this.feed.done && target >= this.feed.window.to) {
      if (!this.opts.loop) {
        this.stop();
        this.opts.onEnd?.();
        return;
      }
      this.loopCount++;
      this.restart();
      this.opts.onLoop?.(this.loopCount);
    }
    const next = this.feed.peekTs() ?? this.feed.window.to;
    const wait = Math.max(1, Math.ceil(this.wallTimeAt(next) - this.opts.clock.now()));
    this.handle = this.scheduler.setTimeout(() => this.tick(), Math.min(wait, this.opts.maxTickMs ?? 250));
  }

  private restart(): void {
    this.feed.rewind();
    this.sink.reset?.();
    this.feed.warmup(this.sink);
    this.wallStart = this.opts.clock.now();
  }
}
