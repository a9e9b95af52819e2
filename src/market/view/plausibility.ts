/** Price plausibility: data that is internally consistent (high ≥ low, positive) but not
 * believable. Two checks, both against the venue's own data:
 *
 * - PRICE_JUMP: a bar's close-to-close log return beyond `jumpSigmas` times the recent per-bar
 *   volatility AND beyond `minJumpLogReturn` (a consistent 10x bar: ln 10 = 2.3 where hourly
 *   volatility is ~0.01). The flag holds for `jumpHoldBars` bars after the jump, so a feed that
 *   rescaled and stays rescaled is not read as calm the next hour. The volatility is an EWMA of
 *   squared returns that jump bars do not update (one bad print cannot widen its own band).
 * - MARK_INDEX_DIVERGENCE: the mark price more than `maxMarkIndexGap` (log) from the index (a
 *   mark 5x the index), or from the last bar close by the same margin.
 *
 * Pure state per symbol, fed the engine's accepted bars; no clock needed (bars carry time). */
export interface PlausibilityConfig {
  readonly jumpSigmas: number;
  readonly minJumpLogReturn: number;
  readonly jumpHoldBars: number;
  /** Bars needed before the volatility band is trusted (jumps above `hardJumpLogReturn` are
   * flagged from the first return on). */
  readonly warmupBars: number;
  readonly hardJumpLogReturn: number;
  readonly maxMarkIndexGap: number;
  readonly ewmaLambda: number;
}

export const DEFAULT_PLAUSIBILITY: PlausibilityConfig = Object.freeze({
  jumpSigmas: 25,
  minJumpLogReturn: Math.log(1.5),
  jumpHoldBars: 24,
  warmupBars: 24,
  hardJumpLogReturn: Math.log(3),
  maxMarkIndexGap: Math.log(1.25),
  ewmaLambda: 0.97,
});

export class PriceJumpTracker {
  private lastClose = NaN;
  private variance = NaN;
  private returns = 0;
  private barsSinceJump = Infinity;

  constructor(private readonly c: PlausibilityConfig = DEFAULT_PLAUSIBILITY) {}

  onBar(close: number): void {
    if (!(close > 0)) return;
    const r = Number.isNaN(this.lastClose) ? NaN : Math.log(close / this.lastClose);
    this.lastClose = close;
    this.barsSinceJump++;
    if (Number.isNaN(r)) return;
    if (this.isJump(r)) {
      this.barsSinceJump = 0;
      return;
    }
    const r2 = r * r;
    this.variance = Number.isNaN(this.variance) ? r2 : this.c.ewmaLambda * this.variance + (1 - this.c.ewmaLambda) * r2;
    this.returns++;
  }

  /** True while a jump lies within the last jumpHoldBars bars. */
  get jumped(): boolean {
    return this.barsSinceJump < this.c.jumpHoldBars;
  }

  get close(): number {
    return this.lastClose;
  }

  reset(): void {
    this.lastClose = this.variance = NaN;
    this.returns = 0;
    this.barsSinceJump = Infinity;
  }

  private isJump(r: number): boolean {
    const a = Math.abs(r);
    if (a >= this.c.hardJumpLogReturn) return true;
    if (this.returns < this.c.warmupBars || !(this.variance > 0)) return false;
    return a >= this.c.minJumpLogReturn && a > this.c.jumpSigmas * Math.sqrt(this.variance);
  }
}

/** MARK_INDEX_DIVERGENCE check on the current mark, index and last close (NaN = not known). */
export function markImplausible(
  mark: number,
  index: number,
  lastClose: number,
  c: PlausibilityConfig = DEFAULT_PLAUSIBILITY,
): boolean {
  if (!(mark > 0)) return false;
  const far = (ref: number) => ref > 0 && Math.abs(Math.log(mark / ref)) > c.maxMarkIndexGap;
  return far(index) || far(lastClose);
}
