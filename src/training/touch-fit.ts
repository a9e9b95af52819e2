/** Fits the touch base (src/scoring/touch-base.ts) on training rows: margin = a0 + a1 * logit(P)
 * by a 2-parameter Newton logistic regression on the rows with sigma, and the fallback = log-odds
 * of the rows without it (or of all rows when every row has sigma). Constants rounded to float32
 * as the graph stores them. */
import { touchBaseMargin, touchLogit, type TouchBase } from '../scoring/touch-base.js';
import type { Matrix } from './matrix.js';

export interface TouchSpec {
  /** input column of the per-bar volatility forecast */
  readonly feature: number;
  /** log distance to the barrier (down: -ln(1 - x), up: ln(1 + x)) */
  readonly barrier: number;
  readonly horizonBars: number;
}

const clampLogit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

export function fitTouchBase(X: Matrix, y: ArrayLike<number>, spec: TouchSpec): TouchBase {
  const k = Math.fround(spec.barrier / Math.sqrt(2 * spec.horizonBars));
  const u: number[] = [];
  const yu: number[] = [];
  let missPos = 0;
  let miss = 0;
  let allPos = 0;
  for (let i = 0; i < X.rows; i++) {
    const s = Math.fround(X.data[i * X.cols + spec.feature] as number);
    const yi = y[i] as number;
    allPos += yi;
    if (Number.isNaN(s)) {
      miss++;
      missPos += yi;
    } else {
      u.push(touchLogit(s, k));
      yu.push(yi);
    }
  }
  const fallback = Math.fround(miss > 0 ? clampLogit(missPos / miss) : clampLogit(allPos / Math.max(1, X.rows)));
  // Newton on (a0, a1) with a small ridge on a1; starts at the base rate, a1 = 0
  let a0 = clampLogit(yu.reduce((s, v) => s + v, 0) / Math.max(1, yu.length));
  let a1 = 0;
  for (let it = 0; it < 50; it++) {
    let g0 = 0;
    let g1 = 1e-6 * a1;
    let h00 = 1e-9;
    let h01 = 0;
    let h11 = 1e-6;
    for (let i = 0; i < u.length; i++) {
      const z = a0 + a1 * (u[i] as number);
      const p = 1 / (1 + Math.exp(-z));
      const r = p - (yu[i] as number);
      const w = Math.max(p * (1 - p), 1e-12);
      g0 += r;
      g1 += r * (u[i] as number);
      h00 += w;
      h01 += w * (u[i] as number);
      h11 += w * (u[i] as number) ** 2;
    }
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) break;
    const d0 = (h11 * g0 - h01 * g1) / det;
    const d1 = (h00 * g1 - h01 * g0) / det;
    a0 -= d0;
    a1 -= d1;
    if (Math.abs(d0) + Math.abs(d1) < 1e-10) break;
  }
  if (!(a1 > 0)) {
    // a base falling with volatility would break the monotone constraints: flat base instead
    a1 = 0;
    a0 = clampLogit(yu.reduce((s, v) => s + v, 0) / Math.max(1, yu.length));
  }
  return { feature: spec.feature, k, a0: Math.fround(a0), a1: Math.fround(a1), fallback };
}

/** Start margins of every training row. */
export function touchMargins(tb: TouchBase, X: Matrix): Float64Array {
  return Float64Array.from({ length: X.rows }, (_, i) =>
    touchBaseMargin(tb, X.data.subarray(i * X.cols, (i + 1) * X.cols)),
  );
}
