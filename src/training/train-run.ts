/** `liqguard train` as a function: data -> dataset -> selection on walk-forward folds ->
 * calibrated final models -> ONNX -> evaluation through onnxruntime on the untouched rows -> card.
 * Split (universe.ts): fit and select only on the non-held-out symbols' rows whose label window
 * ends (plus the embargo) by fitEnd; report every symbol on [evalStart, evalEnd), by tier, and the
 * held-out group also over its whole span. Deterministic: no wall clock, seeded randomness, stable
 * iteration order; the same data, options and seed give byte-identical ONNX and card. */
import { createHash } from 'node:crypto';
import { toUnifiedSymbol, toVenueSymbol } from '../market/symbols.js';
import type { BarEvent, FundingEvent } from '../core/types.js';
import { type PlattCalibration, type TreeEnsemble } from '../scoring/tree-ensemble.js';
import { fitBaselines, type Side, type SideBaselines } from './baselines.js';
import { blankLongWindows, type BlankSpec } from './blanking.js';
import { applyPlatt, fitPlatt } from './calibration.js';
import { KLINES_43, fundingPath, klinePath, readFundingFile, readKlineFile } from './data-files.js';
import { buildSymbolDataset, concatDatasets, selectMatrix, type Dataset, type LabelSpec } from './dataset.js';
import { type SideReport } from './evaluation.js';
import { eventReports, round } from './events.js';
import { FIRST_WEEK_SYMBOLS, firstWeekReport } from './first-week.js';
import { trainGbdt } from './gbdt.js';
import { INPUT_NAME, exportOnnx } from './onnx-export.js';
import { makeFolds, selectModel, type Selection, type SelectionConfig } from './protocol.js';
import { renderCardMarkdown } from './card-markdown.js';
import { evaluateRows, servedScores } from './served-eval.js';
import { EVAL_END, EVAL_START, FIT_END, HELD_OUT, UNIVERSE, tierOf } from './universe.js';
import { buildCard, seriesFor, type SideFit } from './train-card.js';
import { chooseStructure, toStructure, type StructureChoice, type StructureSpec } from './structure.js';
import { compareVariants, type VariantComparison } from './variants.js';

export interface TrainOptions {
  readonly dataDir: string;
  readonly klineFolder: string;
  readonly seed: number;
  readonly label: LabelSpec;
  /** every symbol read (venue ids); those not held out are fitted */
  readonly symbols: readonly string[];
  readonly heldOut: readonly string[];
  readonly fitEnd: number;
  readonly evalStart: number;
  readonly evalEnd: number;
  /** fit on every k-th bar of each fitting symbol (neighbouring hours share most of a label window) */
  readonly fitStride: number;
  readonly blank?: BlankSpec;
  readonly fitStart?: number; // epoch ms; slices for quick runs and tests
  readonly dataEnd?: number;
  readonly selection: Omit<SelectionConfig, 'seed' | 'blank'>;
  readonly replicates: number;
  readonly maxMissingFraction: number;
  /** touch base + monotone constraints (structure.ts); absent = plain trees from the base rate */
  readonly structure?: StructureSpec;
  /** also fit the model without each structural piece and compare on the evaluation rows */
  readonly compareStructure?: boolean;
  /** an earlier model with the same feature list, scored on the same rows for the comparison */
  readonly previous?: { readonly id: string; readonly onnx: Uint8Array; readonly names: readonly string[] };
  readonly log: (m: string) => void;
}

const Y = (y: number, m = 1): number => Date.UTC(y, m - 1, 1);
export const DEFAULT_TRAIN: Omit<TrainOptions, 'dataDir' | 'log'> = {
  seed: 20250101,
  klineFolder: KLINES_43,
  label: { thresholdPct: 5, horizonHours: 4 },
  symbols: UNIVERSE,
  heldOut: HELD_OUT,
  fitEnd: FIT_END,
  evalStart: EVAL_START,
  evalEnd: EVAL_END,
  fitStride: 12,
  blank: { longFraction: 0.1, weekFraction: 0.05 },
  // sized for a shared 2-core machine (eight engineers): one setting, the tree count selected on
  // the last half-year before the cut, every 12th bar fitted
  selection: {
    folds: [{ name: '2025H1', start: Y(2025), end: Y(2025, 7) }],
    embargoMs: 24 * 3_600_000,
    grid: [
      { maxDepth: 5, learningRate: 0.05, minChildWeight: 50, lambda: 5, subsample: 0.7, maxBins: 64, minSplitGain: 0 },
    ],
    checkpoints: [100, 200],
  },
  replicates: 100,
  maxMissingFraction: 0.5,
  // fixed before looking at 2025-07 → 2025-12 (docs/model/README.md, "v3 choices")
  structure: {
    touchCandidates: ['gk_24', 'parkinson_24', 'rv_24'],
    monotoneUp: ['rv_24', 'rv_168', 'parkinson_24', 'gk_24', 'rv_pctl_720'],
  },
  compareStructure: true,
};

export interface TrainResult {
  readonly id: string;
  readonly onnx: Uint8Array;
  readonly card: import('../scoring/model-card.js').ModelCard;
  readonly markdown: string;
}

export interface Split {
  readonly fitIdx: number[];
  readonly evalBySymbol: Map<string, number[]>;
  readonly heldOutAll: number[];
}

/** Which rows fit and which are evaluated: the data rule in one place (tested). */
export function splitRows(
  ds: Dataset,
  o: Pick<TrainOptions, 'heldOut' | 'fitEnd' | 'evalStart' | 'evalEnd' | 'fitStride' | 'fitStart' | 'selection'>,
): Split {
  const held = new Set(o.heldOut.map((s) => toUnifiedSymbol(s)));
  const emb = o.selection.embargoMs;
  const fitIdx: number[] = [];
  const evalBySymbol = new Map<string, number[]>();
  const heldOutAll: number[] = [];
  let k = 0;
  let prev = '';
  for (let i = 0; i < ds.t.length; i++) {
    const sym = ds.symbol[i] as string;
    if (sym !== prev) {
      k = 0;
      prev = sym;
    }
    const le = ds.labelEnd[i] as number;
    const ti = ds.t[i] as number;
    const stride = k++ % o.fitStride === 0;
    if (!Number.isFinite(le)) continue;
    if (held.has(sym)) heldOutAll.push(i);
    else if (le + emb <= o.fitEnd && (o.fitStart === undefined || ti >= o.fitStart) && stride) fitIdx.push(i);
    if (ti >= o.evalStart && ti < o.evalEnd && (held.has(sym) || ti >= o.fitEnd)) {
      const a = evalBySymbol.get(sym) ?? [];
      a.push(i);
      evalBySymbol.set(sym, a);
    }
  }
  return { fitIdx, evalBySymbol, heldOutAll };
}

/** The 43-market dataset and the model's feature list (features with <= 50 % missing and not
 * constant on the fitting rows). Shared by training and the market-wide ablation. */
export async function loadUniverse(o: TrainOptions): Promise<{
  ds: Dataset;
  funding: FundingEvent[];
  weekBars: Map<string, readonly BarEvent[]>;
  split: Split;
  names: string[];
}> {
  const { log } = o;
  log(`reading funding and klines for ${o.symbols.length} symbols (held out: ${o.heldOut.join(', ')})`);
  const funding: FundingEvent[] = await readFundingFile(fundingPath(o.dataDir), o.symbols);
  const parts: Dataset[] = [];
  const weekBars = new Map<string, readonly BarEvent[]>();
  for (const s of o.symbols) {
    const bars = (await readKlineFile(klinePath(o.dataDir, s, o.klineFolder), s)).filter(
      (b) =>
        (o.fitStart === undefined || b.openTime >= o.fitStart - 60 * 86_400_000) &&
        (o.dataEnd === undefined || b.ts <= o.dataEnd),
    );
    if (bars.length === 0) continue;
    if ((FIRST_WEEK_SYMBOLS as readonly string[]).includes(s)) weekBars.set(s, bars);
    parts.push(buildSymbolDataset({ symbol: toUnifiedSymbol(s), bars, side: funding }, o.label));
    log(`  ${s}: ${bars.length} bars, features from the market FeatureEngine`);
  }
  const ds = concatDatasets(parts);
  const split = splitRows(ds, o);
  const { fitIdx } = split;
  const names = ds.names.filter((n) => {
    const j = ds.names.indexOf(n);
    let nan = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of fitIdx) {
      const v = ds.data[i * ds.cols + j] as number;
      if (Number.isNaN(v)) nan++;
      else {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return nan <= 0.5 * fitIdx.length && hi > lo;
  });
  log(
    `fitting rows: ${fitIdx.length} (every ${o.fitStride}. bar); model features (${names.length}): ${names.join(', ')}`,
  );
  return { ds, funding, weekBars, split, names };
}

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const { log } = o;
  const { ds, funding, weekBars, split, names } = await loadUniverse(o);
  const { fitIdx, evalBySymbol, heldOutAll } = split;
  const cfg: SelectionConfig = { ...o.selection, seed: o.seed, ...(o.blank ? { blank: o.blank } : {}) };
  const folds = makeFolds(ds, fitIdx, cfg);
  const X0 = selectMatrix(ds, fitIdx, names);
  const Xfit = o.blank ? { ...X0, data: blankLongWindows(X0.data, names, o.blank, o.seed + 7) } : X0;
  const sides = {} as Record<Side, SideFit>;
  const choice = {} as Record<Side, StructureChoice>;
  const fitSide = (side: Side, use: { touch: boolean; monotone: boolean }): Omit<SideFit, 'base' | 'structure'> => {
    const label = side === 'down' ? ds.down : ds.up;
    const structure = toStructure(choice[side], names, side, o.label, ds.barMs, use);
    const sel: Selection = selectModel(ds, folds, names, side, cfg, log, structure);
    const cal: PlattCalibration = fitPlatt(
      sel.oofMargins,
      Float64Array.from(sel.oofIdx, (i) => label[i] as number),
    );
    const y = Float64Array.from(fitIdx, (i) => label[i] as number);
    log(
      `${side} (touch base ${use.touch ? 'on' : 'off'}, monotone ${use.monotone ? 'on' : 'off'}): ` +
        `selected depth ${sel.params.maxDepth}, min child ${sel.params.minChildWeight}, ` +
        `${sel.params.nTrees} trees; final fit on ${fitIdx.length} rows`,
    );
    const model: TreeEnsemble = trainGbdt(Xfit, y, sel.params, structure);
    return { sel, model, cal, y };
  };
  const full = { touch: o.structure !== undefined, monotone: o.structure !== undefined };
  for (const side of ['down', 'up'] as const) {
    choice[side] = o.structure
      ? chooseStructure(ds, folds, names, side, o.label, o.structure)
      : { touchFeature: null, touchValidLogLoss: {}, monotoneUp: [] };
    if (o.structure)
      log(
        `${side}: touch base sigma = ${choice[side].touchFeature} (fold log-loss ${JSON.stringify(choice[side].touchValidLogLoss)}); monotone: ${choice[side].monotoneUp.join(', ')}`,
      );
    const fit = fitSide(side, full);
    sides[side] = { ...fit, base: fitBaselines(ds, fitIdx, fit.y, side, names), structure: choice[side] };
  }
  const docString =
    `liqguard liquidation-regime model: P(adverse move >= ${o.label.thresholdPct}% within ` +
    `${o.label.horizonHours} h), p_down for longs, p_up for shorts`;
  const onnx = exportOnnx(
    {
      down: { model: sides.down.model, calibration: sides.down.cal },
      up: { model: sides.up.model, calibration: sides.up.cal },
    },
    names.length,
    docString,
  );
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const id = `lq-x${o.label.thresholdPct}-h${o.label.horizonHours}-${sha256.slice(0, 8)}`;
  const served = { onnx, names, inputName: INPUT_NAME, maxMissingFraction: o.maxMissingFraction };
  log('scoring every row through onnxruntime (the served path)');
  const all = Uint32Array.from({ length: ds.t.length }, (_, i) => i);
  const scores = await servedScores(served, ds, all);
  // regime thresholds: quantiles of the calibrated out-of-fold probability max(p_down, p_up)
  const oofP = applyPlatt(sides.down.cal, sides.down.sel.oofMargins).map((p, k) =>
    Math.max(p, applyPlatt(sides.up.cal, [sides.up.sel.oofMargins[k] as number])[0] as number),
  );
  const sortedOof = oofP.slice().sort();
  const q = (p: number): number =>
    round(sortedOof[Math.min(sortedOof.length - 1, Math.floor(p * sortedOof.length))] as number, 4);
  const th = {
    stressed: q(0.8),
    fragile: Math.max(q(0.95), q(0.8) + 1e-4),
    critical: Math.max(q(0.99), q(0.95) + 2e-4),
  };
  const hysteresis = { margin: round(th.stressed * 0.25, 4), deescalateAfterBars: 2 };
  log(
    `evaluating ${evalBySymbol.size} symbols on ${new Date(o.evalStart).toISOString().slice(0, 10)} → ` +
      `${new Date(o.evalEnd).toISOString().slice(0, 10)} with ${o.replicates} day-block bootstrap replicates`,
  );
  let seedK = 0;
  const evalSides = (idx: number[]): Record<Side, SideReport | null> => ({
    down: evaluateRows(ds, idx, 'down', scores.pDown, sides.down.base, names, o.replicates, o.seed + ++seedK),
    up: evaluateRows(ds, idx, 'up', scores.pUp, sides.up.base, names, o.replicates, o.seed + ++seedK),
  });
  const perSymbol: Record<string, Record<Side, SideReport | null>> = {};
  const groups: Record<string, number[]> = { all: [], major: [], mid: [], small: [], heldOut: [] };
  const held = new Set(o.heldOut.map((s) => toUnifiedSymbol(s)));
  for (const [sym, idx] of [...evalBySymbol.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    perSymbol[sym] = evalSides(idx);
    for (const g of ['all', tierOf(toVenueSymbol(sym)), ...(held.has(sym) ? ['heldOut'] : [])])
      (groups[g] as number[]).push(...idx);
    log(`  ${sym}: ${idx.length} rows`);
  }
  log('pooled groups: all, majors, mid caps, small caps, held-out (window and whole span)');
  const pooled: Record<string, Record<Side, SideReport | null>> = {};
  for (const [g, idx] of Object.entries(groups)) if (idx.length) pooled[g] = evalSides(idx);
  if (heldOutAll.length) pooled.heldOutWholeSpan = evalSides(heldOutAll);
  let structureComparison: VariantComparison | null = null;
  if (o.compareStructure && o.structure) {
    log('structure comparison: refitting without the touch base, without the monotone constraints, without both');
    const variants: { name: string; onnx: Uint8Array; names: readonly string[] }[] = [
      { name: 'no touch base', use: { touch: false, monotone: true } },
      { name: 'no monotone', use: { touch: true, monotone: false } },
      { name: 'neither (v2 trees)', use: { touch: false, monotone: false } },
    ].map((v) => {
      const d = fitSide('down', v.use);
      const u = fitSide('up', v.use);
      return {
        name: v.name,
        onnx: exportOnnx(
          { down: { model: d.model, calibration: d.cal }, up: { model: u.model, calibration: u.cal } },
          names.length,
          docString,
        ),
        names,
      };
    });
    if (o.previous) variants.push({ name: `previous default ${o.previous.id}`, ...o.previous });
    structureComparison = await compareVariants({
      ds,
      groups: { all: groups.all ?? [], heldOut: groups.heldOut ?? [] },
      final: scores,
      variants,
      maxMissingFraction: o.maxMissingFraction,
      replicates: o.replicates,
      seed: o.seed + 900,
    });
  }
  const series = seriesFor(ds, scores, th, hysteresis, held, o.fitEnd);
  const events = eventReports(series);
  log('first week after a start: features from 7 days of bars vs full history (2025-10-10)');
  const firstWeek = await firstWeekReport(served, ds, weekBars, funding, o.label);
  const card = buildCard({
    o,
    id,
    sha256,
    names,
    ds,
    fitIdx,
    folds,
    sides,
    th,
    hysteresis,
    perSymbol,
    pooled,
    events,
    firstWeek,
    structureComparison,
  });
  return { id, onnx, card, markdown: renderCardMarkdown(card) };
}
