/** One-signal probability maps for the baselines, built so they cannot diverge.
 *
 * The old fit ran an undamped Newton on the standardised raw signal; on heavy-tailed signals (bar
 * range, rally) the slope ran off to 1e12 and the "baseline" became a step function that scored
 * ROC-AUC 0.500. Here the signal first goes through a strictly increasing, bounded-growth map
 * z = asinh((x - centre) / scale) (centre = training median, scale = robust IQR), then a 1-D
 * logistic p = sigmoid(a z + b) is fitted by Newton with a small ridge and step halving on the
 * penalised log-loss, so every step lowers the loss and the slope stays finite. p is strictly
 * monotone in x (direction learned from the sign of a), so ROC-AUC and PR-AUC of p are those of
 * the raw signal ranks; Brier and ECE use the fitted probability. */
import { sigmoid } from './matrix.js';

export interface SignalMap {
  readonly feature: string;
  /** value used for a missing input (training median) */
  readonly median: number;
  readonly centre: number;
  readonly scale: number;
  readonly a: number;
  readonly b: number;
}

/** Ridge on the slope, per row: negligible for real data, but keeps a separable sample finite. */
const SIGNAL_RIDGE = 1e-4;
const MAX_ITER = 100;

function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

const transformSignal = (m: Pick<SignalMap, 'median' | 'centre' | 'scale'>, x: number): number =>
  Math.asinh(((Number.isFinite(x) ? x : m.median) - m.centre) / m.scale);

export const signalProbability = (m: SignalMap, x: number): number => sigmoid(m.a * transformSignal(m, x) + m.b);

function penalisedLoss(z: Float64Array, y: ArrayLike<number>, a: number, b: number, ridge: number): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) {
    const u = a * (z[i] as number) + b;
    // log(1 + e^u) - y u, computed stably
    s += (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u))) - (y[i] as number) * u;
  }
  return s + 0.5 * ridge * a * a;
}

/** Fits the map of `feature` on training values x (NaN = missing) and labels y in {0, 1}. */
export function fitSignalMap(feature: string, x: ArrayLike<number>, y: ArrayLike<number>): SignalMap {
  const finite = Float64Array.from(Array.from(x as ArrayLike<number>).filter(Number.isFinite)).sort();
  const median = finite.length ? quantile(finite, 0.5) : 0;
  const iqr = quantile(finite, 0.75) - quantile(finite, 0.25);
  const spread = (finite.length ? (finite[finite.length - 1] as number) - (finite[0] as number) : 0) / 4;
  // A spread below 1e-12 (e.g. subnormal differences) would send z to Infinity and 0·Infinity to NaN.
  const rawScale = iqr > 0 ? iqr / 1.349 : spread > 0 ? spread : 1;
  const scale = rawScale >= 1e-12 ? rawScale : 1;
  const m0 = { median, centre: median, scale };
  const z = Float64Array.from(x as ArrayLike<number>, (v) => transformSignal(m0, v));
  const n = z.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i] as number;
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, pos / Math.max(1, n)));
  const ridge = SIGNAL_RIDGE * Math.max(1, n);
  let a = 0;
  let b = Math.log(rate / (1 - rate));
  let loss = penalisedLoss(z, y, a, b, ridge);
  for (let it = 0; it < MAX_ITER && n > 0; it++) {
    let ga = ridge * a;
    let gb = 0;
    let haa = ridge;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < n; i++) {
      const zi = z[i] as number;
      const p = sigmoid(a * zi + b);
      const r = p - (y[i] as number);
      const w = p * (1 - p);
      ga += r * zi;
      gb += r;
      haa += w * zi * zi;
      hab += w * zi;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // step halving: accept only a step that lowers the penalised loss (damped Newton)
    let t = 1;
    let accepted = false;
    for (let h = 0; h < 30; h++, t /= 2) {
      const next = penalisedLoss(z, y, a - t * da, b - t * db, ridge);
      if (next <= loss) {
        a -= t * da;
        b -= t * db;
        accepted = loss - next > 1e-12 * Math.max(1, Math.abs(loss));
        loss = next;
        break;
      }
    }
    if (!accepted) break;
  }
  return { feature, median, centre: median, scale, a, b };
}
