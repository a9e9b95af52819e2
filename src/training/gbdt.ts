/** Histogram gradient-boosted trees for binary log-loss (XGBoost-style second-order splits):
 * depth limit, shrinkage, min child weight (hessian), L2 on leaf weights, Bernoulli row
 * subsample from a seeded PRNG, and a learned default direction for NaN per split. Pure and
 * deterministic: the same matrix, labels and params give the same trees, bit for bit. */
import { MISSING_BIN, binMatrix, quantileEdges, type BinnedMatrix } from './binning.js';
import type { Matrix } from './matrix.js';
import { createPrng } from './prng.js';
import { fillInternalValues, startMargin, type Tree, type TreeEnsemble } from '../scoring/tree-ensemble.js';
import { fitTouchBase, touchMargins, type TouchSpec } from './touch-fit.js';

export interface GbdtParams {
  readonly nTrees: number;
  readonly maxDepth: number;
  readonly learningRate: number;
  readonly minChildWeight: number;
  readonly lambda: number;
  readonly subsample: number;
  readonly maxBins: number;
  readonly minSplitGain: number;
  readonly seed: number;
}

export const DEFAULT_GBDT: GbdtParams = {
  nTrees: 200,
  maxDepth: 4,
  learningRate: 0.05,
  minChildWeight: 20,
  lambda: 1,
  subsample: 0.7,
  maxBins: 64,
  minSplitGain: 0,
  seed: 1,
};

/** What the trees are built on, beyond the hyper-parameters. */
export interface GbdtStructure {
  /** start from the volatility-scaled touch base (fitted on these rows) instead of the base rate */
  readonly touch?: TouchSpec;
  /** per input column: +1 score may only rise with the value, -1 only fall, 0 free. A split on a
   * constrained column is rejected when its two leaf values are ordered against the constraint,
   * and its children inherit bounds at the midpoint (XGBoost-style), so the whole tree is monotone. */
  readonly monotone?: readonly number[];
}

interface Hist {
  g: Float64Array;
  h: Float64Array;
}
interface Split {
  f: number;
  bin: number;
  missingLeft: boolean;
  gain: number;
}

interface Builder {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  missingLeft: number[];
  value: number[];
  cover: number[];
  splitBin: number[];
}

export function trainGbdt(
  X: Matrix,
  y: ArrayLike<number>,
  params: GbdtParams = DEFAULT_GBDT,
  structure: GbdtStructure = {},
): TreeEnsemble {
  if (y.length !== X.rows) throw new Error('labels and rows differ in length');
  const n = X.rows;
  const mono = structure.monotone;
  if (mono && mono.length !== X.cols) throw new Error(`monotone has ${mono.length} entries, expected ${X.cols}`);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i] as number;
  const p0 = Math.min(1 - 1e-6, Math.max(1e-6, pos / Math.max(1, n)));
  const base = structure.touch ? fitTouchBase(X, y, structure.touch) : undefined;
  const bias = base ? 0 : Math.fround(Math.log(p0 / (1 - p0)));
  const B = binMatrix(X, quantileEdges(X, params.maxBins));
  const nb = B.edges.map((e) => e.length + 1);
  const off: number[] = [];
  let slots = 0;
  for (let f = 0; f < X.cols; f++) {
    off.push(slots);
    slots += (nb[f] as number) + 1;
  } // last slot: missing
  const margin = base ? touchMargins(base, X) : new Float64Array(n).fill(bias);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const rng = createPrng(params.seed);
  const trees: Tree[] = [];

  const buildHist = (idx: Uint32Array): Hist => {
    const hg = new Float64Array(slots);
    const hh = new Float64Array(slots);
    for (let f = 0; f < B.cols; f++) {
      const base = f * n;
      const o = off[f] as number;
      const miss = o + (nb[f] as number);
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k] as number;
        const b = B.bins[base + i] as number;
        const s = b === MISSING_BIN ? miss : o + b;
        hg[s] = (hg[s] as number) + (g[i] as number);
        hh[s] = (hh[s] as number) + (h[i] as number);
      }
    }
    return { g: hg, h: hh };
  };

  const weight = (G: number, H: number, lo: number, hi: number): number =>
    Math.min(hi, Math.max(lo, -G / (H + params.lambda)));

  const bestSplit = (hist: Hist, G: number, H: number, lo: number, hi: number): Split | undefined => {
    const { lambda, minChildWeight } = params;
    const parent = (G * G) / (H + lambda);
    let best: Split | undefined;
    for (let f = 0; f < B.cols; f++) {
      const o = off[f] as number;
      const nf = nb[f] as number;
      const gm = hist.g[o + nf] as number;
      const hm = hist.h[o + nf] as number;
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nf - 1; b++) {
        gl += hist.g[o + b] as number;
        hl += hist.h[o + b] as number;
        for (let side = 0; side < 2; side++) {
          const ml = side === 0; // missing rows left first, then right
          const GL = ml ? gl + gm : gl;
          const HL = ml ? hl + hm : hl;
          const GR = G - GL;
          const HR = H - HL;
          if (HL < minChildWeight || HR < minChildWeight) continue;
          const c = mono ? (mono[f] as number) : 0;
          if (c !== 0 && c * (weight(GR, HR, lo, hi) - weight(GL, HL, lo, hi)) < 0) continue;
          const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parent;
          if (gain > params.minSplitGain && (best === undefined || gain > best.gain))
            best = { f, bin: b, missingLeft: ml, gain };
        }
      }
    }
    return best;
  };

  for (let t = 0; t < params.nTrees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(margin[i] as number)));
      g[i] = p - (y[i] as number);
      h[i] = Math.max(p * (1 - p), 1e-16);
    }
    const sample: number[] = [];
    for (let i = 0; i < n; i++) if (params.subsample >= 1 || rng.next() < params.subsample) sample.push(i);
    const tb: Builder = {
      feature: [],
      threshold: [],
      left: [],
      right: [],
      missingLeft: [],
      value: [],
      cover: [],
      splitBin: [],
    };

    const grow = (idx: Uint32Array, hist: Hist | undefined, depth: number, lo: number, hi: number): number => {
      let G = 0;
      let H = 0;
      for (let k = 0; k < idx.length; k++) {
        G += g[idx[k] as number] as number;
        H += h[idx[k] as number] as number;
      }
      const id = tb.feature.length;
      tb.feature.push(-1);
      tb.threshold.push(0);
      tb.left.push(0);
      tb.right.push(0);
      tb.missingLeft.push(0);
      tb.value.push(Math.fround(weight(G, H, lo, hi) * params.learningRate));
      tb.cover.push(Math.fround(H));
      tb.splitBin.push(-1);
      if (depth >= params.maxDepth || H < 2 * params.minChildWeight) return id;
      const hs = hist ?? buildHist(idx);
      const s = bestSplit(hs, G, H, lo, hi);
      if (!s) return id;
      const base = s.f * n;
      const li: number[] = [];
      const ri: number[] = [];
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k] as number;
        const b = B.bins[base + i] as number;
        if (b === MISSING_BIN ? s.missingLeft : b <= s.bin) li.push(i);
        else ri.push(i);
      }
      const L = Uint32Array.from(li);
      const R = Uint32Array.from(ri);
      let hl: Hist | undefined;
      let hr: Hist | undefined;
      if (depth + 1 < params.maxDepth) {
        const small = buildHist(L.length <= R.length ? L : R);
        const large: Hist = {
          g: hs.g.map((v, j) => v - (small.g[j] as number)),
          h: hs.h.map((v, j) => v - (small.h[j] as number)),
        };
        [hl, hr] = L.length <= R.length ? [small, large] : [large, small];
      }
      tb.feature[id] = s.f;
      tb.threshold[id] = (B.edges[s.f] as Float64Array)[s.bin] as number;
      tb.missingLeft[id] = s.missingLeft ? 1 : 0;
      tb.splitBin[id] = s.bin;
      const c = mono ? (mono[s.f] as number) : 0;
      let [loL, hiL, loR, hiR] = [lo, hi, lo, hi];
      if (c !== 0) {
        let gl = 0;
        let hl2 = 0;
        for (const i of L) {
          gl += g[i] as number;
          hl2 += h[i] as number;
        }
        const mid = (weight(gl, hl2, lo, hi) + weight(G - gl, H - hl2, lo, hi)) / 2;
        if (c > 0) [hiL, loR] = [mid, mid];
        else [loL, hiR] = [mid, mid];
      }
      tb.left[id] = grow(L, hl, depth + 1, loL, hiL);
      tb.right[id] = grow(R, hr, depth + 1, loR, hiR);
      return id;
    };
    grow(Uint32Array.from(sample), undefined, 0, -Infinity, Infinity);
    const tree: Tree = {
      feature: Int32Array.from(tb.feature),
      threshold: Float64Array.from(tb.threshold),
      left: Int32Array.from(tb.left),
      right: Int32Array.from(tb.right),
      missingLeft: Uint8Array.from(tb.missingLeft),
      value: Float64Array.from(tb.value),
      cover: Float64Array.from(tb.cover),
    };
    updateMargins(tree, tb.splitBin, B, margin);
    fillInternalValues(tree);
    trees.push(tree);
  }
  return { trees, bias, featureCount: X.cols, ...(base ? { base } : {}) };
}

/** Adds the tree's leaf values to every training row's margin, routing on bins. */
function updateMargins(tree: Tree, splitBin: readonly number[], B: BinnedMatrix, margin: Float64Array): void {
  for (let i = 0; i < B.rows; i++) {
    let nd = 0;
    while ((tree.feature[nd] as number) >= 0) {
      const b = B.bins[(tree.feature[nd] as number) * B.rows + i] as number;
      const goLeft = b === MISSING_BIN ? tree.missingLeft[nd] === 1 : b <= (splitBin[nd] as number);
      nd = goLeft ? (tree.left[nd] as number) : (tree.right[nd] as number);
    }
    margin[i] = (margin[i] as number) + (tree.value[nd] as number);
  }
}

/** Margins of every row after the first k trees, for each k in `checkpoints` (ascending). */
export function stagedMargins(model: TreeEnsemble, X: Matrix, checkpoints: readonly number[]): Float64Array[] {
  const m = Float64Array.from({ length: X.rows }, (_, i) =>
    startMargin(model, X.data.subarray(i * X.cols, (i + 1) * X.cols)),
  );
  const out: Float64Array[] = [];
  let t = 0;
  for (const k of checkpoints) {
    for (; t < Math.min(k, model.trees.length); t++) {
      const tree = model.trees[t] as Tree;
      for (let i = 0; i < X.rows; i++) {
        let nd = 0;
        while ((tree.feature[nd] as number) >= 0) {
          const v = Math.fround(X.data[i * X.cols + (tree.feature[nd] as number)] as number);
          const goLeft = Number.isNaN(v) ? tree.missingLeft[nd] === 1 : v <= (tree.threshold[nd] as number);
          nd = goLeft ? (tree.left[nd] as number) : (tree.right[nd] as number);
        }
        m[i] = (m[i] as number) + (tree.value[nd] as number);
      }
    }
    out.push(m.slice());
  }
  return out;
}

function truncateEnsemble(model: TreeEnsemble, k: number): TreeEnsemble {
  return { ...model, trees: model.trees.slice(0, k) };
}
