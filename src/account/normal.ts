/** Standard normal distribution and the barrier-touch probability. Model-side math (numbers):
 * these turn a liquidation distance into a probability, they never price an order. */

const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) with relative error around 1e-14: Maclaurin series of erf for |x| < 1.5 (erfc ≥ 0.03
 * there, so the cancellation costs nothing), the Laplace continued fraction beyond (120 terms:
 * converged to double precision from x = 1.5, checked against libm's erfc). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1.5) return 1 - erfSeries(x);
  if (x > 27) return 0; // exp(-x²) underflows a double
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated backwards.
  let t = x;
  for (let k = 120; k >= 1; k--) t = x + k / 2 / t;
  return Math.exp(-x * x) / SQRT_PI / t;
}

function erfSeries(x: number): number {
  // erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1))
  const x2 = x * x;
  let term = x; // (-1)^n x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * sum;
}

/** Φ(z), the standard normal CDF. Computed through erfc so the lower tail keeps relative accuracy. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Probability that a driftless Brownian motion in log price touches a barrier `distance` away
 * (|ln(barrier/price)|) within a horizon whose log-price standard deviation is `sigma`.
 * Reflection principle: P = 2·(1 − Φ(d/σ)) = erfc(d / (σ√2)). d ≤ 0 means already touched (1).
 * σ = 0 means no movement (0 unless touched); a non-finite or negative σ gives NaN (unknown). */
export function touchProbability(distance: number, sigma: number): number {
  if (Number.isNaN(distance) || Number.isNaN(sigma) || sigma < 0 || !Number.isFinite(sigma)) return NaN;
  if (distance <= 0) return 1;
  if (!Number.isFinite(distance)) return 0;
  if (sigma === 0) return 0;
  return Math.min(1, erfc(distance / (sigma * Math.SQRT2)));
}
