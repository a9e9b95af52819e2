/** Metrics of the model and every baseline on the same rows, with day-block bootstrap CIs for the
 * metrics and for the paired differences model - baseline (same resampled days for both). One code
 * path for `liqguard evaluate` and the model card. Brier skill is against the evaluated rows' own
 * base rate (metrics.ts). The acceptance bar compares the model with the best SINGLE-signal
 * baseline on each metric (ROC-AUC + 0.05, PR-AUC x 1.25, ECE <= 0.01). */
import { dayBlockWeights, percentileInterval, type Interval } from './bootstrap.js';
import {
  averagePrecision,
  brierSkill,
  brier,
  descendingOrder,
  expectedCalibrationError,
  quantileBinEdges,
  recallAtAlarmBudget,
  reliabilityTable,
  rocAuc,
  type BudgetRecall,
  type ReliabilityBin,
} from './metrics.js';

export const WEEK_MS = 7 * 86_400_000;
const ALARM_BUDGETS = [1, 5, 20] as const;
const ECE_BINS = 10;
/** The bar: best single baseline's ROC-AUC + 0.05, its PR-AUC x 1.25, ECE at most 0.01. */
export const ACCEPTANCE = { rocAucMargin: 0.05, prAucRatio: 1.25, maxEce: 0.01 } as const;
/** Not single signals: a constant, and a regression on all of the model's features. */
const NOT_SINGLE = new Set(['base_rate', 'logistic']);

export interface MetricSet {
  readonly prAuc: number;
  readonly rocAuc: number;
  readonly brier: number;
  readonly brierSkill: number;
  readonly ece: number;
  readonly recallAtBudget: readonly BudgetRecall[];
}
interface ScorerReport extends MetricSet {
  readonly ci: {
    readonly prAuc: Interval;
    readonly rocAuc: Interval;
    readonly brierSkill: Interval;
    readonly ece: Interval;
  };
  /** model minus this scorer (absent for the model itself). */
  readonly diff?: {
    readonly prAuc: number;
    readonly rocAuc: number;
    readonly brierSkill: number;
    readonly prAucCi: Interval;
    readonly rocAucCi: Interval;
    readonly brierSkillCi: Interval;
  };
}
export interface Acceptance {
  readonly bestRocAuc: { readonly name: string; readonly value: number };
  readonly bestPrAuc: { readonly name: string; readonly value: number };
  readonly rocAucMarginMet: boolean;
  readonly prAucRatio: number;
  readonly prAucRatioMet: boolean;
  readonly eceMet: boolean;
  readonly met: boolean;
}
export interface SideReport {
  readonly rows: number;
  readonly positives: number;
  readonly baseRate: number;
  readonly symbolWeeks: number;
  readonly model: ScorerReport;
  readonly reliability: readonly ReliabilityBin[];
  readonly baselines: Readonly<Record<string, ScorerReport>>;
  readonly verdict: {
    readonly beatsAllOnPrAuc: boolean;
    readonly beatsAllOnRocAuc: boolean;
    readonly beatsAllOnBrierSkill: boolean;
    readonly losesTo: readonly string[];
  };
  readonly acceptance: Acceptance;
}

export interface EvalInput {
  readonly y: Float64Array;
  readonly t: Float64Array;
  readonly model: Float64Array;
  readonly baselines: Readonly<Record<string, Float64Array>>;
  readonly symbolWeeks: number;
  readonly replicates: number;
  readonly seed: number;
}

function metricSet(p: Float64Array, y: Float64Array, weeks: number, order: Uint32Array, edges: number[]): MetricSet {
  return {
    prAuc: averagePrecision(p, y, undefined, order),
    rocAuc: rocAuc(p, y, undefined, order),
    brier: brier(p, y),
    brierSkill: brierSkill(p, y),
    ece: expectedCalibrationError(p, y, ECE_BINS, undefined, edges),
    recallAtBudget: ALARM_BUDGETS.map((b) => recallAtAlarmBudget(p, y, weeks, b, undefined, order)),
  };
}

interface Draws {
  ap: number[];
  roc: number[];
  bss: number[];
  ece: number[];
}

export function bestSingle(
  baselines: Readonly<Record<string, MetricSet>>,
  key: 'rocAuc' | 'prAuc',
): { name: string; value: number } {
  let best = { name: 'none', value: NaN };
  for (const [n, m] of Object.entries(baselines)) {
    if (NOT_SINGLE.has(n) || !Number.isFinite(m[key])) continue;
    if (!(m[key] <= best.value)) best = { name: n, value: m[key] };
  }
  return best;
}

export function acceptance(model: MetricSet, baselines: Readonly<Record<string, MetricSet>>): Acceptance {
  const bestRocAuc = bestSingle(baselines, 'rocAuc');
  const bestPrAuc = bestSingle(baselines, 'prAuc');
  const prAucRatio = model.prAuc / bestPrAuc.value;
  const rocAucMarginMet = model.rocAuc - bestRocAuc.value >= ACCEPTANCE.rocAucMargin;
  const prAucRatioMet = prAucRatio >= ACCEPTANCE.prAucRatio;
  const eceMet = model.ece <= ACCEPTANCE.maxEce;
  return {
    bestRocAuc,
    bestPrAuc,
    rocAucMarginMet,
    prAucRatio,
    prAucRatioMet,
    eceMet,
    met: rocAucMarginMet && prAucRatioMet && eceMet,
  };
}

export function evaluateSide(inp: EvalInput): SideReport {
  const { y, t, symbolWeeks: weeks } = inp;
  const scorers: Record<string, Float64Array> = { model: inp.model, ...inp.baselines };
  const names = Object.keys(scorers);
  const orders = Object.fromEntries(names.map((n) => [n, descendingOrder(scorers[n] as Float64Array)]));
  const edges = Object.fromEntries(names.map((n) => [n, quantileBinEdges(scorers[n] as Float64Array, ECE_BINS)]));
  const point = Object.fromEntries(
    names.map((n) => [
      n,
      metricSet(scorers[n] as Float64Array, y, weeks, orders[n] as Uint32Array, edges[n] as number[]),
    ]),
  );
  const reps = dayBlockWeights(t, inp.replicates, inp.seed);
  const draws: Record<string, Draws> = Object.fromEntries(names.map((n) => [n, { ap: [], roc: [], bss: [], ece: [] }]));
  for (const w of reps) {
    for (const n of names) {
      const p = scorers[n] as Float64Array;
      const d = draws[n] as Draws;
      d.ap.push(averagePrecision(p, y, w, orders[n]));
      d.roc.push(rocAuc(p, y, w, orders[n]));
      d.bss.push(brierSkill(p, y, w));
      d.ece.push(expectedCalibrationError(p, y, ECE_BINS, w, edges[n]));
    }
  }
  const m = draws.model as Draws;
  const diffCi = (a: number[], b: number[]): Interval => percentileInterval(a.map((v, k) => v - (b[k] as number)));
  const report = (n: string, withDiff: boolean): ScorerReport => {
    const d = draws[n] as Draws;
    const pm = point.model as MetricSet;
    const pn = point[n] as MetricSet;
    return {
      ...pn,
      ci: {
        prAuc: percentileInterval(d.ap),
        rocAuc: percentileInterval(d.roc),
        brierSkill: percentileInterval(d.bss),
        ece: percentileInterval(d.ece),
      },
      ...(withDiff
        ? {
            diff: {
              prAuc: pm.prAuc - pn.prAuc,
              rocAuc: pm.rocAuc - pn.rocAuc,
              brierSkill: pm.brierSkill - pn.brierSkill,
              prAucCi: diffCi(m.ap, d.ap),
              rocAucCi: diffCi(m.roc, d.roc),
              brierSkillCi: diffCi(m.bss, d.bss),
            },
          }
        : {}),
    };
  };
  const baselines = Object.fromEntries(Object.keys(inp.baselines).map((n) => [n, report(n, true)]));
  const model = report('model', false);
  const beats = (k: 'prAuc' | 'rocAuc' | 'brierSkill', r: ScorerReport): boolean => (r.diff?.[k] ?? NaN) > 0;
  const losesTo = Object.entries(baselines)
    .filter(([, r]) => !(beats('prAuc', r) && beats('brierSkill', r)))
    .map(([n]) => n);
  let positives = 0;
  for (const v of y) positives += v;
  return {
    rows: y.length,
    positives,
    baseRate: positives / Math.max(1, y.length),
    symbolWeeks: weeks,
    model,
    reliability: reliabilityTable(inp.model, y, edges.model as number[]),
    baselines,
    verdict: {
      beatsAllOnPrAuc: Object.values(baselines).every((r) => beats('prAuc', r)),
      beatsAllOnRocAuc: Object.values(baselines)
        .filter((_, k) => !NOT_SINGLE.has(Object.keys(baselines)[k] as string))
        .every((r) => beats('rocAuc', r)),
      beatsAllOnBrierSkill: Object.values(baselines).every((r) => beats('brierSkill', r)),
      losesTo,
    },
    acceptance: acceptance(model, baselines),
  };
}
