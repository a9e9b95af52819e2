/** The one evaluation path of `liqguard evaluate` and the model card: scores come from the served
 * path (onnxruntime-node on the .onnx bytes; rows with more missing features than the card allows
 * are `unknown` and left out, as the gateway would), baselines from the card's fitted maps, and
 * evaluation.ts computes every metric with day-block bootstrap intervals. */
import { createSessionFromBytes } from '../scoring/onnx-session.js';
import { baselineProbabilities, type Side, type SideBaselines } from './baselines.js';
import { selectMatrix, type Dataset } from './dataset.js';
import { evaluateSide, WEEK_MS, type SideReport } from './evaluation.js';

export interface ServedModel {
  readonly onnx: Uint8Array;
  readonly names: readonly string[];
  readonly inputName: string;
  readonly maxMissingFraction: number;
}

const CHUNK = 100_000;

/** p_down / p_up for every row of `ds` (NaN where the served model would answer unknown). */
export async function servedScores(
  m: ServedModel,
  ds: Dataset,
  idx: ArrayLike<number>,
): Promise<{ pDown: Float64Array; pUp: Float64Array }> {
  const session = await createSessionFromBytes(m.onnx, m.names.length, m.inputName, 'the model');
  const pDown = new Float64Array(idx.length);
  const pUp = new Float64Array(idx.length);
  const F = m.names.length;
  try {
    for (let from = 0; from < idx.length; from += CHUNK) {
      const part = Array.from({ length: Math.min(CHUNK, idx.length - from) }, (_, k) => idx[from + k] as number);
      const X = selectMatrix(ds, part, m.names);
      const r = await session.run(Float32Array.from(X.data), X.rows);
      for (let k = 0; k < X.rows; k++) {
        let miss = 0;
        for (let j = 0; j < F; j++) if (!Number.isFinite(X.data[k * F + j] as number)) miss++;
        const off = miss > m.maxMissingFraction * F;
        pDown[from + k] = off ? NaN : (r.pDown[k] as number);
        pUp[from + k] = off ? NaN : (r.pUp[k] as number);
      }
    }
  } finally {
    await session.release();
  }
  return { pDown, pUp };
}

function symbolWeeks(ds: Dataset, idx: ArrayLike<number>): number {
  let n = 0;
  for (let k = 0; k < idx.length; k++) n++;
  return (n * ds.barMs) / WEEK_MS; // rows are (symbol, bar) pairs, so rows x bar length = symbol-time
}

/** Evaluates rows `idx` (labelled and scored rows only) of one side. `score` is indexed by row. */
export function evaluateRows(
  ds: Dataset,
  idx: readonly number[],
  side: Side,
  score: ArrayLike<number>,
  base: SideBaselines,
  names: readonly string[],
  replicates: number,
  seed: number,
): SideReport | null {
  const label = side === 'down' ? ds.down : ds.up;
  const rows = idx.filter((i) => Number.isFinite(label[i] as number) && Number.isFinite(score[i] as number));
  if (rows.length === 0) return null;
  return evaluateSide({
    y: Float64Array.from(rows, (i) => label[i] as number),
    t: Float64Array.from(rows, (i) => ds.t[i] as number),
    model: Float64Array.from(rows, (i) => score[i] as number),
    baselines: baselineProbabilities(ds, rows, base, names),
    symbolWeeks: symbolWeeks(ds, rows),
    replicates,
    seed,
  });
}
