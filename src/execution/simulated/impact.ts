/** Taker price impact of the simulated venue (model-side numbers; the fill price itself is
 * computed in Decimal from this fraction and rounded to the tick, against the taker):
 *
 *   impact(q) = min(cap, halfSpread + k · σ_bar · √(q / V_bar))
 *
 * σ_bar is the Parkinson volatility of the last bar, ln(H/L) / (2·√ln 2); V_bar its base volume.
 * A square-root law: doubling size costs √2 more. Without a bar yet (mark events only) only the
 * half spread applies. */

export interface ImpactParams {
  readonly halfSpread: number; // fraction, e.g. 0.0001 = 1 bp
  readonly k: number; // square-root law coefficient
  readonly cap: number; // fraction, e.g. 0.05
}

export const DEFAULT_IMPACT: ImpactParams = { halfSpread: 0.0001, k: 1, cap: 0.05 };

export interface BarLiquidity {
  readonly sigma: number; // Parkinson σ of the bar
  readonly volume: number; // base units
}

export function parkinsonSigma(high: number, low: number): number {
  if (!(high > 0 && low > 0 && high >= low)) return 0;
  return Math.log(high / low) / (2 * Math.sqrt(Math.LN2));
}

export function impactFraction(qty: number, bar: BarLiquidity | undefined, p: ImpactParams): number {
  if (!bar || !(bar.volume > 0)) return Math.min(p.cap, p.halfSpread);
  return Math.min(p.cap, p.halfSpread + p.k * bar.sigma * Math.sqrt(qty / bar.volume));
}

/** Largest quantity whose impact stays within `maxImpact` (a marketable limit's room). Infinity
 * when size does not matter (no bar, flat bar, or the cap is inside the room); 0 when even the
 * half spread does not fit. */
export function maxQtyWithin(maxImpact: number, bar: BarLiquidity | undefined, p: ImpactParams): number {
  if (maxImpact < p.halfSpread) return 0;
  if (maxImpact >= p.cap || !bar || !(bar.volume > 0) || !(bar.sigma > 0) || p.k <= 0) return Number.POSITIVE_INFINITY;
  const x = (maxImpact - p.halfSpread) / (p.k * bar.sigma);
  return bar.volume * x * x;
}
