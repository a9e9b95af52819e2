/** Time source. Decision logic never reads Date.now() directly: the clock is injected so that
 * live, replay and tests run the same code. All times are UTC epoch milliseconds. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: replay and tests. */
export class ManualClock implements Clock {
  constructor(private t: number = 0) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    if (t < this.t) throw new Error(`ManualClock cannot go backwards (${t} < ${this.t})`);
    this.t = t;
  }
  advance(ms: number): void {
    this.set(this.t + ms);
  }
}
