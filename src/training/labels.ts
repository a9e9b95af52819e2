/** Liquidation-tied labels. For the bar closing at t[i] (entry at its close C), over the next
 * `horizonBars` bars:
 *   down[i] = 1 when min(low) <= C * (1 - threshold)  (a long at that distance is liquidated)
 *   up[i]   = 1 when max(high) >= C * (1 + threshold) (a short is)
 * Rows whose window runs past the data or across a gap are NaN (unlabeled). `threshold` may be
 * per row (the volatility-scaled variant). labelEnd[i] is the close time of the last bar used. */
export interface LabelBars {
  readonly openTime: ArrayLike<number>;
  readonly intervalMs: number;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

export interface Labels {
  readonly down: Float64Array;
  readonly up: Float64Array;
  readonly labelEnd: Float64Array;
}

export function adverseMoveLabels(bars: LabelBars, horizonBars: number, threshold: number | ArrayLike<number>): Labels {
  const n = bars.close.length;
  const down = new Float64Array(n).fill(NaN);
  const up = new Float64Array(n).fill(NaN);
  const labelEnd = new Float64Array(n).fill(NaN);
  if (horizonBars < 1) throw new Error('horizonBars must be >= 1');
  for (let i = 0; i + horizonBars < n; i++) {
    const t0 = bars.openTime[i] as number;
    if ((bars.openTime[i + horizonBars] as number) - t0 !== horizonBars * bars.intervalMs) continue; // gap
    const x = typeof threshold === 'number' ? threshold : (threshold[i] as number);
    const c = bars.close[i] as number;
    if (!Number.isFinite(x) || !(c > 0)) continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = i + 1; k <= i + horizonBars; k++) {
      lo = Math.min(lo, bars.low[k] as number);
      hi = Math.max(hi, bars.high[k] as number);
    }
    down[i] = lo <= c * (1 - x) ? 1 : 0;
    up[i] = hi >= c * (1 + x) ? 1 : 0;
    labelEnd[i] = (bars.openTime[i + horizonBars] as number) + bars.intervalMs;
  }
  return { down, up, labelEnd };
}

/** Per-row threshold k * sigma * sqrt(horizon), sigma the trailing std of log close returns over
 * `window` bars (known at the bar's close). The secondary, volatility-scaled label. */
export function volScaledThresholds(
  close: ArrayLike<number>,
  window: number,
  horizonBars: number,
  k: number,
): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = window; i < n; i++) {
    let s = 0;
    let s2 = 0;
    for (let j = i - window + 1; j <= i; j++) {
      const r = Math.log((close[j] as number) / (close[j - 1] as number));
      s += r;
      s2 += r * r;
    }
    const mu = s / window;
    out[i] = k * Math.sqrt(Math.max(0, s2 / window - mu * mu)) * Math.sqrt(horizonBars);
  }
  return out;
}
