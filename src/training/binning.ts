/** Quantile binning for the histogram GBDT. Edges are float32 values; a value goes to bin b when
 * fround(x) <= edges[b] (the last bin takes the rest), NaN goes to MISSING_BIN. A split after bin
 * b therefore becomes the ONNX rule `x <= edges[b]`, so training and inference route rows alike. */
import type { Matrix } from './matrix.js';

export const MISSING_BIN = 255;

export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Column-major: bins[f * rows + i]. */
  readonly bins: Uint8Array;
  /** Per feature: ascending float32 edges; feature f has edges[f].length + 1 bins. */
  readonly edges: readonly Float64Array[];
}

export function quantileEdges(m: Matrix, maxBins: number): Float64Array[] {
  if (maxBins < 2 || maxBins > 255) throw new Error('maxBins must be in [2, 255]');
  const out: Float64Array[] = [];
  const col = new Float64Array(m.rows);
  for (let f = 0; f < m.cols; f++) {
    let n = 0;
    for (let i = 0; i < m.rows; i++) {
      const v = Math.fround(m.data[i * m.cols + f] as number);
      if (!Number.isNaN(v)) col[n++] = v;
    }
    const sorted = col.subarray(0, n).slice().sort();
    const edges: number[] = [];
    for (let k = 1; k < maxBins && n > 0; k++) {
      const v = sorted[Math.min(n - 1, Math.floor((k * n) / maxBins))] as number;
      if (v !== sorted[n - 1] && (edges.length === 0 || v > (edges[edges.length - 1] as number))) edges.push(v);
    }
    out.push(Float64Array.from(edges));
  }
  return out;
}

function binIndex(edges: Float64Array, x: number): number {
  const v = Math.fround(x);
  if (Number.isNaN(v)) return MISSING_BIN;
  let lo = 0;
  let hi = edges.length; // answer in [0, edges.length]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function binMatrix(m: Matrix, edges: readonly Float64Array[]): BinnedMatrix {
  const bins = new Uint8Array(m.rows * m.cols);
  for (let f = 0; f < m.cols; f++) {
    const e = edges[f] as Float64Array;
    for (let i = 0; i < m.rows; i++) bins[f * m.rows + i] = binIndex(e, m.data[i * m.cols + f] as number);
  }
  return { rows: m.rows, cols: m.cols, bins, edges };
}
