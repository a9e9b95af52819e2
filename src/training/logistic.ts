/** L2-regularised logistic regression, the linear baseline on the same features. NaN inputs are
 * imputed with the training median and every column missing in at least 1% of training rows gets
 * a 0/1 missing indicator; then all inputs are standardised with training mean/std. Solver: Newton (IRLS) with
 * a fixed iteration cap and a Cholesky solve: deterministic, no learning rate to tune. */
import type { Matrix } from './matrix.js';
import { sigmoid } from './matrix.js';

export interface LogisticModel {
  readonly medians: Float64Array;
  readonly indicatorCols: readonly number[];
  readonly mean: Float64Array; // per design column (features then indicators)
  readonly std: Float64Array;
  readonly weights: Float64Array;
  readonly intercept: number;
}

/** Columns missing in fewer than this share of training rows are median-imputed without an
 * indicator (warm-up NaNs): an indicator that is almost always 0 only slows the solver. */
const INDICATOR_MIN_MISSING = 0.01;

export interface LogisticParams {
  readonly l2: number;
  readonly maxIter: number;
  readonly tol: number;
}
const DEFAULT_LOGISTIC: LogisticParams = { l2: 1, maxIter: 25, tol: 1e-8 };

function median(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const m = values.length >> 1;
  return values.length % 2 ? (values[m] as number) : ((values[m - 1] as number) + (values[m] as number)) / 2;
}

function design(model: Pick<LogisticModel, 'medians' | 'indicatorCols'>, X: Matrix): { d: number; data: Float64Array } {
  const d = X.cols + model.indicatorCols.length;
  const data = new Float64Array(X.rows * d);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[i * X.cols + j] as number;
      data[i * d + j] = Number.isFinite(v) ? v : (model.medians[j] as number);
    }
    model.indicatorCols.forEach((j, k) => {
      data[i * d + X.cols + k] = Number.isFinite(X.data[i * X.cols + j] as number) ? 0 : 1;
    });
  }
  return { d, data };
}

export function trainLogistic(
  X: Matrix,
  y: ArrayLike<number>,
  params: LogisticParams = DEFAULT_LOGISTIC,
): LogisticModel {
  const n = X.rows;
  const medians = new Float64Array(X.cols);
  const indicatorCols: number[] = [];
  for (let j = 0; j < X.cols; j++) {
    const vals: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = X.data[i * X.cols + j] as number;
      if (Number.isFinite(v)) vals.push(v);
    }
    medians[j] = median(vals);
    if (vals.length < n * (1 - INDICATOR_MIN_MISSING)) indicatorCols.push(j);
  }
  const { d, data } = design({ medians, indicatorCols }, X);
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j] as number;
      s += v;
      s2 += v * v;
    }
    const mu = s / Math.max(1, n);
    mean[j] = mu;
    const sd = Math.sqrt(Math.max(0, s2 / Math.max(1, n) - mu * mu));
    std[j] = sd > 1e-12 ? sd : 1;
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      data[i * d + j] = ((data[i * d + j] as number) - (mean[j] as number)) / (std[j] as number);
  // Newton on [w; b] with penalty l2/2 * |w|^2 (intercept unpenalised), objective averaged over rows.
  const D = d + 1;
  const beta = new Float64Array(D);
  const grad = new Float64Array(D);
  const hess = new Float64Array(D * D);
  const xi = new Float64Array(D);
  for (let it = 0; it < params.maxIter; it++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) xi[j] = data[i * d + j] as number;
      xi[d] = 1;
      let z = 0;
      for (let j = 0; j < D; j++) z += (beta[j] as number) * (xi[j] as number);
      const p = sigmoid(z);
      const r = p - (y[i] as number);
      const w = Math.max(p * (1 - p), 1e-12);
      for (let j = 0; j < D; j++) {
        const xj = xi[j] as number;
        grad[j] = (grad[j] as number) + r * xj;
        const wx = w * xj;
        for (let k = j; k < D; k++) hess[j * D + k] = (hess[j * D + k] as number) + wx * (xi[k] as number);
      }
    }
    for (let j = 0; j < D; j++) {
      grad[j] = (grad[j] as number) / n + (j < d ? (params.l2 * (beta[j] as number)) / n : 0);
      for (let k = j; k < D; k++) {
        const v = (hess[j * D + k] as number) / n + (j === k && j < d ? params.l2 / n : 0) + (j === k ? 1e-10 : 0);
        hess[j * D + k] = v;
        hess[k * D + j] = v;
      }
    }
    const step = choleskySolve(hess, grad, D);
    let norm = 0;
    for (let j = 0; j < D; j++) {
      beta[j] = (beta[j] as number) - (step[j] as number);
      norm += (step[j] as number) ** 2;
    }
    if (Math.sqrt(norm) < params.tol) break;
  }
  return { medians, indicatorCols, mean, std, weights: beta.slice(0, d), intercept: beta[d] as number };
}

export function logisticMargins(model: LogisticModel, X: Matrix): Float64Array {
  const { d, data } = design(model, X);
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let z = model.intercept;
    for (let j = 0; j < d; j++)
      z +=
        (model.weights[j] as number) *
        (((data[i * d + j] as number) - (model.mean[j] as number)) / (model.std[j] as number));
    out[i] = z;
  }
  return out;
}

export const logisticPredict = (model: LogisticModel, X: Matrix): Float64Array =>
  logisticMargins(model, X).map(sigmoid);

/** Solves A x = b for symmetric positive-definite A (n x n, row-major). */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * n + k] as number) * (L[j * n + k] as number);
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / (L[j * n + j] as number);
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[i * n + k] as number) * (z[k] as number);
    z[i] = s / (L[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = s / (L[i * n + i] as number);
  }
  return x;
}
