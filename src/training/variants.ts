/** What each structural piece changes: the shipped model against refits without the touch base,
 * without the monotone constraints, without both (and the previous default model), all scored
 * through onnxruntime on the same evaluation rows, with paired day-block intervals of
 * shipped − variant (same resampled days). */
import type { Side } from './baselines.js';
import type { Interval } from './bootstrap.js';
import type { Dataset } from './dataset.js';
import { evaluateSide, WEEK_MS } from './evaluation.js';
import { round } from './events.js';
import { INPUT_NAME } from './onnx-export.js';
import { servedScores } from './served-eval.js';

interface VariantModel {
  readonly name: string;
  readonly onnx: Uint8Array;
  readonly names: readonly string[];
}

interface ScoreLine {
  readonly rocAuc: number;
  readonly rocAucCi: Interval;
  readonly prAuc: number;
  readonly prAucCi: Interval;
  readonly ece: number;
  readonly eceCi: Interval;
  readonly brierSkill: number;
}
interface VariantLine extends ScoreLine {
  readonly name: string;
  /** shipped minus this variant, paired */
  readonly diffRocAuc: number;
  readonly diffRocAucCi: Interval;
  readonly diffPrAuc: number;
  readonly diffPrAucCi: Interval;
}
interface VariantSide {
  readonly rows: number;
  readonly positives: number;
  readonly shipped: ScoreLine;
  readonly variants: readonly VariantLine[];
}
export type VariantComparison = Record<string, Record<Side, VariantSide | null>>;

const r4 = (v: number): number => round(v, 4);
const ci4 = (c: Interval): Interval => ({ lo: r4(c.lo), hi: r4(c.hi) });

export async function compareVariants(inp: {
  ds: Dataset;
  groups: Readonly<Record<string, readonly number[]>>;
  final: { pDown: Float64Array; pUp: Float64Array }; // indexed by dataset row
  variants: readonly VariantModel[];
  maxMissingFraction: number;
  replicates: number;
  seed: number;
}): Promise<VariantComparison> {
  const { ds } = inp;
  const rows = [...new Set(Object.values(inp.groups).flat())].sort((a, b) => a - b);
  const scored: Record<string, { pDown: Float64Array; pUp: Float64Array }> = {};
  for (const v of inp.variants) {
    const s = await servedScores(
      { onnx: v.onnx, names: v.names, inputName: INPUT_NAME, maxMissingFraction: inp.maxMissingFraction },
      ds,
      rows,
    );
    const pDown = new Float64Array(ds.t.length).fill(NaN);
    const pUp = new Float64Array(ds.t.length).fill(NaN);
    rows.forEach((i, k) => {
      pDown[i] = s.pDown[k] as number;
      pUp[i] = s.pUp[k] as number;
    });
    scored[v.name] = { pDown, pUp };
  }
  const out: VariantComparison = {};
  let seedK = 0;
  for (const [g, idx] of Object.entries(inp.groups)) {
    const bySide = {} as Record<Side, VariantSide | null>;
    for (const side of ['down', 'up'] as const) {
      const label = side === 'down' ? ds.down : ds.up;
      const pick = (p: { pDown: Float64Array; pUp: Float64Array }): Float64Array => (side === 'down' ? p.pDown : p.pUp);
      const keep = idx.filter(
        (i) =>
          Number.isFinite(label[i] as number) &&
          Number.isFinite(pick(inp.final)[i] as number) &&
          inp.variants.every((v) => Number.isFinite(pick(scored[v.name] as typeof inp.final)[i] as number)),
      );
      if (keep.length === 0) {
        bySide[side] = null;
        continue;
      }
      const rep = evaluateSide({
        y: Float64Array.from(keep, (i) => label[i] as number),
        t: Float64Array.from(keep, (i) => ds.t[i] as number),
        model: Float64Array.from(keep, (i) => pick(inp.final)[i] as number),
        baselines: Object.fromEntries(
          inp.variants.map((v) => [
            v.name,
            Float64Array.from(keep, (i) => pick(scored[v.name] as typeof inp.final)[i] as number),
          ]),
        ),
        symbolWeeks: (keep.length * ds.barMs) / WEEK_MS,
        replicates: inp.replicates,
        seed: inp.seed + ++seedK,
      });
      const line = (m: typeof rep.model): ScoreLine => ({
        rocAuc: r4(m.rocAuc),
        rocAucCi: ci4(m.ci.rocAuc),
        prAuc: r4(m.prAuc),
        prAucCi: ci4(m.ci.prAuc),
        ece: r4(m.ece),
        eceCi: ci4(m.ci.ece),
        brierSkill: r4(m.brierSkill),
      });
      bySide[side] = {
        rows: rep.rows,
        positives: rep.positives,
        shipped: line(rep.model),
        variants: inp.variants.map((v) => {
          const b = rep.baselines[v.name] as (typeof rep.baselines)[string];
          const d = b.diff as NonNullable<typeof b.diff>;
          return {
            name: v.name,
            ...line(b),
            diffRocAuc: r4(d.rocAuc),
            diffRocAucCi: ci4(d.rocAucCi),
            diffPrAuc: r4(d.prAuc),
            diffPrAucCi: ci4(d.prAucCi),
          };
        }),
      };
    }
    out[g] = bySide;
  }
  return out;
}
