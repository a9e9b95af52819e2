import { Ring } from './ring.js';

/** O(1) rolling sum / mean / variance over the last `capacity` values.
 * Numerically stable: sums are kept relative to an anchor (a recent value) and recomputed from
 * the ring every `capacity` pushes, so rounding error cannot accumulate without bound.
 * A NaN in the window makes every statistic NaN until it leaves the window (missing stays missing). */
export class RollingStats {
  private readonly ring: Ring;
  private anchor = NaN;
  private s1 = 0; // Σ (x - anchor) over finite values
  private s2 = 0; // Σ (x - anchor)²
  private nanCount = 0;
  private sinceAnchor = 0;
  constructor(readonly capacity: number) {
    this.ring = new Ring(capacity);
  }
  get count(): number {
    return this.ring.size;
  }
  get full(): boolean {
    return this.ring.full;
  }
  push(x: number): void {
    const full = this.ring.full;
    const old = this.ring.push(x);
    // Removing a value that dominates the sums cancels most of them: what is left is mostly the
    // rounding error of that value (a 185,000 leaving a window of 0s and 2s left a variance error
    // of 4e-7). Recompute then, so the error scales with the values still in the window.
    const cancels = full && this.remove(old);
    if (Number.isNaN(x)) this.nanCount++;
    else {
      if (Number.isNaN(this.anchor)) this.anchor = x;
      const d = x - this.anchor;
      this.s1 += d;
      this.s2 += d * d;
    }
    if (++this.sinceAnchor >= this.capacity || cancels) this.reanchor();
  }
  /** Takes `old` out of the sums; true when it held more than half of Σ(x - anchor)². */
  private remove(old: number): boolean {
    if (Number.isNaN(old)) {
      this.nanCount--;
      return false;
    }
    const d = old - this.anchor;
    const before = this.s2;
    this.s1 -= d;
    this.s2 -= d * d;
    return d * d > 0.5 * before;
  }
  /** Recomputes the sums exactly around the newest finite value. */
  private reanchor(): void {
    this.sinceAnchor = 0;
    this.anchor = NaN;
    this.s1 = 0;
    this.s2 = 0;
    for (let k = 0; k < this.ring.size; k++) {
      const x = this.ring.at(k);
      if (Number.isNaN(x)) continue;
      if (Number.isNaN(this.anchor)) this.anchor = x;
      const d = x - this.anchor;
      this.s1 += d;
      this.s2 += d * d;
    }
  }
  /** NaN until the window is full or while it holds a NaN. */
  sum(): number {
    if (!this.ok()) return NaN;
    return this.s1 + this.ring.size * this.anchor;
  }
  mean(): number {
    if (!this.ok()) return NaN;
    return this.anchor + this.s1 / this.ring.size;
  }
  /** Sample variance (n - 1), never negative. */
  variance(): number {
    const n = this.ring.size;
    if (!this.ok() || n < 2) return NaN;
    const v = (this.s2 - (this.s1 * this.s1) / n) / (n - 1);
    return v > 0 ? v : 0;
  }
  std(): number {
    return Math.sqrt(this.variance());
  }
  /** (x - mean) / std over the window; NaN when the window is constant. */
  zscore(x: number): number {
    const sd = this.std();
    return sd > 0 ? (x - this.mean()) / sd : NaN;
  }
  newest(k = 0): number {
    return this.ring.at(k);
  }
  private ok(): boolean {
    return this.ring.full && this.nanCount === 0;
  }
  clear(): void {
    this.ring.clear();
    this.anchor = NaN;
    this.s1 = this.s2 = 0;
    this.nanCount = 0;
    this.sinceAnchor = 0;
  }
}
