import { Ring } from './ring.js';

/** Rolling rank over the last `capacity` values: a sorted buffer with binary-search insert and
 * delete (O(log n) search + O(n) memmove of a Float64Array, fast for n in the thousands).
 * NaN values are not stored: the window holds the last `capacity` finite values. */
export class RollingPercentile {
  private readonly sorted: Float64Array;
  private readonly order: Ring;
  private n = 0;
  constructor(readonly capacity: number) {
    this.sorted = new Float64Array(capacity);
    this.order = new Ring(capacity);
  }
  get count(): number {
    return this.n;
  }
  get full(): boolean {
    return this.n === this.capacity;
  }
  push(x: number): void {
    if (Number.isNaN(x)) return;
    if (this.n === this.capacity) this.remove(this.order.at(this.capacity - 1));
    this.order.push(x);
    const i = this.lowerBound(x);
    this.sorted.copyWithin(i + 1, i, this.n);
    this.sorted[i] = x;
    this.n++;
  }
  private remove(x: number): void {
    const i = this.lowerBound(x);
    this.sorted.copyWithin(i, i + 1, this.n);
    this.n--;
  }
  /** First index with sorted[i] >= x. */
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** First index with sorted[i] > x. */
  private upperBound(x: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** Fraction of window values <= x, in [0, 1]; NaN until the window is full. */
  rank(x: number): number {
    if (this.n < this.capacity || Number.isNaN(x)) return NaN;
    return this.upperBound(x) / this.n;
  }
  /** Value at quantile q (nearest rank, lower); NaN until full. */
  quantile(q: number): number {
    if (this.n < this.capacity) return NaN;
    const i = Math.min(this.n - 1, Math.max(0, Math.floor(q * this.n)));
    return this.sorted[i] as number;
  }
  clear(): void {
    this.n = 0;
    this.order.clear();
  }
}
