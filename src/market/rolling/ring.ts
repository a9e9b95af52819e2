/** Fixed-capacity ring of numbers: `at(0)` is the newest value, `at(k)` the value k pushes ago. */
export class Ring {
  private readonly buf: Float64Array;
  private head = -1; // index of the newest value
  private n = 0;
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`Ring capacity must be a positive integer, got ${capacity}`);
    this.buf = new Float64Array(capacity);
  }
  get size(): number {
    return this.n;
  }
  get full(): boolean {
    return this.n === this.capacity;
  }
  /** Pushes x and returns the value it evicted (NaN when the ring was not full). */
  push(x: number): number {
    this.head = (this.head + 1) % this.capacity;
    const evicted = this.n === this.capacity ? (this.buf[this.head] as number) : NaN;
    this.buf[this.head] = x;
    if (this.n < this.capacity) this.n++;
    return evicted;
  }
  /** Value pushed k steps ago (0 = newest); NaN when not held. */
  at(k: number): number {
    if (k < 0 || k >= this.n) return NaN;
    return this.buf[(this.head - k + this.capacity) % this.capacity] as number;
  }
  /** Oldest held value first. */
  toArray(): number[] {
    const out: number[] = [];
    for (let k = this.n - 1; k >= 0; k--) out.push(this.at(k));
    return out;
  }
  clear(): void {
    this.head = -1;
    this.n = 0;
  }
}
