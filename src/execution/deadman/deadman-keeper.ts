/** The gateway's dead-man switch keeper: for every (venue, symbol) with working orders at a venue
 * that has its own dead-man switch (Binance USD-M countdownCancelAll), keep the venue's countdown
 * armed while the gateway is healthy. If the gateway dies, or stops refreshing because it is
 * unhealthy (e.g. its audit log cannot write), the countdown runs out and the venue cancels.
 *
 * - arm at once when a symbol gets its first working order (sync after every decision/report);
 * - refresh every `refreshMs` (well inside `countdownMs`);
 * - disarm (countdown 0) when a symbol has no working orders left;
 * - unhealthy: no refresh and no disarm (the point is that the venue cancels); once a key's
 *   countdown has run out since its last successful arm, report it `expired` and forget it. */
import type { Clock } from '../../core/clock.js';
import type { Venue } from '../../core/types.js';

/** Optional venue capability: the exchange's own dead-man switch (countdownMs 0 disarms). */
export interface DeadmanVenue {
  armDeadman(symbol: string, countdownMs: number): Promise<void>;
}
const hasDeadman = (v: Venue): v is Venue & DeadmanVenue =>
  typeof (v as Partial<DeadmanVenue>).armDeadman === 'function';

export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}
export const realIntervals: IntervalTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export type DeadmanState = 'armed' | 'disarmed' | 'refresh_failed' | 'paused' | 'resumed' | 'expired';
export interface DeadmanEvent {
  readonly venue: string;
  readonly symbol: string;
  readonly state: DeadmanState;
  readonly countdownMs: number;
  readonly detail?: string;
}

export interface DeadmanKeeperDeps {
  readonly venues: ReadonlyMap<string, Venue>;
  /** (venue, symbol) of every order still working, whatever door it came through. */
  readonly working: () => Iterable<{ readonly venue: string; readonly symbol: string }>;
  /** False stops refreshing (the venue's countdown then cancels). Default: always healthy. */
  readonly healthy?: () => { ok: boolean; reason?: string };
  readonly clock: Clock;
  readonly countdownMs: number;
  readonly refreshMs: number;
  readonly timers?: IntervalTimers;
  /** State changes (not every refresh): alerts and the audit log listen here. */
  readonly onEvent?: (e: DeadmanEvent) => void;
}

export interface DeadmanStats {
  arms: number;
  acks: number; // arms the venue acknowledged
  disarms: number;
  errors: number;
  expired: number;
  armed: number;
  paused: boolean;
}

interface Armed {
  readonly venue: Venue & DeadmanVenue;
  readonly symbol: string;
  lastOkAt: number; // wall time of the last acknowledged arm
  failing: boolean;
}

export class DeadmanKeeper {
  private readonly armed = new Map<string, Armed>();
  private readonly stats: DeadmanStats = {
    arms: 0,
    acks: 0,
    disarms: 0,
    errors: 0,
    expired: 0,
    armed: 0,
    paused: false,
  };
  private handle: unknown;
  private pausedReason: string | undefined;
  private poked = false;
  private stopped = false;

  constructor(private readonly d: DeadmanKeeperDeps) {
    if (!(d.refreshMs > 0 && d.refreshMs < d.countdownMs))
      throw new RangeError(`dead-man refreshMs (${d.refreshMs}) must be > 0 and below countdownMs (${d.countdownMs})`);
  }

  /** True when some configured venue has a switch to keep. */
  get applies(): boolean {
    return [...this.d.venues.values()].some(hasDeadman);
  }

  start(): void {
    if (this.handle === undefined && this.applies)
      this.handle = (this.d.timers ?? realIntervals).setInterval(() => this.sync(true), this.d.refreshMs);
  }

  stop(): void {
    if (this.handle !== undefined) (this.d.timers ?? realIntervals).clearInterval(this.handle);
    this.handle = undefined;
    this.stopped = true; // pokes after a stop (venues closing) are ignored
  }

  /** Arm what working orders need (everything on a refresh, only new keys otherwise); disarm the rest. */
  sync(refresh = false): void {
    const now = this.d.clock.now();
    const health = this.d.healthy?.() ?? { ok: true };
    if (!health.ok) return this.whileUnhealthy(now, health.reason ?? 'unhealthy');
    if (this.pausedReason !== undefined) {
      this.pausedReason = undefined;
      this.stats.paused = false;
      for (const a of this.armed.values()) this.emit(a, 'resumed');
      refresh = true;
    }
    const want = this.wanted();
    for (const [k, w] of want) {
      const cur = this.armed.get(k);
      if (cur && !refresh) continue;
      const a: Armed = cur ?? { venue: w.venue, symbol: w.symbol, lastOkAt: now, failing: false };
      this.armed.set(k, a);
      this.arm(a, this.d.countdownMs, !cur);
    }
    for (const [k, a] of [...this.armed]) {
      if (want.has(k)) continue;
      this.armed.delete(k);
      this.arm(a, 0, false);
    }
    this.stats.armed = this.armed.size;
  }

  /** Sync soon (after the current turn), coalescing bursts: called on every decision and report. */
  poke(): void {
    if (this.poked || this.stopped) return;
    this.poked = true;
    setImmediate(() => {
      this.poked = false;
      this.sync(false);
    });
  }

  snapshot(): Readonly<DeadmanStats> {
    return { ...this.stats };
  }

  private whileUnhealthy(now: number, reason: string): void {
    if (this.pausedReason === undefined) {
      this.pausedReason = reason;
      this.stats.paused = true;
      for (const a of this.armed.values()) this.emit(a, 'paused', reason);
    }
    for (const [k, a] of [...this.armed]) {
      if (now - a.lastOkAt < this.d.countdownMs) continue;
      this.armed.delete(k);
      this.stats.expired++;
      this.emit(a, 'expired', `no refresh for ${now - a.lastOkAt} ms (${reason}): the venue has cancelled ${a.symbol}`);
    }
    this.stats.armed = this.armed.size;
  }

  private wanted(): Map<string, { venue: Venue & DeadmanVenue; symbol: string }> {
    const out = new Map<string, { venue: Venue & DeadmanVenue; symbol: string }>();
    for (const w of this.d.working()) {
      const venue = this.d.venues.get(w.venue);
      if (venue && hasDeadman(venue)) out.set(`${venue.id}\u0000${w.symbol}`, { venue, symbol: w.symbol });
    }
    return out;
  }

  private arm(a: Armed, ms: number, first: boolean): void {
    if (ms > 0) this.stats.arms++;
    else this.stats.disarms++;
    a.venue.armDeadman(a.symbol, ms).then(
      () => {
        a.lastOkAt = this.d.clock.now();
        if (ms > 0) this.stats.acks++;
        if (ms === 0) this.emit(a, 'disarmed');
        else if (first || a.failing) this.emit(a, 'armed');
        a.failing = false;
      },
      (err: unknown) => {
        this.stats.errors++;
        a.failing = true;
        this.emit(a, 'refresh_failed', err instanceof Error ? err.message.slice(0, 200) : String(err));
      },
    );
  }

  private emit(a: Armed, state: DeadmanState, detail?: string): void {
    this.d.onEvent?.({
      venue: a.venue.id,
      symbol: a.symbol,
      state,
      countdownMs: this.d.countdownMs,
      ...(detail !== undefined ? { detail } : {}),
    });
  }
}
