/** How the trees extrapolate (issue 14): the volatility-scaled touch base and the monotone
 * constraints on the volatility features, per side. Which sigma feeds the touch base is chosen on
 * the walk-forward folds of the fitting period only (validation log-loss of the base alone). */
import type { Side } from './baselines.js';
import { selectMatrix, type Dataset, type LabelSpec } from './dataset.js';
import type { Fold } from './folds.js';
import type { GbdtStructure } from './gbdt.js';
import { fitTouchBase } from './touch-fit.js';
import { touchBaseMargin } from '../scoring/touch-base.js';

export interface StructureSpec {
  /** per-bar volatility features that may feed the touch base; the fold choice picks one */
  readonly touchCandidates: readonly string[];
  /** features the score may only rise with (both sides) */
  readonly monotoneUp: readonly string[];
}

export interface StructureChoice {
  readonly touchFeature: string | null;
  /** validation log-loss of the touch base alone, per candidate (mean over folds) */
  readonly touchValidLogLoss: Readonly<Record<string, number>>;
  readonly monotoneUp: readonly string[];
}

/** Log distance of the label's barrier: a long is liquidated at close*(1-x), a short at close*(1+x). */
export function barrierLog(side: Side, thresholdPct: number): number {
  const x = thresholdPct / 100;
  return side === 'down' ? -Math.log(1 - x) : Math.log(1 + x);
}

function horizonBars(label: LabelSpec, barMs: number): number {
  return Math.round((label.horizonHours * 3_600_000) / barMs);
}

function logLoss(p: number, y: number): number {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
}

export function chooseStructure(
  ds: Dataset,
  folds: readonly Fold[],
  names: readonly string[],
  side: Side,
  label: LabelSpec,
  spec: StructureSpec,
): StructureChoice {
  const y = side === 'down' ? ds.down : ds.up;
  const losses: Record<string, number> = {};
  let best: string | null = null;
  for (const cand of spec.touchCandidates) {
    const j = names.indexOf(cand);
    if (j < 0) continue;
    const touch = {
      feature: j,
      barrier: barrierLog(side, label.thresholdPct),
      horizonBars: horizonBars(label, ds.barMs),
    };
    let sum = 0;
    let n = 0;
    for (const f of folds) {
      const tb = fitTouchBase(
        selectMatrix(ds, f.train, names),
        Float64Array.from(f.train, (i) => y[i] as number),
        touch,
      );
      const V = selectMatrix(ds, f.valid, names);
      for (let k = 0; k < V.rows; k++) {
        const m = touchBaseMargin(tb, V.data.subarray(k * V.cols, (k + 1) * V.cols));
        sum += logLoss(1 / (1 + Math.exp(-m)), y[f.valid[k] as number] as number);
        n++;
      }
    }
    losses[cand] = n ? sum / n : NaN;
    if (n && (best === null || (losses[cand] as number) < (losses[best] as number))) best = cand;
  }
  return {
    touchFeature: best,
    touchValidLogLoss: losses,
    monotoneUp: spec.monotoneUp.filter((m) => names.includes(m)),
  };
}

/** The GbdtStructure of a choice, with either piece switched off for the comparison runs. */
export function toStructure(
  c: StructureChoice,
  names: readonly string[],
  side: Side,
  label: LabelSpec,
  barMs: number,
  use: { readonly touch: boolean; readonly monotone: boolean },
): GbdtStructure {
  return {
    ...(use.touch && c.touchFeature
      ? {
          touch: {
            feature: names.indexOf(c.touchFeature),
            barrier: barrierLog(side, label.thresholdPct),
            horizonBars: horizonBars(label, barMs),
          },
        }
      : {}),
    ...(use.monotone ? { monotone: names.map((n) => (c.monotoneUp.includes(n) ? 1 : 0)) } : {}),
  };
}
