/** The volatility-scaled base margin ("touch base") of the regime model. For a driftless random
 * walk with per-bar volatility sigma, the probability of touching a barrier at log distance b
 * within h bars is (reflection principle) P = 2 * (1 - Phi(b / (sigma * sqrt(h)))) = erfc(x),
 * x = b / (sigma * sqrt(2h)). The model's margin starts at a0 + a1 * logit(P) (fitted on the
 * training rows) and the trees learn the correction, so a volatility above anything in training
 * still raises the score instead of hitting the trees' last leaf. When sigma is missing the base
 * is the constant `fallback`.
 *
 * ln erfc(x) uses the Numerical Recipes Chebyshev form (fractional error < 1.2e-7 for x >= 0),
 * built from Log/Exp/Mul/Add only: no underflow for small P, and the ONNX graph
 * (src/training/onnx-export.ts) evaluates exactly these steps in float32, so ORT and this
 * function agree to float32 rounding. */

export interface TouchBase {
  /** input column of sigma (per-bar volatility forecast) */
  readonly feature: number;
  /** b / sqrt(2h): the barrier's log distance over sqrt(2 * horizon in bars) */
  readonly k: number;
  readonly a0: number;
  readonly a1: number;
  /** margin when sigma is missing */
  readonly fallback: number;
}

/** ln erfc(x) coefficients, innermost last (NR erfcc). */
export const ERFC_POLY = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
] as const;
/** ln P is clipped to [LOG_P_MIN, LOG_P_MAX]: below e^-25 nothing is resolved; above 0.99
 * 1 - P loses float32 precision. */
export const LOG_P_MIN = -25;
export const LOG_P_MAX = Math.log(0.99);

/** logit of the barrier-touch probability for sigma (NaN when sigma is NaN). */
export function touchLogit(sigma: number, k: number): number {
  const x = k / sigma;
  const t = 1 / (1 + 0.5 * x);
  let poly = ERFC_POLY[ERFC_POLY.length - 1] as number;
  for (let i = ERFC_POLY.length - 2; i >= 0; i--) poly = (ERFC_POLY[i] as number) + t * poly;
  const raw = Math.log(t) - x * x + poly;
  const logP = Number.isNaN(raw) ? NaN : Math.min(LOG_P_MAX, Math.max(LOG_P_MIN, raw));
  return logP - Math.log(1 - Math.exp(logP));
}

/** The base margin of one input row (inputs rounded to float32, as ORT sees them). */
export function touchBaseMargin(tb: TouchBase, x: ArrayLike<number>): number {
  const s = Math.fround(x[tb.feature] as number);
  if (Number.isNaN(s)) return tb.fallback;
  return tb.a0 + tb.a1 * touchLogit(s, tb.k);
}
