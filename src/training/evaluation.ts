/** Metrics of the model and every baseline on the same rows, with day-block bootstrap CIs for the
 * metrics and for the paired differences model - baseline (same resampled days for both). */
import { dayBlockWeights, percentileInterval, type Interval } from './bootstrap.js';
import {
  averagePrecision, brierSkill, brier, descendingOrder, expectedCalibrationError, quantileBinEdges, recallAtAlarmBudget, reliabilityTable, rocAuc,
  type BudgetRecall, type ReliabilityBin,
} from './metrics.js';

export const WEEK_MS = 7 * 86_400_000;
export const ALARM_BUDGETS = [1, 5, 20] as const;
export const ECE_BINS = 10;

export interface MetricSet {
  readonly prAuc: number; readonly rocAuc: number; readonly brier: number; readonly brierSkill: number; readonly ece: number;
  readonly recallAtBudget: readonly BudgetRecall[];
}
export interface ScorerReport extends MetricSet {
  readonly ci: { readonly prAuc: Interval; readonly brierSkill: Interval; readonly ece: Interval };
  /** model minus this scorer (absent for the model itself). */
  readonly diff?: { readonly prAuc: number; readonly brierSkill: number; readonly prAucCi: Interval; readonly brierSkillCi: Interval };
}
export interface SideReport {
  readonly rows: number; readonly positives: number; readonly baseRate: number; readonly symbolWeeks: number;
  readonly model: ScorerReport;
  readonly reliability: readonly ReliabilityBin[];
  readonly baselines: Readonly<Record<string, ScorerReport>>;
  readonly verdict: { readonly beatsAllOnPrAuc: boolean; readonly beatsAllOnBrierSkill: boolean; readonly eceWithin003: boolean; readonly losesTo: readonly string[] };
}

export interface EvalInput {
  readonly y: Float64Array;
  readonly t: Float64Array;
  readonly model: Float64Array;
  readonly baselines: Readonly<Record<string, Float64Array>>;
  readonly trainBaseRate: number;
  readonly symbolWeeks: number;
  readonly replicates: number;
  readonly seed: number;
}

function metricSet(p: Float64Array, y: Float64Array, base: number, weeks: number, order: Uint32Array, edges: number[]): MetricSet {
  return {
    prAuc: averagePrecision(p, y, undefined, order), rocAuc: rocAuc(p, y, undefined, order), brier: brier(p, y),
    brierSkill: brierSkill(p, y, base), ece: expectedCalibrationError(p, y, ECE_BINS, undefined, edges),
    recallAtBudget: ALARM_BUDGETS.map((b) => recallAtAlarmBudget(p, y, weeks, b, undefined, order)),
  };
}

export function evaluateSide(inp: EvalInput): SideReport {
  const { y, t, trainBaseRate: base, symbolWeeks: weeks } = inp;
  const scorers: Record<string, Float64Array> = { model: inp.model, ...inp.baselines };
  const names = Object.keys(scorers);
  const orders = Object.fromEntries(names.map((n) => [n, descendingOrder(scorers[n] as Float64Array)]));
  const edges = Object.fromEntries(names.map((n) => [n, quantileBinEdges(scorers[n] as Float64Array, ECE_BINS)]));
  const point = Object.fromEntries(names.map((n) => [n, metricSet(scorers[n] as Float64Array, y, base, weeks, orders[n] as Uint32Array, edges[n] as number[])]));
  const reps = dayBlockWeights(t, inp.replicates, inp.seed);
  const draws: Record<string, { ap: number[]; bss: number[]; ece: number[] }> = Object.fromEntries(names.map((n) => [n, { ap: [], bss: [], ece: [] }]));
  for (const w of reps) {
    for (const n of names) {
      const p = scorers[n] as Float64Array;
      const d = draws[n] as { ap: number[]; bss: number[]; ece: number[] };
      d.ap.push(averagePrecision(p, y, w, orders[n]));
      d.bss.push(brierSkill(p, y, base, w));
      d.ece.push(n === 'model' || n === 'logistic' ? expectedCalibrationError(p, y, ECE_BINS, w, edges[n]) : NaN);
    }
  }
  const m = draws.model as { ap: number[]; bss: number[]; ece: number[] };
  const report = (n: string, withDiff: boolean): ScorerReport => {
    const d = draws[n] as { ap: number[]; bss: number[]; ece: number[] };
    const pm = point.model as MetricSet;
    const pn = point[n] as MetricSet;
    return {
      ...pn,
      ci: { prAuc: percentileInterval(d.ap), brierSkill: percentileInterval(d.bss), ece: percentileInterval(d.ece) },
      ...(withDiff ? { diff: {
        prAuc: pm.prAuc - pn.prAuc, brierSkill: pm.brierSkill - pn.brierSkill,
        prAucCi: percentileInterval(m.ap.map((v, k) => v - (d.ap[k] as number))), brierSkillCi: percentileInterval(m.bss.map((v, k) => v - (d.bss[k] as number))),
      } } : {}),
    };
  };
  const baselines = Object.fromEntries(Object.keys(inp.baselines).map((n) => [n, report(n, true)]));
  const model = report('model', false);
  const losesTo = Object.entries(baselines).filter(([, r]) => !((r.diff?.prAuc ?? 0) > 0 && (r.diff?.brierSkill ?? 0) > 0)).map(([n]) => n);
  let positives = 0;
  for (const v of y) positives += v;
  return {
    rows: y.length, positives, baseRate: positives / Math.max(1, y.length), symbolWeeks: weeks, model,
    reliability: reliabilityTable(inp.model, y, edges.model as number[]),
    baselines,
    verdict: {
      beatsAllOnPrAuc: Object.values(baselines).every((r) => (r.diff?.prAuc ?? NaN) > 0),
      beatsAllOnBrierSkill: Object.values(baselines).every((r) => (r.diff?.brierSkill ?? NaN) > 0),
      eceWithin003: model.ece <= 0.03,
      losesTo,
    },
  };
}
