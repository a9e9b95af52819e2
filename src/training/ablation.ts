/** Open-interest / liquidation ablation (issue 4): two GBDT arms with the same rows, labels,
 * hyper-parameters and seed; arm A sees the default model's features, arm B those plus the OI and
 * liquidation features. Compared on a later, untouched test span with day-block bootstrap CIs of
 * B − A. Pure and deterministic over its inputs; file reading is in ablation-run.ts. */
import type { Side } from './baselines.js';
import { dayBlockWeights, percentileInterval, type Interval } from './bootstrap.js';
import { applyPlatt, fitPlatt } from './calibration.js';
import { selectMatrix, type Dataset } from './dataset.js';
import { stagedMargins, trainGbdt, type GbdtParams } from './gbdt.js';
import {
  averagePrecision,
  brierSkill,
  descendingOrder,
  expectedCalibrationError,
  quantileBinEdges,
  rocAuc,
  type Weights,
} from './metrics.js';

/** The extra inputs of arm B (src/market/README.md, hourly engine names). */
export const OI_LIQ_FEATURES: readonly string[] = Object.freeze([
  'oi_change_1',
  'oi_change_24',
  'oi_accel',
  'oi_z_168',
  'oi_vs_price',
  'liq_notional_ratio',
  'liq_long_share_24',
  'liq_intensity',
]);

/** Small and strongly regularised: a few thousand rows and tens of positives. Fixed before the
 * run (no tuning on the test span), identical for both arms. */
const ABLATION_GBDT: GbdtParams = Object.freeze({
  nTrees: 100,
  maxDepth: 2,
  learningRate: 0.05,
  minChildWeight: 5,
  lambda: 10,
  subsample: 0.8,
  maxBins: 32,
  minSplitGain: 0,
  seed: 20250101,
});

export interface AblationSplit {
  readonly rowsFrom: number; // first decision time (bar close) used
  readonly rowsTo: number; // last decision time used
  /** Fitting rows need labelEnd <= fitLabelEnd; test rows need t >= testFrom. Rows in between
   * (label window straddling the boundary) are purged. */
  readonly fitLabelEnd: number;
  readonly testFrom: number;
}

export interface AblationOptions {
  readonly split: AblationSplit;
  readonly baseFeatures: readonly string[]; // arm A
  readonly extraFeatures?: readonly string[]; // arm B adds these (default OI_LIQ_FEATURES)
  readonly params?: GbdtParams;
  readonly calibrationFolds?: number; // purged time blocks for out-of-fold Platt margins (default 3)
  readonly replicates: number;
  readonly seed: number;
  readonly eceBins?: number; // default 10
}

interface ArmMetrics {
  readonly prAuc: number;
  readonly rocAuc: number;
  readonly brierSkill: number;
  readonly ece: number;
}
export type MetricName = keyof ArmMetrics;
export const METRICS: readonly MetricName[] = ['prAuc', 'rocAuc', 'brierSkill', 'ece'];

interface SideAblation {
  readonly side: Side;
  readonly fitPositives: number;
  readonly testPositives: number;
  readonly trainBaseRate: number;
  readonly a: ArmMetrics;
  readonly b: ArmMetrics;
  /** B − A on the test rows and its 95 % day-block percentile interval. */
  readonly diff: Readonly<Record<MetricName, { readonly value: number } & Interval>>;
  readonly testProbA: Float64Array;
  readonly testProbB: Float64Array;
}

export interface AblationResult {
  readonly featuresA: readonly string[];
  readonly featuresB: readonly string[];
  readonly fitIdx: readonly number[];
  readonly testIdx: readonly number[];
  readonly purgedRows: number;
  readonly testDays: number;
  /** Share of non-missing values of each extra feature on the fit and the test rows. */
  readonly coverage: Readonly<Record<string, { readonly fit: number; readonly test: number }>>;
  readonly params: GbdtParams;
  readonly replicates: number;
  readonly sides: Readonly<Record<Side, SideAblation>>;
}

export function splitRows(ds: Dataset, s: AblationSplit): { fitIdx: number[]; testIdx: number[]; purged: number } {
  if (!(s.fitLabelEnd <= s.testFrom)) throw new RangeError('ablation split: fitLabelEnd must not be after testFrom');
  const fitIdx: number[] = [];
  const testIdx: number[] = [];
  let purged = 0;
  for (let i = 0; i < ds.t.length; i++) {
    const t = ds.t[i] as number;
    const le = ds.labelEnd[i] as number;
    if (t < s.rowsFrom || t > s.rowsTo || !Number.isFinite(le)) continue;
    if (le <= s.fitLabelEnd) fitIdx.push(i);
    else if (t >= s.testFrom) testIdx.push(i);
    else purged++;
  }
  return { fitIdx, testIdx, purged };
}

/** Out-of-fold margins on the fitting rows: K contiguous time blocks; each block is scored by a
 * model fitted on the other rows whose label window does not overlap the block's span. */
function oofMargins(
  ds: Dataset,
  fitIdx: readonly number[],
  y: Float64Array,
  names: readonly string[],
  params: GbdtParams,
  k: number,
): Float64Array {
  const out = new Float64Array(fitIdx.length);
  for (let f = 0; f < k; f++) {
    const lo = Math.floor((f * fitIdx.length) / k);
    const hi = Math.floor(((f + 1) * fitIdx.length) / k);
    const start = ds.t[fitIdx[lo] as number] as number;
    const end = ds.labelEnd[fitIdx[hi - 1] as number] as number;
    const tr: number[] = [];
    for (let j = 0; j < fitIdx.length; j++) {
      if (j >= lo && j < hi) continue;
      const i = fitIdx[j] as number;
      if ((ds.labelEnd[i] as number) <= start || (ds.t[i] as number) > end) tr.push(j);
    }
    const model = trainGbdt(
      selectMatrix(
        ds,
        tr.map((j) => fitIdx[j] as number),
        names,
      ),
      Float64Array.from(tr, (j) => y[j] as number),
      params,
    );
    const va = fitIdx.slice(lo, hi);
    out.set(stagedMargins(model, selectMatrix(ds, va, names), [params.nTrees])[0] as Float64Array, lo);
  }
  return out;
}

function fitArm(
  ds: Dataset,
  fitIdx: readonly number[],
  testIdx: readonly number[],
  y: Float64Array,
  names: readonly string[],
  params: GbdtParams,
  k: number,
): Float64Array {
  const cal = fitPlatt(oofMargins(ds, fitIdx, y, names, params, k), y);
  const model = trainGbdt(selectMatrix(ds, fitIdx, names), y, params);
  return applyPlatt(cal, stagedMargins(model, selectMatrix(ds, testIdx, names), [params.nTrees])[0] as Float64Array);
}

const NO_METRICS: ArmMetrics = { prAuc: NaN, rocAuc: NaN, brierSkill: NaN, ece: NaN };

/** All NaN when the (weighted) test rows hold no positive: a skill figure would be meaningless. */
function armMetrics(
  p: Float64Array,
  y: Float64Array,
  base: number,
  bins: number,
  w?: Weights,
  order?: Uint32Array,
): ArmMetrics {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += (y[i] as number) * (w ? (w[i] as number) : 1);
  if (pos <= 0) return NO_METRICS;
  return {
    prAuc: averagePrecision(p, y, w, order),
    rocAuc: rocAuc(p, y, w, order),
    brierSkill: brierSkill(p, y, w),
    ece: expectedCalibrationError(p, y, bins, w, quantileBinEdges(p, bins)),
  };
}

export function runAblation(ds: Dataset, o: AblationOptions): AblationResult {
  const params = o.params ?? ABLATION_GBDT;
  const k = o.calibrationFolds ?? 3;
  const bins = o.eceBins ?? 10;
  const extra = o.extraFeatures ?? OI_LIQ_FEATURES;
  const featuresA = [...o.baseFeatures];
  const featuresB = [...featuresA, ...extra.filter((n) => !featuresA.includes(n))];
  for (const n of featuresB)
    if (!ds.names.includes(n))
      throw new RangeError(
        `ablation: feature ${n} is not produced by the feature engine (have: ${ds.names.join(', ')})`,
      );
  const { fitIdx, testIdx, purged } = splitRows(ds, o.split);
  if (fitIdx.length < 10 * k || testIdx.length === 0)
    throw new RangeError(`ablation: too few rows (fit ${fitIdx.length}, test ${testIdx.length}); widen the span`);
  const coverage: Record<string, { fit: number; test: number }> = {};
  for (const n of extra) {
    const j = ds.names.indexOf(n);
    const share = (idx: readonly number[]): number =>
      idx.filter((i) => !Number.isNaN(ds.data[i * ds.cols + j] as number)).length / idx.length;
    coverage[n] = { fit: share(fitIdx), test: share(testIdx) };
  }
  const tTest = Float64Array.from(testIdx, (i) => ds.t[i] as number);
  const weights = dayBlockWeights(tTest, o.replicates, o.seed);
  const sides = {} as Record<Side, SideAblation>;
  for (const side of ['down', 'up'] as const) {
    const label = side === 'down' ? ds.down : ds.up;
    const y = Float64Array.from(fitIdx, (i) => label[i] as number);
    const yt = Float64Array.from(testIdx, (i) => label[i] as number);
    const fitPositives = y.reduce((s, v) => s + v, 0);
    const base = fitPositives / y.length;
    const pA = fitArm(ds, fitIdx, testIdx, y, featuresA, params, k);
    const pB = fitArm(ds, fitIdx, testIdx, y, featuresB, params, k);
    const oA = descendingOrder(pA);
    const oB = descendingOrder(pB);
    const a = armMetrics(pA, yt, base, bins, undefined, oA);
    const b = armMetrics(pB, yt, base, bins, undefined, oB);
    const reps: Record<MetricName, number[]> = { prAuc: [], rocAuc: [], brierSkill: [], ece: [] };
    for (const w of weights) {
      const ma = armMetrics(pA, yt, base, bins, w, oA);
      const mb = armMetrics(pB, yt, base, bins, w, oB);
      for (const m of METRICS) reps[m].push(mb[m] - ma[m]);
    }
    const diff = Object.fromEntries(
      METRICS.map((m) => [m, { value: b[m] - a[m], ...percentileInterval(reps[m]) }]),
    ) as SideAblation['diff'];
    sides[side] = {
      side,
      fitPositives,
      testPositives: yt.reduce((s, v) => s + v, 0),
      trainBaseRate: base,
      a,
      b,
      diff,
      testProbA: pA,
      testProbB: pB,
    };
  }
  const testDays = new Set(Array.from(tTest, (t) => Math.floor(t / 86_400_000))).size;
  return {
    featuresA,
    featuresB,
    fitIdx,
    testIdx,
    purgedRows: purged,
    testDays,
    coverage,
    params,
    replicates: o.replicates,
    sides,
  };
}
