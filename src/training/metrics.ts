/** Evaluation metrics for a binary label and a score. Every function takes optional per-row
 * weights (the day-block bootstrap passes resample counts) and an optional precomputed order
 * (indices by descending score), so a bootstrap sorts once. Tied scores are handled as groups,
 * as scikit-learn does. */

export type Weights = ArrayLike<number> | undefined;
const wt = (w: Weights, i: number): number => (w ? (w[i] as number) : 1);
/** Tie test that also groups NaN with NaN (a NaN score must not stall the tie loops). */
const same = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

export function descendingOrder(score: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(score.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  // NaN scores sort last
  const key = (i: number): number => {
    const v = score[i] as number;
    return v === v ? v : -Infinity;
  };
  return idx.sort((a, b) => key(b) - key(a) || a - b);
}

/** Average precision (area under the precision-recall step curve): the primary metric. */
export function averagePrecision(
  score: ArrayLike<number>,
  y: ArrayLike<number>,
  w?: Weights,
  order?: Uint32Array,
): number {
  const o = order ?? descendingOrder(score);
  let P = 0;
  for (let k = 0; k < o.length; k++) P += (y[o[k] as number] as number) * wt(w, o[k] as number);
  if (P <= 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < o.length;) {
    const s = score[o[k] as number] as number;
    while (k < o.length && same(score[o[k] as number] as number, s)) {
      const i = o[k] as number;
      const wi = wt(w, i);
      if ((y[i] as number) > 0) tp += wi;
      else fp += wi;
      k++;
    }
    if (tp + fp > 0) {
      const recall = tp / P;
      ap += (recall - prevRecall) * (tp / (tp + fp));
      prevRecall = recall;
    }
  }
  return ap;
}

/** ROC-AUC (Mann-Whitney with ties counted one half). */
export function rocAuc(score: ArrayLike<number>, y: ArrayLike<number>, w?: Weights, order?: Uint32Array): number {
  const o = order ?? descendingOrder(score);
  let tp = 0;
  let fp = 0;
  let area = 0;
  for (let k = 0; k < o.length;) {
    const s = score[o[k] as number] as number;
    let gtp = 0;
    let gfp = 0;
    while (k < o.length && same(score[o[k] as number] as number, s)) {
      const i = o[k] as number;
      if ((y[i] as number) > 0) gtp += wt(w, i);
      else gfp += wt(w, i);
      k++;
    }
    area += gfp * (tp + gtp / 2);
    tp += gtp;
    fp += gfp;
  }
  return tp > 0 && fp > 0 ? area / (tp * fp) : NaN;
}

export function brier(p: ArrayLike<number>, y: ArrayLike<number>, w?: Weights): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    const wi = wt(w, i);
    s += wi * ((p[i] as number) - (y[i] as number)) ** 2;
    n += wi;
  }
  return n > 0 ? s / n : NaN;
}

/** Brier skill score against a constant forecast equal to the EVALUATED rows' own (weighted) base
 * rate. Against the training rate, a shift in base rate between training and test counted as skill
 * (a constant equal to the test rate scored +0.276 on BTC up); against its own rate a constant
 * scores exactly 0 and only discrimination or calibration beyond it count. */
export function brierSkill(p: ArrayLike<number>, y: ArrayLike<number>, w?: Weights): number {
  let n = 0;
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = wt(w, i);
    n += wi;
    pos += wi * (y[i] as number);
  }
  if (!(n > 0)) return NaN;
  const rate = pos / n;
  let s = 0;
  let r = 0;
  for (let i = 0; i < p.length; i++) {
    const wi = wt(w, i);
    s += wi * ((p[i] as number) - (y[i] as number)) ** 2;
    r += wi * (rate - (y[i] as number)) ** 2;
  }
  return r > 0 ? 1 - s / r : NaN;
}

export interface ReliabilityBin {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

/** Bin edges at quantiles of the predictions (equal-count bins): with rare events, equal-width
 * bins would put almost every row in the first bin and hide miscalibration in the tail. */
export function quantileBinEdges(p: ArrayLike<number>, bins: number): number[] {
  const s = Float64Array.from(p).sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const v = s[Math.min(s.length - 1, Math.floor((k * s.length) / bins))] as number;
    if (edges.length === 0 || v > (edges[edges.length - 1] as number)) edges.push(v);
  }
  return edges;
}

export function reliabilityTable(
  p: ArrayLike<number>,
  y: ArrayLike<number>,
  edges: readonly number[],
  w?: Weights,
): ReliabilityBin[] {
  const k = edges.length + 1;
  const cnt = new Float64Array(k);
  const sp = new Float64Array(k);
  const sy = new Float64Array(k);
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    let b = 0;
    while (b < edges.length && v > (edges[b] as number)) b++;
    const wi = wt(w, i);
    cnt[b] = (cnt[b] as number) + wi;
    sp[b] = (sp[b] as number) + wi * v;
    sy[b] = (sy[b] as number) + wi * (y[i] as number);
  }
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < k; b++) {
    const c = cnt[b] as number;
    out.push({
      lo: b === 0 ? 0 : (edges[b - 1] as number),
      hi: b === k - 1 ? 1 : (edges[b] as number),
      count: c,
      meanPredicted: c ? (sp[b] as number) / c : NaN,
      observedRate: c ? (sy[b] as number) / c : NaN,
    });
  }
  return out;
}

/** Expected calibration error: count-weighted mean |mean predicted - observed| over bins. */
export function expectedCalibrationError(
  p: ArrayLike<number>,
  y: ArrayLike<number>,
  bins = 10,
  w?: Weights,
  edges?: readonly number[],
): number {
  const table = reliabilityTable(p, y, edges ?? quantileBinEdges(p, bins), w);
  let n = 0;
  let e = 0;
  for (const b of table)
    if (b.count > 0) {
      n += b.count;
      e += b.count * Math.abs(b.meanPredicted - b.observedRate);
    }
  return n > 0 ? e / n : NaN;
}

export interface BudgetRecall {
  readonly alarmsPerSymbolWeek: number;
  readonly recall: number;
  readonly threshold: number;
  readonly falseAlarms: number;
}

/** Recall when the threshold is set so that false alarms (flagged negative rows) stay within
 * `budget` per symbol per week over the evaluated rows. The threshold is chosen on the evaluated
 * rows themselves (an oracle threshold): it compares rankings, not a deployable cut-off. */
export function recallAtAlarmBudget(
  score: ArrayLike<number>,
  y: ArrayLike<number>,
  symbolWeeks: number,
  budget: number,
  w?: Weights,
  order?: Uint32Array,
): BudgetRecall {
  const o = order ?? descendingOrder(score);
  const allowed = budget * symbolWeeks;
  let P = 0;
  for (let k = 0; k < o.length; k++) P += (y[o[k] as number] as number) * wt(w, o[k] as number);
  let tp = 0;
  let fp = 0;
  let threshold = Infinity;
  for (let k = 0; k < o.length;) {
    const s = score[o[k] as number] as number;
    let gtp = 0;
    let gfp = 0;
    let j = k;
    while (j < o.length && same(score[o[j] as number] as number, s)) {
      const i = o[j] as number;
      if ((y[i] as number) > 0) gtp += wt(w, i);
      else gfp += wt(w, i);
      j++;
    }
    if (fp + gfp > allowed) break;
    tp += gtp;
    fp += gfp;
    threshold = s;
    k = j;
  }
  return { alarmsPerSymbolWeek: budget, recall: P > 0 ? tp / P : NaN, threshold, falseAlarms: fp };
}

export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i] as number));
    s -= (y[i] as number) > 0 ? Math.log(q) : Math.log(1 - q);
  }
  return s / Math.max(1, p.length);
}
