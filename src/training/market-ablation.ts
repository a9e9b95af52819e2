/** The market-wide stress ablation (issue 14): the v3 model's setting with the model's features
 * (arm A) and A + market-wide features (arm B, market-wide.ts), same rows, folds, structure and
 * seed. Kept only if B beats A on PR-AUC on the 2025H1 fold on both sides (decided on the fold);
 * the 2025-07 → 2025-12 report (pooled 43 and held-out, acceptance of B against the single
 * baselines, paired B − A) is computed with the TS model (not onnxruntime: B is not servable). */
import { toUnifiedSymbol } from '../market/symbols.js';
import { fitBaselines, type Side } from './baselines.js';
import { blankLongWindows } from './blanking.js';
import { applyPlatt, fitPlatt } from './calibration.js';
import { selectMatrix, withColumns } from './dataset.js';
import { evaluateSide, WEEK_MS, type SideReport } from './evaluation.js';
import { round } from './events.js';
import { stagedMargins, trainGbdt } from './gbdt.js';
import { MARKET_FEATURES, marketWideColumns } from './market-wide.js';
import { makeFolds, selectModel, type SelectionConfig } from './protocol.js';
import { evaluateRows } from './served-eval.js';
import { chooseStructure, toStructure } from './structure.js';
import { loadUniverse, type TrainOptions } from './train-run.js';

export interface MarketAblationReport {
  readonly fold: Record<Side, { prAucA: number; prAucB: number; nTreesA: number; nTreesB: number }>;
  readonly kept: boolean;
  readonly groups: Record<
    string,
    Record<Side, { b: SideReport | null; a: SideReport | null; diff: SideReport | null }>
  >;
}

export async function runMarketAblation(o: TrainOptions): Promise<MarketAblationReport> {
  const { ds: ds0, split, names } = await loadUniverse(o);
  const held = new Set(o.heldOut.map((s) => toUnifiedSymbol(s)));
  const ds = withColumns(
    ds0,
    marketWideColumns(ds0, (s) => !held.has(s)),
  );
  const namesB = [...names, ...MARKET_FEATURES];
  const cfg: SelectionConfig = { ...o.selection, seed: o.seed, ...(o.blank ? { blank: o.blank } : {}) };
  const folds = makeFolds(ds, split.fitIdx, cfg);
  const groups: Record<string, number[]> = { all: [], heldOut: [] };
  for (const [sym, idx] of split.evalBySymbol) {
    (groups.all as number[]).push(...idx);
    if (held.has(sym)) (groups.heldOut as number[]).push(...idx);
  }
  const fold = {} as MarketAblationReport['fold'];
  const probs = {} as Record<Side, { a: Float64Array; b: Float64Array }>;
  const evalRows = [...new Set([...(groups.all as number[])])].sort((x, y) => x - y);
  for (const side of ['down', 'up'] as const) {
    const label = side === 'down' ? ds.down : ds.up;
    const y = Float64Array.from(split.fitIdx, (i) => label[i] as number);
    const choice = chooseStructure(
      ds,
      folds,
      names,
      side,
      o.label,
      o.structure as NonNullable<TrainOptions['structure']>,
    );
    const arm = (nm: readonly string[]): { prAuc: number; nTrees: number; p: Float64Array } => {
      const st = toStructure(choice, nm, side, o.label, ds.barMs, { touch: true, monotone: true });
      const sel = selectModel(ds, folds, nm, side, cfg, o.log, st);
      const cal = fitPlatt(
        sel.oofMargins,
        Float64Array.from(sel.oofIdx, (i) => label[i] as number),
      );
      const X0 = selectMatrix(ds, split.fitIdx, nm);
      const X = o.blank ? { ...X0, data: blankLongWindows(X0.data, nm, o.blank, o.seed + 7) } : X0;
      const model = trainGbdt(X, y, sel.params, st);
      const m = stagedMargins(model, selectMatrix(ds, evalRows, nm), [sel.params.nTrees])[0] as Float64Array;
      const p = new Float64Array(ds.t.length).fill(NaN);
      applyPlatt(cal, m).forEach((v, k) => (p[evalRows[k] as number] = v));
      return { prAuc: sel.folds[0]?.prAuc ?? NaN, nTrees: sel.params.nTrees, p };
    };
    const a = arm(names);
    const b = arm(namesB);
    fold[side] = { prAucA: round(a.prAuc, 4), prAucB: round(b.prAuc, 4), nTreesA: a.nTrees, nTreesB: b.nTrees };
    probs[side] = { a: a.p, b: b.p };
    o.log(`${side}: 2025H1 fold PR-AUC A ${a.prAuc.toFixed(4)}, B ${b.prAuc.toFixed(4)}`);
  }
  const out: MarketAblationReport['groups'] = {};
  let k = 0;
  for (const [g, idx] of Object.entries(groups)) {
    out[g] = {} as MarketAblationReport['groups'][string];
    for (const side of ['down', 'up'] as const) {
      const label = side === 'down' ? ds.down : ds.up;
      const y = Float64Array.from(split.fitIdx, (i) => label[i] as number);
      const base = fitBaselines(ds, split.fitIdx, y, side, names);
      const rows = idx.filter(
        (i) => Number.isFinite(label[i] as number) && Number.isFinite(probs[side].b[i] as number),
      );
      out[g][side] = {
        b: evaluateRows(ds, rows, side, probs[side].b, base, names, o.replicates, o.seed + ++k),
        a: evaluateRows(ds, rows, side, probs[side].a, base, names, o.replicates, o.seed + ++k),
        diff: rows.length
          ? evaluateSide({
              y: Float64Array.from(rows, (i) => label[i] as number),
              t: Float64Array.from(rows, (i) => ds.t[i] as number),
              model: Float64Array.from(rows, (i) => probs[side].b[i] as number),
              baselines: { A: Float64Array.from(rows, (i) => probs[side].a[i] as number) },
              symbolWeeks: (rows.length * ds.barMs) / WEEK_MS,
              replicates: o.replicates,
              seed: o.seed + ++k,
            })
          : null,
      };
    }
  }
  return {
    fold,
    kept: fold.down.prAucB > fold.down.prAucA && fold.up.prAucB > fold.up.prAucA,
    groups: out,
  };
}

export function renderMarketAblation(r: MarketAblationReport): string {
  const f = (v: number | undefined, d = 3): string => (v !== undefined && Number.isFinite(v) ? v.toFixed(d) : 'n/a');
  const L: string[] = [
    `Market-wide features (B = A + ${MARKET_FEATURES.join(', ')}), computed over the 32 fitted markets at each bar close.`,
    '',
    '**Decision on the 2025H1 fold (PR-AUC at the selected tree count, A → B)**: ' +
      (['down', 'up'] as const)
        .map(
          (s) => `p_${s} ${r.fold[s].prAucA} → ${r.fold[s].prAucB} (${r.fold[s].nTreesA} / ${r.fold[s].nTreesB} trees)`,
        )
        .join(', ') +
      `: **${r.kept ? 'kept' : 'not kept'}** (the rule: B above A on both sides).`,
    '',
    '| rows | side | n (positives) | arm | ROC-AUC [CI] | best single ROC-AUC | PR-AUC [CI] | best single PR-AUC | ECE | bar met? | B − A ROC-AUC [CI] | B − A PR-AUC [CI] |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [g, s] of Object.entries(r.groups))
    for (const side of ['down', 'up'] as const) {
      const x = s[side];
      const d = x.diff?.baselines.A?.diff;
      for (const [arm, rep] of [
        ['A', x.a],
        ['B', x.b],
      ] as const) {
        if (!rep) continue;
        const a = rep.acceptance;
        L.push(
          `| ${g} | ${side} | ${rep.rows} (${rep.positives}) | ${arm} | ${f(rep.model.rocAuc)} [${f(rep.model.ci.rocAuc.lo)}, ${f(rep.model.ci.rocAuc.hi)}] | ${a.bestRocAuc.name} ${f(a.bestRocAuc.value)} | ${f(rep.model.prAuc)} [${f(rep.model.ci.prAuc.lo)}, ${f(rep.model.ci.prAuc.hi)}] | ${a.bestPrAuc.name} ${f(a.bestPrAuc.value)} | ${f(rep.model.ece, 4)} | ${a.met ? 'yes' : 'no'} | ${arm === 'B' && d ? `${f(d.rocAuc)} [${f(d.rocAucCi.lo)}, ${f(d.rocAucCi.hi)}]` : ''} | ${arm === 'B' && d ? `${f(d.prAuc)} [${f(d.prAucCi.lo)}, ${f(d.prAucCi.hi)}]` : ''} |`,
        );
      }
    }
  return L.join('\n');
}
