/** Baselines scored on the same rows as the model. Each single-signal baseline is one feature
 * (or the bar range) mapped to a probability by a damped, strictly monotone 1-D logistic fit on
 * the training rows (signal-fit.ts: NaN -> training median), so Brier skill and calibration
 * compare like with like and the ranking is the raw signal's; the direction of the signal is
 * learned, never assumed. Plus the training base rate and a logistic regression on the model's
 * own features. */
import { column, selectMatrix, type Dataset } from './dataset.js';
import { fitSignalMap, signalProbability, type SignalMap } from './signal-fit.js';
import { logisticPredict, trainLogistic, type LogisticModel } from './logistic.js';
import { sigmoid } from './matrix.js';

export type Side = 'down' | 'up';

/** Signal per side: an engine feature name prefix, or '@barRange'. */
const SIGNALS: Readonly<Record<string, Readonly<Record<Side, string>>>> = {
  rv_percentile: { down: 'rv_pctl_', up: 'rv_pctl_' },
  bar_range: { down: '@barRange', up: '@barRange' },
  volume_z: { down: 'volume_z_', up: 'volume_z_' },
  drawdown: { down: 'drawdown_', up: 'rally_' }, // shorts are hurt by rallies: the mirror signal
  realized_vol: { down: 'rv_24', up: 'rv_24' },
  last_return: { down: 'ret_1', up: 'ret_1' },
  funding_z: { down: 'funding_z_', up: 'funding_z_' },
};
const BASELINE_NAMES = ['base_rate', ...Object.keys(SIGNALS), 'logistic'] as const;

/** A fitted signal map; cards written before the damped fit hold only feature/median/a/b (linear). */
type SignalBaseline =
  SignalMap | { readonly feature: string; readonly median: number; readonly a: number; readonly b: number };
export interface SideBaselines {
  readonly baseRate: number;
  readonly signals: Readonly<Record<string, SignalBaseline>>;
  readonly logistic: LogisticModel;
}

function resolveFeature(names: readonly string[], prefix: string): string {
  if (prefix.startsWith('@') || names.includes(prefix)) return prefix;
  return (
    names.find((n) => n.startsWith(prefix) && !n.includes('pctl', prefix.length)) ??
    names.find((n) => n.startsWith(prefix)) ??
    prefix
  );
}

function signalValues(ds: Dataset, feature: string, idx: ArrayLike<number>): Float64Array {
  if (feature === '@barRange')
    return Float64Array.from({ length: idx.length }, (_, k) => ds.barRange[idx[k] as number] as number);
  return column(ds, feature, idx);
}

export function fitBaselines(
  ds: Dataset,
  idx: ArrayLike<number>,
  y: Float64Array,
  side: Side,
  modelFeatures: readonly string[],
): SideBaselines {
  let pos = 0;
  for (const v of y) pos += v;
  const signals: Record<string, SignalBaseline> = {};
  for (const [name, spec] of Object.entries(SIGNALS)) {
    const feature = resolveFeature(ds.names, spec[side]);
    signals[name] = fitSignalMap(feature, signalValues(ds, feature, idx), y);
  }
  const logistic = trainLogistic(selectMatrix(ds, idx, modelFeatures), y, { l2: 1, maxIter: 12, tol: 1e-6 });
  return { baseRate: pos / Math.max(1, y.length), signals, logistic };
}

/** Probabilities of every baseline on rows `idx`. */
export function baselineProbabilities(
  ds: Dataset,
  idx: ArrayLike<number>,
  b: SideBaselines,
  modelFeatures: readonly string[],
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = { base_rate: new Float64Array(idx.length).fill(b.baseRate) };
  for (const [name, s] of Object.entries(b.signals)) {
    out[name] = signalValues(ds, s.feature, idx).map((v) =>
      'scale' in s ? signalProbability(s, v) : sigmoid(s.a * (Number.isFinite(v) ? v : s.median) + s.b),
    );
  }
  out.logistic = logisticPredict(b.logistic, selectMatrix(ds, idx, modelFeatures));
  return out;
}

export const logisticToJson = (m: LogisticModel): Record<string, unknown> => ({
  medians: Array.from(m.medians),
  indicatorCols: m.indicatorCols,
  mean: Array.from(m.mean),
  std: Array.from(m.std),
  weights: Array.from(m.weights),
  intercept: m.intercept,
});

export function logisticFromJson(j: Record<string, unknown>): LogisticModel {
  const arr = (k: string): Float64Array => Float64Array.from(j[k] as number[]);
  return {
    medians: arr('medians'),
    indicatorCols: j.indicatorCols as number[],
    mean: arr('mean'),
    std: arr('std'),
    weights: arr('weights'),
    intercept: j.intercept as number,
  };
}
