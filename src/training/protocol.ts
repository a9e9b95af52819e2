/** Model selection on walk-forward folds of the fitting period only: for each side, every grid
 * entry is trained on each fold's purged/embargoed past and scored on the fold's validation span
 * at several tree counts; the entry and tree count with the best mean PR-AUC is selected. The
 * selected entry's out-of-fold margins then fit the Platt calibration. */
import { selectMatrix, type Dataset } from './dataset.js';
import { walkForwardFolds, type Fold, type FoldSpec } from './folds.js';
import { stagedMargins, trainGbdt, type GbdtParams, type GbdtStructure } from './gbdt.js';
import { averagePrecision } from './metrics.js';
import { logisticMargins, trainLogistic } from './logistic.js';
import type { Side } from './baselines.js';
import { blankLongWindows, type BlankSpec } from './blanking.js';

type GridEntry = Omit<GbdtParams, 'nTrees' | 'seed'>;

export interface SelectionConfig {
  readonly folds: readonly FoldSpec[];
  readonly embargoMs: number;
  readonly grid: readonly GridEntry[];
  readonly checkpoints: readonly number[]; // tree counts evaluated; the last is the most trained
  readonly seed: number;
  /** long-window blanking of the training rows (blanking.ts); validation rows stay as they are */
  readonly blank?: BlankSpec;
}

interface FoldResult {
  readonly fold: string;
  readonly trainRows: number;
  readonly validRows: number;
  readonly validPositives: number;
  readonly prAuc: number;
  readonly logisticPrAuc: number;
}
interface GridResult {
  readonly params: GridEntry;
  readonly nTrees: number;
  readonly meanPrAuc: number;
  readonly perFold: readonly number[];
}

export interface Selection {
  readonly side: Side;
  readonly params: GbdtParams;
  readonly grid: readonly GridResult[];
  readonly folds: readonly FoldResult[];
  readonly oofIdx: Uint32Array; // dataset rows
  readonly oofMargins: Float64Array;
}

export function makeFolds(ds: Dataset, fitIdx: ArrayLike<number>, cfg: SelectionConfig): Fold[] {
  const t = Float64Array.from({ length: fitIdx.length }, (_, k) => ds.t[fitIdx[k] as number] as number);
  const le = Float64Array.from({ length: fitIdx.length }, (_, k) => ds.labelEnd[fitIdx[k] as number] as number);
  // fold indices are positions in fitIdx; map them back to dataset rows
  return walkForwardFolds(t, le, cfg.folds, cfg.embargoMs).map((f) => ({
    ...f,
    train: f.train.map((k) => fitIdx[k] as number),
    valid: f.valid.map((k) => fitIdx[k] as number),
  }));
}

const MIN_FOLD_TRAIN_ROWS = 500;

export function selectModel(
  ds: Dataset,
  allFolds: readonly Fold[],
  names: readonly string[],
  side: Side,
  cfg: SelectionConfig,
  log: (m: string) => void,
  structure: GbdtStructure = {},
): Selection {
  const label = side === 'down' ? ds.down : ds.up;
  const folds = allFolds.filter((f) => f.train.length >= MIN_FOLD_TRAIN_ROWS && f.valid.length > 0);
  for (const f of allFolds)
    if (!folds.includes(f))
      log(`  fold ${f.name} skipped: ${f.train.length} training rows, ${f.valid.length} validation rows`);
  if (folds.length === 0) throw new Error('no walk-forward fold has enough training rows; widen the fitting span');
  const yOf = (idx: Uint32Array): Float64Array => Float64Array.from(idx, (i) => label[i] as number);
  const nMax = cfg.checkpoints[cfg.checkpoints.length - 1] as number;
  // margins[g][f][c]: grid entry g, fold f, checkpoint c
  const margins: Float64Array[][][] = cfg.grid.map(() => []);
  const foldResults: FoldResult[] = [];
  folds.forEach((fold, fi) => {
    const X0 = selectMatrix(ds, fold.train, names);
    const Xt = cfg.blank ? { ...X0, data: blankLongWindows(X0.data, names, cfg.blank, cfg.seed + 101 + fi) } : X0;
    const Xv = selectMatrix(ds, fold.valid, names);
    const yt = yOf(fold.train);
    const yv = yOf(fold.valid);
    cfg.grid.forEach((g, gi) => {
      log(
        `  ${side} fold ${fold.name}: grid ${gi + 1}/${cfg.grid.length} (depth ${g.maxDepth}, min child ` +
          `${g.minChildWeight}) on ${fold.train.length} rows`,
      );
      const model = trainGbdt(Xt, yt, { ...g, nTrees: nMax, seed: cfg.seed + fi }, structure);
      (margins[gi] as Float64Array[][])[fi] = stagedMargins(model, Xv, cfg.checkpoints);
    });
    const lr = trainLogistic(Xt, yt, { l2: 1, maxIter: 12, tol: 1e-6 });
    let pos = 0;
    for (const v of yv) pos += v;
    foldResults.push({
      fold: fold.name,
      trainRows: fold.train.length,
      validRows: fold.valid.length,
      validPositives: pos,
      prAuc: NaN,
      logisticPrAuc: averagePrecision(logisticMargins(lr, Xv), yv),
    });
  });
  const grid: GridResult[] = [];
  let best = { g: 0, c: 0, score: -Infinity };
  cfg.grid.forEach((g, gi) =>
    cfg.checkpoints.forEach((n, ci) => {
      const perFold = folds.map((f, fi) =>
        averagePrecision(((margins[gi] as Float64Array[][])[fi] as Float64Array[])[ci] as Float64Array, yOf(f.valid)),
      );
      const mean = perFold.reduce((s, v) => s + v, 0) / perFold.length;
      grid.push({ params: g, nTrees: n, meanPrAuc: mean, perFold });
      if (mean > best.score) best = { g: gi, c: ci, score: mean };
    }),
  );
  const chosen = grid.find((r) => r.params === cfg.grid[best.g] && r.nTrees === cfg.checkpoints[best.c]) as GridResult;
  const oofIdx = Uint32Array.from(folds.flatMap((f) => Array.from(f.valid)));
  const oofMargins = Float64Array.from(
    folds.flatMap((_, fi) =>
      Array.from(((margins[best.g] as Float64Array[][])[fi] as Float64Array[])[best.c] as Float64Array),
    ),
  );
  return {
    side,
    params: { ...(cfg.grid[best.g] as GridEntry), nTrees: cfg.checkpoints[best.c] as number, seed: cfg.seed },
    grid,
    folds: foldResults.map((r, fi) => ({ ...r, prAuc: chosen.perFold[fi] as number })),
    oofIdx,
    oofMargins,
  };
}
