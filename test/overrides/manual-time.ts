/** A manual clock whose timers fire when the test advances it: expiry without real waiting. */
import { ManualClock } from '../../src/core/clock.js';
import type { Scheduler } from '../../src/overrides/types.js';

export class ManualTime implements Scheduler {
  readonly clock: ManualClock;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  constructor(start = 1_760_000_000_000) {
    this.clock = new ManualClock(start);
  }
  setTimeout(fn: () => void, ms: number) {
    const t = { at: this.clock.now() + ms, fn, live: true };
    this.timers.push(t);
    return { cancel: () => void (t.live = false) };
  }
  get pending(): number {
    return this.timers.filter((t) => t.live).length;
  }
  /** Move the clock, firing due timers in deadline order (a timer may schedule another). */
  advance(ms: number): void {
    const end = this.clock.now() + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      if (due.at > this.clock.now()) this.clock.set(due.at);
      due.fn();
    }
    this.clock.set(end);
    this.timers = this.timers.filter((t) => t.live);
  }
}
