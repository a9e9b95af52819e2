/** "No blind first week": with less history than a long window, the feature engine leaves that
 * feature missing. The old model had seen almost no such rows, so a fresh start or a new listing
 * scored half the risk it should. Training therefore blanks the long-window features of a seeded
 * random share of the fitting rows, so the trees learn a default branch for "not yet known" from
 * rows whose labels are representative. */
import { createPrng } from './prng.js';

export interface BlankSpec {
  /** share of fitting rows whose features with a window longer than 7 days are blanked */
  readonly longFraction: number;
  /** share of fitting rows whose features longer than one day are blanked too (first days) */
  readonly weekFraction: number;
}

const DAY_BARS = 24;
const WEEK_BARS = 168;

/** The window of a feature in hours, from its name (rv_168, rv_pctl_720, funding_z_30d), or 0. */
export function featureWindowHours(name: string): number {
  const d = /_(\d+)d$/.exec(name);
  if (d) return Number(d[1]) * 24;
  const h = /_(\d+)$/.exec(name);
  return h ? Number(h[1]) : 0;
}

/** Copy of row-major `data` (rows x names) with the blanking applied; deterministic in `seed`. */
export function blankLongWindows(
  data: Float64Array,
  names: readonly string[],
  spec: BlankSpec,
  seed: number,
): Float64Array {
  const F = names.length;
  const out = Float64Array.from(data);
  const win = names.map(featureWindowHours);
  const rng = createPrng(seed);
  for (let r = 0; r < data.length / F; r++) {
    const u = rng.next();
    const limit = u < spec.weekFraction ? DAY_BARS : u < spec.weekFraction + spec.longFraction ? WEEK_BARS : Infinity;
    if (limit === Infinity) continue;
    for (let j = 0; j < F; j++) if ((win[j] as number) > limit) out[r * F + j] = NaN;
  }
  return out;
}
