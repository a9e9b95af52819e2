/** The liquidation-pressure ablation (issue 14), end to end: BTC, ETH, SOL, XRP hourly rows with
 * the model's features (arm A) and A + the two liquidation-pressure features (arm B); same rows,
 * labels, GBDT setting, touch base and monotone constraints as the v3 model, seed fixed.
 * - fit: BTC, ETH, SOL (XRP is in the held-out group), rows from 2021-06-01 (the series is
 *   consistent from 2021-05 on, PROVENANCE), label window + 24 h embargo ending by 2025-07-01,
 *   every 3rd bar;
 * - decision (written down before the report window was looked at): keep the feature only if B
 *   beats A on PR-AUC on the 2025H1 fold (trained on label windows ending a day before 2025-01-01)
 *   on both sides;
 * - report: 2025-07-01 → 2025-11-14 (the 4 h series ends 2025-11-14 12:00) for the four pooled and
 *   XRP alone, and XRP's whole span from 2021-06-01 (never fitted); paired day-block intervals of
 *   B − A. */
import { join } from 'node:path';
import { readTextFile } from '../market/replay/csv.js';
import { toUnifiedSymbol } from '../market/symbols.js';
import type { Side } from './baselines.js';
import { applyPlatt, fitPlatt } from './calibration.js';
import { fundingPath, KLINES_43, klinePath, readFundingFile, readKlineFile } from './data-files.js';
import {
  buildSymbolDataset,
  concatDatasets,
  selectMatrix,
  withColumns,
  type Dataset,
  type LabelSpec,
} from './dataset.js';
import { evaluateSide, WEEK_MS } from './evaluation.js';
import { round } from './events.js';
import type { Fold } from './folds.js';
import { stagedMargins, trainGbdt, type GbdtParams } from './gbdt.js';
import { averagePrecision } from './metrics.js';
import { LIQ_FEATURES, dailyLiquidations, liqPressureColumns, parseLiqCsv } from './liq-pressure.js';
import { chooseStructure, toStructure, type StructureSpec } from './structure.js';

const D = (s: string): number => Date.parse(s);
const LIQ_ABLATION = Object.freeze({
  coins: ['BTC', 'ETH', 'SOL', 'XRP'] as const,
  heldOut: 'XRP',
  rowsFrom: D('2021-06-01T00:00:00Z'),
  foldStart: D('2025-01-01T00:00:00Z'),
  fitEnd: D('2025-07-01T00:00:00Z'),
  reportEnd: D('2025-11-14T00:00:00Z'),
  embargoMs: 24 * 3_600_000,
  stride: 3,
});

export interface LiqAblationOptions {
  readonly dataDir: string;
  readonly label: LabelSpec;
  readonly names: readonly string[]; // arm A: the model's features
  readonly params: Omit<GbdtParams, 'seed'>;
  readonly structure: StructureSpec;
  readonly replicates: number;
  readonly seed: number;
  readonly log: (m: string) => void;
}

interface Pair {
  readonly metric: string;
  readonly a: number;
  readonly b: number;
  readonly diff: number;
  readonly ci: { lo: number; hi: number };
}
export interface LiqAblationReport {
  readonly fitRows: number;
  readonly foldRows: { train: number; valid: number };
  readonly fold: Record<Side, { prAucA: number; prAucB: number }>;
  readonly kept: boolean;
  readonly groups: Record<string, Record<Side, { rows: number; positives: number; days: number; pairs: Pair[] }>>;
}

export async function runLiqPressureAblation(o: LiqAblationOptions): Promise<LiqAblationReport> {
  const A = LIQ_ABLATION;
  const venue = A.coins.map((c) => `${c}USDT`);
  const funding = await readFundingFile(fundingPath(o.dataDir), venue);
  const parts: Dataset[] = [];
  for (const c of A.coins) {
    const read = async (f: string): Promise<ReturnType<typeof parseLiqCsv>> => {
      const p = join(o.dataDir, 'coinglass_multi_liq_oi', f);
      return parseLiqCsv(await readTextFile(p), p);
    };
    const days = dailyLiquidations(
      await read(`binance_liquidations_1d_${c}.csv.gz`),
      await read(`binance_liquidations_4h_${c}.csv.gz`),
    );
    const bars = (await readKlineFile(klinePath(o.dataDir, `${c}USDT`, KLINES_43), `${c}USDT`)).filter(
      (b) => b.openTime >= A.rowsFrom - 60 * 86_400_000 && b.ts <= A.reportEnd + 86_400_000,
    );
    const ds = buildSymbolDataset({ symbol: toUnifiedSymbol(`${c}USDT`), bars, side: funding }, o.label);
    parts.push(withColumns(ds, liqPressureColumns(ds.t, days)));
    o.log(`${c}: ${bars.length} bars, ${days.length} liquidation days`);
  }
  const ds = concatDatasets(parts);
  const held = toUnifiedSymbol(`${A.heldOut}USDT`);
  const namesB = [...o.names, ...LIQ_FEATURES];
  const fitIdx: number[] = [];
  const foldTrain: number[] = [];
  const foldValid: number[] = [];
  const report: Record<string, number[]> = {
    'all four, 2025-07-01 → 11-13': [],
    'XRP (held out), 2025-07-01 → 11-13': [],
  };
  const xrpWhole: number[] = [];
  let k = 0;
  for (let i = 0; i < ds.t.length; i++) {
    const t = ds.t[i] as number;
    const le = ds.labelEnd[i] as number;
    if (t < A.rowsFrom || !Number.isFinite(le)) continue;
    const isHeld = ds.symbol[i] === held;
    if (isHeld && t < A.reportEnd) xrpWhole.push(i);
    if (!isHeld && le + A.embargoMs <= A.fitEnd && k++ % A.stride === 0) {
      fitIdx.push(i);
      if (le + A.embargoMs <= A.foldStart) foldTrain.push(i);
      else if (t >= A.foldStart) foldValid.push(i);
    }
    if (t >= A.fitEnd && t < A.reportEnd) {
      (report['all four, 2025-07-01 → 11-13'] as number[]).push(i);
      if (isHeld) (report['XRP (held out), 2025-07-01 → 11-13'] as number[]).push(i);
    }
  }
  report['XRP (held out), whole span 2021-06 → 2025-11-13'] = xrpWhole;
  const fold: Fold = {
    name: '2025H1',
    start: A.foldStart,
    end: A.fitEnd,
    train: Uint32Array.from(foldTrain),
    valid: Uint32Array.from(foldValid),
  };
  o.log(`fit rows ${fitIdx.length} (fold: train ${foldTrain.length}, valid ${foldValid.length})`);
  const foldOut = {} as LiqAblationReport['fold'];
  const probs = {} as Record<Side, { a: Float64Array; b: Float64Array }>;
  for (const side of ['down', 'up'] as const) {
    const label = side === 'down' ? ds.down : ds.up;
    const yOf = (idx: ArrayLike<number>): Float64Array => Float64Array.from(idx, (i) => label[i] as number);
    const arm = (names: readonly string[]): { fold: number; p: Float64Array } => {
      const choice = chooseStructure(ds, [fold], names, side, o.label, o.structure);
      const st = toStructure(choice, names, side, o.label, ds.barMs, { touch: true, monotone: true });
      const params = { ...o.params, seed: o.seed };
      const fm = trainGbdt(selectMatrix(ds, fold.train, names), yOf(fold.train), params, st);
      const vm = stagedMargins(fm, selectMatrix(ds, fold.valid, names), [params.nTrees])[0] as Float64Array;
      const cal = fitPlatt(vm, yOf(fold.valid));
      const model = trainGbdt(selectMatrix(ds, fitIdx, names), yOf(fitIdx), params, st);
      const all = Uint32Array.from({ length: ds.t.length }, (_, i) => i);
      const m = stagedMargins(model, selectMatrix(ds, all, names), [params.nTrees])[0] as Float64Array;
      return { fold: averagePrecision(vm, yOf(fold.valid)), p: applyPlatt(cal, m) };
    };
    const a = arm(o.names);
    const b = arm(namesB);
    foldOut[side] = { prAucA: round(a.fold, 4), prAucB: round(b.fold, 4) };
    probs[side] = { a: a.p, b: b.p };
    o.log(`${side}: 2025H1 fold PR-AUC A ${a.fold.toFixed(4)}, B ${b.fold.toFixed(4)}`);
  }
  const groups: LiqAblationReport['groups'] = {};
  let seedK = 0;
  for (const [g, idx0] of Object.entries(report)) {
    groups[g] = {} as LiqAblationReport['groups'][string];
    for (const side of ['down', 'up'] as const) {
      const label = side === 'down' ? ds.down : ds.up;
      const idx = idx0.filter((i) => Number.isFinite(label[i] as number));
      const r = evaluateSide({
        y: Float64Array.from(idx, (i) => label[i] as number),
        t: Float64Array.from(idx, (i) => ds.t[i] as number),
        model: Float64Array.from(idx, (i) => probs[side].b[i] as number),
        baselines: { A: Float64Array.from(idx, (i) => probs[side].a[i] as number) },
        symbolWeeks: (idx.length * ds.barMs) / WEEK_MS,
        replicates: o.replicates,
        seed: o.seed + ++seedK,
      });
      const base = r.baselines.A as (typeof r.baselines)[string];
      const d = base.diff as NonNullable<typeof base.diff>;
      const days = new Set(idx.map((i) => Math.floor((ds.t[i] as number) / 86_400_000))).size;
      const ci = (c: { lo: number; hi: number }): { lo: number; hi: number } => ({
        lo: round(c.lo, 4),
        hi: round(c.hi, 4),
      });
      groups[g][side] = {
        rows: r.rows,
        positives: r.positives,
        days,
        pairs: [
          {
            metric: 'ROC-AUC',
            a: round(base.rocAuc, 4),
            b: round(r.model.rocAuc, 4),
            diff: round(d.rocAuc, 4),
            ci: ci(d.rocAucCi),
          },
          {
            metric: 'PR-AUC',
            a: round(base.prAuc, 4),
            b: round(r.model.prAuc, 4),
            diff: round(d.prAuc, 4),
            ci: ci(d.prAucCi),
          },
          {
            metric: 'Brier skill',
            a: round(base.brierSkill, 4),
            b: round(r.model.brierSkill, 4),
            diff: round(d.brierSkill, 4),
            ci: ci(d.brierSkillCi),
          },
        ],
      };
    }
  }
  return {
    fitRows: fitIdx.length,
    foldRows: { train: foldTrain.length, valid: foldValid.length },
    fold: foldOut,
    kept: foldOut.down.prAucB > foldOut.down.prAucA && foldOut.up.prAucB > foldOut.up.prAucA,
    groups,
  };
}

export function renderLiqAblation(r: LiqAblationReport, o: Pick<LiqAblationOptions, 'replicates' | 'seed'>): string {
  const L: string[] = [];
  L.push(
    `Fit rows ${r.fitRows} (BTC, ETH, SOL; every ${LIQ_ABLATION.stride}rd bar from 2021-06-01, label windows + 24 h ending by 2025-07-01). 2025H1 fold: ${r.foldRows.train} training rows, ${r.foldRows.valid} validation rows. ${o.replicates} day-block bootstrap replicates, seed ${o.seed}.`,
    '',
    '**Decision on the 2025H1 fold (PR-AUC, A → B)**: ' +
      (['down', 'up'] as const).map((s) => `p_${s} ${r.fold[s].prAucA} → ${r.fold[s].prAucB}`).join(', ') +
      `: **${r.kept ? 'kept' : 'not kept'}** (the rule: B above A on both sides).`,
    '',
    '| rows | side | rows (positives, UTC days) | metric | A (model features) | B (A + liquidation pressure) | B − A | 95 % CI of B − A |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | --- |',
  );
  for (const [g, s] of Object.entries(r.groups))
    for (const side of ['down', 'up'] as const) {
      const x = s[side];
      for (const p of x.pairs)
        L.push(
          `| ${g} | ${side} | ${x.rows} (${x.positives}, ${x.days}) | ${p.metric} | ${p.a} | ${p.b} | ${p.diff} | [${p.ci.lo}, ${p.ci.hi}] |`,
        );
    }
  return L.join('\n');
}
