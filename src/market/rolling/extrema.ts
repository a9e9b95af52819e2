/** Rolling max (or min) over the last `capacity` pushes with a monotonic deque: amortised O(1).
 * NaN pushes occupy a slot in the window but never become the extreme. */
export class RollingExtreme {
  private readonly vals: Float64Array;
  private readonly seqs: Float64Array;
  private front = 0;
  private len = 0;
  private seq = 0;
  private readonly sign: number;
  constructor(
    readonly capacity: number,
    readonly kind: 'max' | 'min',
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`window must be a positive integer, got ${capacity}`);
    this.vals = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.sign = kind === 'max' ? 1 : -1;
  }
  get count(): number {
    return Math.min(this.seq, this.capacity);
  }
  get full(): boolean {
    return this.seq >= this.capacity;
  }
  push(x: number): void {
    const s = this.seq++;
    // drop the front when it has left the window
    if (this.len > 0 && (this.seqs[this.front] as number) <= s - this.capacity) this.popFront();
    if (Number.isNaN(x)) return;
    const v = this.sign * x;
    while (this.len > 0 && (this.vals[this.backIndex()] as number) <= v) this.len--;
    const i = (this.front + this.len) % this.capacity;
    this.vals[i] = v;
    this.seqs[i] = s;
    this.len++;
  }
  /** Extreme over the values held so far (also before the window is full); NaN when none. */
  value(): number {
    return this.len === 0 ? NaN : this.sign * (this.vals[this.front] as number);
  }
  private backIndex(): number {
    return (this.front + this.len - 1) % this.capacity;
  }
  private popFront(): void {
    this.front = (this.front + 1) % this.capacity;
    this.len--;
  }
  clear(): void {
    this.front = this.len = this.seq = 0;
  }
}
