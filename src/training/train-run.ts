/** `liqguard train` as a function: data -> dataset -> selection on walk-forward folds ->
 * calibrated final models -> ONNX -> evaluation on the untouched test rows -> model card.
 * Deterministic: no wall clock, seeded randomness, stable iteration order; the same data, options
 * and seed give byte-identical ONNX and card. */
import { createHash } from 'node:crypto';
import { toUnifiedSymbol } from '../market/symbols.js';
import type { FundingEvent, Regime } from '../core/types.js';
import type { ModelCard } from '../scoring/model-card.js';
import { decodeOnnx } from '../scoring/onnx-decode.js';
import { nextRegime, type RegimeState } from '../scoring/regime.js';
import { calibratedProbability, type PlattCalibration, type TreeEnsemble } from '../scoring/tree-ensemble.js';
import { baselineProbabilities, fitBaselines, logisticToJson, type Side, type SideBaselines } from './baselines.js';
import { applyPlatt, fitPlatt } from './calibration.js';
import { FIT_SYMBOLS, TEST_ONLY_SYMBOLS, TEST_START, fundingPath, klinePath, readFundingFile, readKlineFile } from './data-files.js';
import { buildSymbolDataset, concatDatasets, selectMatrix, type Dataset, type LabelSpec } from './dataset.js';
import { evaluateSide, WEEK_MS, type SideReport } from './evaluation.js';
import { eventReports, round, type SymbolSeries } from './events.js';
import { trainGbdt } from './gbdt.js';
import { adverseMoveLabels } from './labels.js';
import { INPUT_NAME, exportOnnx } from './onnx-export.js';
import { makeFolds, selectModel, type Selection, type SelectionConfig } from './protocol.js';
import { renderCardMarkdown } from './card-markdown.js';

export interface TrainOptions {
  readonly dataDir: string;
  readonly seed: number;
  readonly label: LabelSpec;
  readonly fitSymbols: readonly string[];
  readonly testSymbols: readonly string[];
  readonly fitStart?: number; // epoch ms; slices for quick runs and tests
  readonly dataEnd?: number;
  readonly selection: Omit<SelectionConfig, 'seed'>;
  readonly replicates: number;
  readonly maxMissingFraction: number;
  readonly log: (m: string) => void;
}

const Y = (y: number, m = 1): number => Date.UTC(y, m - 1, 1);
export const DEFAULT_TRAIN: Omit<TrainOptions, 'dataDir' | 'log'> = {
  seed: 20250101,
  label: { thresholdPct: 5, horizonHours: 4 },
  fitSymbols: FIT_SYMBOLS,
  testSymbols: TEST_ONLY_SYMBOLS,
  selection: {
    folds: [{ name: '2022', start: Y(2022), end: Y(2023) }, { name: '2023', start: Y(2023), end: Y(2024) }, { name: '2024', start: Y(2024), end: Y(2025) }],
    embargoMs: 24 * 3_600_000,
    grid: [
      { maxDepth: 3, learningRate: 0.05, minChildWeight: 50, lambda: 1, subsample: 0.7, maxBins: 64, minSplitGain: 0 },
      { maxDepth: 5, learningRate: 0.05, minChildWeight: 50, lambda: 1, subsample: 0.7, maxBins: 64, minSplitGain: 0 },
      { maxDepth: 4, learningRate: 0.05, minChildWeight: 200, lambda: 5, subsample: 0.7, maxBins: 64, minSplitGain: 0 },
    ],
    checkpoints: [100, 200, 300],
  },
  replicates: 200,
  maxMissingFraction: 0.5,
};

export interface TrainResult { readonly id: string; readonly onnx: Uint8Array; readonly card: ModelCard; readonly markdown: string }

const iso = (t: number): string => new Date(t).toISOString();

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const { log } = o;
  const all = [...o.fitSymbols, ...o.testSymbols];
  log(`reading funding and klines for ${all.join(', ')}`);
  const funding: FundingEvent[] = await readFundingFile(fundingPath(o.dataDir), all);
  const parts: Dataset[] = [];
  for (const s of all) {
    const bars = (await readKlineFile(klinePath(o.dataDir, s), s)).filter((b) => (o.fitStart === undefined || b.openTime >= o.fitStart - 60 * 86_400_000) && (o.dataEnd === undefined || b.ts <= o.dataEnd));
    if (bars.length === 0) continue;
    parts.push(buildSymbolDataset({ symbol: toUnifiedSymbol(s), bars, side: funding }, o.label));
    log(`  ${s}: ${bars.length} bars, features from the market FeatureEngine`);
  }
  const ds = concatDatasets(parts);
  const fitSet = new Set(o.fitSymbols.map((s) => toUnifiedSymbol(s)));
  const emb = o.selection.embargoMs;
  const fitIdx: number[] = [];
  const testIdx = new Map<string, number[]>();
  for (let i = 0; i < ds.t.length; i++) {
    const le = ds.labelEnd[i] as number;
    if (!Number.isFinite(le)) continue;
    const sym = ds.symbol[i] as string;
    const ti = ds.t[i] as number;
    if (fitSet.has(sym) && le + emb <= TEST_START && (o.fitStart === undefined || ti >= o.fitStart)) fitIdx.push(i);
    else if (!fitSet.has(sym) || ti >= TEST_START) { const a = testIdx.get(sym) ?? []; a.push(i); testIdx.set(sym, a); }
  }
  const names = ds.names.filter((n) => {
    const j = ds.names.indexOf(n);
    let nan = 0; let lo = Infinity; let hi = -Infinity;
    for (const i of fitIdx) { const v = ds.data[i * ds.cols + j] as number; if (Number.isNaN(v)) nan++; else { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
    return nan <= 0.5 * fitIdx.length && hi > lo;
  });
  log(`fitting rows: ${fitIdx.length}; model features (${names.length}): ${names.join(', ')}`);
  const cfg: SelectionConfig = { ...o.selection, seed: o.seed };
  const folds = makeFolds(ds, fitIdx, cfg);
  const Xfit = selectMatrix(ds, fitIdx, names);
  const sides: Record<Side, { sel: Selection; model: TreeEnsemble; cal: PlattCalibration; base: SideBaselines; y: Float64Array }> = {} as never;
  for (const side of ['down', 'up'] as const) {
    const label = side === 'down' ? ds.down : ds.up;
    const sel = selectModel(ds, folds, names, side, cfg, log);
    const cal = fitPlatt(sel.oofMargins, Float64Array.from(sel.oofIdx, (i) => label[i] as number));
    const y = Float64Array.from(fitIdx, (i) => label[i] as number);
    log(`${side}: selected depth ${sel.params.maxDepth}, min child ${sel.params.minChildWeight}, ${sel.params.nTrees} trees; final fit on ${fitIdx.length} rows`);
    const model = trainGbdt(Xfit, y, sel.params);
    sides[side] = { sel, model, cal, base: fitBaselines(ds, fitIdx, y, side, names), y };
  }
  const docString = `liqguard liquidation-regime model: P(adverse move >= ${o.label.thresholdPct}% within ${o.label.horizonHours} h), p_down for longs, p_up for shorts`;
  const onnx = exportOnnx({ down: { model: sides.down.model, calibration: sides.down.cal }, up: { model: sides.up.model, calibration: sides.up.cal } }, names.length, docString);
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const id = `lq-x${o.label.thresholdPct}-h${o.label.horizonHours}-${sha256.slice(0, 8)}`;
  const dec = decodeOnnx(onnx); // score with what the file holds
  const probs = (side: Side, idx: ArrayLike<number>): Float64Array => {
    const X = selectMatrix(ds, idx, names);
    const s = dec.sides[side];
    return Float64Array.from({ length: X.rows }, (_, k) => calibratedProbability(s.model, s.calibration, X.data.subarray(k * X.cols, (k + 1) * X.cols)));
  };
  // regime thresholds: quantiles of the calibrated out-of-fold probability max(p_down, p_up)
  const oofP = applyPlatt(sides.down.cal, sides.down.sel.oofMargins).map((p, k) => Math.max(p, applyPlatt(sides.up.cal, [sides.up.sel.oofMargins[k] as number])[0] as number));
  const sortedOof = oofP.slice().sort();
  const q = (p: number): number => round(sortedOof[Math.min(sortedOof.length - 1, Math.floor(p * sortedOof.length))] as number, 4);
  const th = { stressed: q(0.8), fragile: Math.max(q(0.95), q(0.8) + 1e-4), critical: Math.max(q(0.99), q(0.95) + 2e-4) };
  const hysteresis = { margin: round(th.stressed * 0.25, 4), deescalateAfterBars: 2 };
  log(`evaluating on untouched test rows (${[...testIdx.keys()].join(', ')}) with ${o.replicates} day-block bootstrap replicates`);
  const evaluation: Record<string, Record<Side, SideReport>> = {};
  const pooled: Record<Side, number[]> = { down: [], up: [] };
  const evalRows = (idx: number[], side: Side, seed: number): SideReport => {
    const label = side === 'down' ? ds.down : ds.up;
    const weeks = new Set(idx.map((i) => ds.symbol[i])).size === 1 ? (idx.length * ds.barMs) / WEEK_MS : symbolWeeks(ds, idx);
    return evaluateSide({
      y: Float64Array.from(idx, (i) => label[i] as number), t: Float64Array.from(idx, (i) => ds.t[i] as number), model: probs(side, idx),
      baselines: baselineProbabilities(ds, idx, sides[side].base, names), trainBaseRate: sides[side].base.baseRate,
      symbolWeeks: weeks, replicates: o.replicates, seed,
    });
  };
  let k = 0;
  for (const [sym, idx] of [...testIdx.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    evaluation[sym] = { down: evalRows(idx, 'down', o.seed + ++k), up: evalRows(idx, 'up', o.seed + ++k) };
    pooled.down.push(...idx); pooled.up.push(...idx);
    log(`  ${sym}: ${idx.length} rows`);
  }
  const pooledReport = pooled.down.length ? { down: evalRows(pooled.down, 'down', o.seed + 1000), up: evalRows(pooled.up, 'up', o.seed + 1001) } : undefined;
  const series = seriesFor(ds, names, probs, th, hysteresis, fitSet);
  const events = eventReports(series);
  const card = buildCard({ o, id, sha256, names, ds, fitIdx, folds: folds.map((f) => ({ name: f.name, start: iso(f.start), end: iso(f.end), train: f.train.length, valid: f.valid.length })), sides, th, hysteresis, evaluation, pooledReport, events, testIdx });
  return { id, onnx, card, markdown: renderCardMarkdown(card) };
}

function symbolWeeks(ds: Dataset, idx: readonly number[]): number {
  const per = new Map<string, number>();
  for (const i of idx) per.set(ds.symbol[i] as string, (per.get(ds.symbol[i] as string) ?? 0) + 1);
  return [...per.values()].reduce((s, n) => s + (n * ds.barMs) / WEEK_MS, 0);
}

function seriesFor(ds: Dataset, names: readonly string[], probs: (s: Side, idx: ArrayLike<number>) => Float64Array, th: ModelCard['regime']['thresholds'], h: ModelCard['regime']['hysteresis'], fitSet: Set<string>): SymbolSeries[] {
  const bySym = new Map<string, number[]>();
  ds.symbol.forEach((s, i) => { const a = bySym.get(s) ?? []; a.push(i); bySym.set(s, a); });
  return [...bySym.entries()].map(([symbol, idx]) => {
    const pDown = probs('down', idx);
    const pUp = probs('up', idx);
    let st: RegimeState | undefined;
    const regime: Regime[] = Array.from(pDown, (p, k) => (st = nextRegime(st, Math.max(p, pUp[k] as number), th, h)).regime);
    return {
      symbol, barMs: ds.barMs, t: Float64Array.from(idx, (i) => ds.t[i] as number), close: Float64Array.from(idx, (i) => ds.close[i] as number),
      pDown, pUp, regime, down: Float64Array.from(idx, (i) => ds.down[i] as number), up: Float64Array.from(idx, (i) => ds.up[i] as number),
      inSample: (t: number) => fitSet.has(symbol) && t < TEST_START,
    };
  });
}

/** Share of labelled rows that are positive for several (threshold, horizon) pairs on the fitting
 * rows: the numbers behind the label choice documented in the card. */
function labelBaseRates(ds: Dataset, fitIdx: readonly number[]): Record<string, { down: number; up: number }> {
  const out: Record<string, { down: number; up: number }> = {};
  const bySym = new Map<string, number[]>();
  for (const i of fitIdx) { const a = bySym.get(ds.symbol[i] as string) ?? []; a.push(i); bySym.set(ds.symbol[i] as string, a); }
  for (const x of [2, 3, 5, 10]) for (const hh of [1, 4, 8, 24]) {
    let n = 0; let d = 0; let u = 0;
    for (const idx of bySym.values()) {
      const col = (a: Float64Array): Float64Array => Float64Array.from(idx, (i) => a[i] as number);
      const l = adverseMoveLabels({ openTime: Float64Array.from(idx, (i) => (ds.t[i] as number) - ds.barMs), intervalMs: ds.barMs, high: col(ds.high), low: col(ds.low), close: col(ds.close) }, hh, x / 100);
      for (let k = 0; k < idx.length; k++) if (Number.isFinite(l.down[k] as number)) { n++; d += l.down[k] as number; u += l.up[k] as number; }
    }
    out[`x${x}_h${hh}`] = { down: round(d / Math.max(1, n), 4), up: round(u / Math.max(1, n), 4) };
  }
  return out;
}

interface CardInput {
  o: TrainOptions; id: string; sha256: string; names: readonly string[]; ds: Dataset; fitIdx: number[];
  folds: { name: string; start: string; end: string; train: number; valid: number }[];
  sides: Record<Side, { sel: Selection; model: TreeEnsemble; cal: PlattCalibration; base: SideBaselines; y: Float64Array }>;
  th: ModelCard['regime']['thresholds']; hysteresis: ModelCard['regime']['hysteresis'];
  evaluation: Record<string, Record<Side, SideReport>>; pooledReport: Record<Side, SideReport> | undefined;
  events: ReturnType<typeof eventReports>; testIdx: Map<string, number[]>;
}

function buildCard(c: CardInput): ModelCard {
  const { o, ds, fitIdx } = c;
  const fitT = fitIdx.map((i) => ds.t[i] as number);
  const hBars = Math.round((o.label.horizonHours * 3_600_000) / ds.barMs);
  const side = (s: Side): Record<string, unknown> => ({
    trainingBaseRate: round(c.sides[s].base.baseRate, 6), selected: c.sides[s].sel.params, folds: c.sides[s].sel.folds, grid: c.sides[s].sel.grid,
    trees: c.sides[s].model.trees.length, bias: c.sides[s].model.bias,
    baselineModels: { signals: c.sides[s].base.signals, logistic: logisticToJson(c.sides[s].base.logistic) },
  });
  return {
    schemaVersion: 1,
    id: c.id,
    onnx: { file: `${c.id}.onnx`, sha256: c.sha256, inputName: INPUT_NAME, outputs: ['p_down', 'p_up'], irVersion: 8, opsets: { '': 13, 'ai.onnx.ml': 3 } },
    features: { names: c.names, barMs: ds.barMs, source: 'src/market FeatureEngine (defaultFeatureConfig for the bar length), sampled at each bar close' },
    label: {
      kind: 'adverse-move', thresholdPct: o.label.thresholdPct, horizonHours: o.label.horizonHours, horizonBars: hBars,
      description: `p_down: P(min low of the next ${hBars} bars <= close * (1 - ${o.label.thresholdPct / 100})), the move that liquidates a long opened at the close with ~${Math.round(100 / o.label.thresholdPct)}x leverage (less after maintenance margin); p_up: the mirror for shorts (max high >= close * (1 + ${o.label.thresholdPct / 100})).`,
    },
    calibration: { down: { method: 'platt', a: c.sides.down.cal.a, b: c.sides.down.cal.b }, up: { method: 'platt', a: c.sides.up.cal.a, b: c.sides.up.cal.b } },
    regime: {
      thresholds: c.th, hysteresis: c.hysteresis, probability: 'max(p_down, p_up)',
      basis: 'stressed/fragile/critical = 80th/95th/99th percentile of the calibrated out-of-fold probability on the fitting folds; escalate at once, de-escalate after deescalateAfterBars consecutive updates below threshold - margin',
    },
    serving: { maxMissingFraction: o.maxMissingFraction, topContributions: 5 },
    training: {
      createdFrom: `data up to ${iso(ds.t.reduce((m, v) => Math.max(m, v), -Infinity))} (no wall clock: the card is a pure function of data, options and seed)`,
      seed: o.seed, fitSymbols: [...new Set(fitIdx.map((i) => ds.symbol[i]))], fitSpan: { from: iso(fitT.reduce((m, v) => Math.min(m, v), Infinity)), to: iso(fitT.reduce((m, v) => Math.max(m, v), -Infinity)) }, fitRows: fitIdx.length,
      testStart: iso(TEST_START), embargoHours: o.selection.embargoMs / 3_600_000, folds: c.folds,
      labelBaseRates: labelBaseRates(ds, fitIdx),
      down: side('down'), up: side('up'),
    },
    evaluation: {
      protocol: 'final test: every row from 2025-01-01 of the fitted symbols, and every row of symbols never fitted; nothing here was used for fitting, selection, calibration or thresholds',
      bootstrap: { replicates: o.replicates, block: 'UTC day', interval: '95% percentile' },
      perSymbol: c.evaluation, pooled: c.pooledReport ?? null, events: c.events,
    },
  };
}
