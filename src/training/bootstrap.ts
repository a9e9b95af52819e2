/** Day-block bootstrap: resample whole UTC days with replacement (hourly rows within a day are
 * strongly dependent, and labels overlap across hours) and turn the draw into per-row weights,
 * so metrics that accept weights need no copying. Seeded, hence reproducible. */
import { createPrng } from './prng.js';

const DAY_MS = 86_400_000;

export function dayBlockWeights(times: ArrayLike<number>, replicates: number, seed: number): Float64Array[] {
  const dayOf = new Int32Array(times.length);
  const dayIds = new Map<number, number>();
  for (let i = 0; i < times.length; i++) {
    const d = Math.floor((times[i] as number) / DAY_MS);
    let k = dayIds.get(d);
    if (k === undefined) {
      k = dayIds.size;
      dayIds.set(d, k);
    }
    dayOf[i] = k;
  }
  const nDays = dayIds.size;
  const rng = createPrng(seed);
  const out: Float64Array[] = [];
  for (let r = 0; r < replicates; r++) {
    const counts = new Float64Array(nDays);
    for (let k = 0; k < nDays; k++) {
      const d = rng.int(nDays);
      counts[d] = (counts[d] as number) + 1;
    }
    out.push(Float64Array.from(dayOf, (d) => counts[d] as number));
  }
  return out;
}

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/** Percentile interval of finite values (NaN replicates, e.g. no positives drawn, are dropped). */
export function percentileInterval(values: readonly number[], level = 0.95): Interval {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return { lo: NaN, hi: NaN };
  const q = (p: number): number => v[Math.min(v.length - 1, Math.max(0, Math.round(p * (v.length - 1))))] as number;
  return { lo: q((1 - level) / 2), hi: q(1 - (1 - level) / 2) };
}
