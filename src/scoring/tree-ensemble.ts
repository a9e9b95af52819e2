/** The tree-ensemble model as TypeScript evaluates it: the same numbers the ONNX graph holds
 * (thresholds and leaf values rounded to float32, inputs rounded to float32 before comparison),
 * so the TS margin equals ORT's within float32 summation error. Also Saabas path attribution. */
import { touchBaseMargin, type TouchBase } from './touch-base.js';

/** One regression tree in flat arrays. Node 0 is the root; `feature[n] < 0` marks a leaf.
 * Comparison is BRANCH_LEQ: x <= threshold goes to `left` (ONNX "true" branch); NaN goes left
 * when `missingLeft[n]` is 1 (ONNX nodes_missing_value_tracks_true). */
export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array; // float32-representable
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly missingLeft: Uint8Array;
  /** Leaf value (float32-representable) for leaves; cover-weighted mean of children otherwise. */
  readonly value: Float64Array;
  /** Sum of hessians of training rows that reached the node (exported as nodes_hitrates). */
  readonly cover: Float64Array;
}

export interface TreeEnsemble {
  readonly trees: readonly Tree[];
  /** Initial margin (log-odds of the training base rate). */
  readonly bias: number;
  readonly featureCount: number;
  /** Optional volatility-scaled base margin per row (touch-base.ts), added to bias + trees. */
  readonly base?: TouchBase;
}

/** Platt scaling on the margin: p = sigmoid(a * margin + b). */
export interface PlattCalibration {
  readonly a: number;
  readonly b: number;
}

function leafIndex(tree: Tree, x: ArrayLike<number>): number {
  let n = 0;
  while ((tree.feature[n] as number) >= 0) {
    const v = Math.fround(x[tree.feature[n] as number] as number);
    const goLeft = Number.isNaN(v) ? tree.missingLeft[n] === 1 : v <= (tree.threshold[n] as number);
    n = goLeft ? (tree.left[n] as number) : (tree.right[n] as number);
  }
  return n;
}

/** bias + the touch base of row x (when the model has one): where the trees start. */
export function startMargin(model: TreeEnsemble, x: ArrayLike<number>): number {
  return model.base ? model.bias + touchBaseMargin(model.base, x) : model.bias;
}

export function ensembleMargin(model: TreeEnsemble, x: ArrayLike<number>): number {
  let m = startMargin(model, x);
  for (const t of model.trees) m += t.value[leafIndex(t, x)] as number;
  return m;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function calibratedProbability(model: TreeEnsemble, cal: PlattCalibration, x: ArrayLike<number>): number {
  return sigmoid(cal.a * ensembleMargin(model, x) + cal.b);
}

/** Saabas attribution: along each tree's path, the change in node value is credited to the
 * split feature; the touch base's departure from its missing-sigma fallback is credited to the
 * sigma feature. Returns per-feature contributions (margin units, before calibration) and the
 * expected margin (bias + fallback + root values); expected + sum(contributions) = margin. */
export function pathContributions(
  model: TreeEnsemble,
  x: ArrayLike<number>,
): { expected: number; contributions: Float64Array } {
  const c = new Float64Array(model.featureCount);
  let expected = model.bias;
  if (model.base) {
    expected += model.base.fallback;
    const f = model.base.feature;
    c[f] = (c[f] as number) + touchBaseMargin(model.base, x) - model.base.fallback;
  }
  for (const t of model.trees) {
    let n = 0;
    expected += t.value[0] as number;
    while ((t.feature[n] as number) >= 0) {
      const f = t.feature[n] as number;
      const v = Math.fround(x[f] as number);
      const goLeft = Number.isNaN(v) ? t.missingLeft[n] === 1 : v <= (t.threshold[n] as number);
      const child = goLeft ? (t.left[n] as number) : (t.right[n] as number);
      c[f] = (c[f] as number) + (t.value[child] as number) - (t.value[n] as number);
      n = child;
    }
  }
  return { expected, contributions: c };
}

/** Internal node values from leaves and covers (what Saabas needs), bottom-up. */
export function fillInternalValues(t: {
  feature: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  cover: Float64Array;
}): void {
  const visit = (n: number): void => {
    if ((t.feature[n] as number) < 0) return;
    const l = t.left[n] as number;
    const r = t.right[n] as number;
    visit(l);
    visit(r);
    const cl = t.cover[l] as number;
    const cr = t.cover[r] as number;
    const w = cl + cr;
    t.value[n] =
      w > 0
        ? ((t.value[l] as number) * cl + (t.value[r] as number) * cr) / w
        : ((t.value[l] as number) + (t.value[r] as number)) / 2;
  };
  visit(0);
}
