/** The JSON model card of a training run, and the per-symbol series behind the event report. */
import type { Regime } from '../core/types.js';
import type { ModelCard } from '../scoring/model-card.js';
import { nextRegime, type RegimeState } from '../scoring/regime.js';
import type { PlattCalibration, TreeEnsemble } from '../scoring/tree-ensemble.js';
import { toVenueSymbol } from '../market/symbols.js';
import { logisticToJson, type Side, type SideBaselines } from './baselines.js';
import type { Dataset } from './dataset.js';
import { ACCEPTANCE, type SideReport } from './evaluation.js';
import { round, type SymbolSeries, type eventReports } from './events.js';
import type { FirstWeekRow } from './first-week.js';
import type { Fold } from './folds.js';
import { adverseMoveLabels } from './labels.js';
import { INPUT_NAME } from './onnx-export.js';
import type { Selection } from './protocol.js';
import type { TrainOptions } from './train-run.js';
import { TIERS } from './universe.js';
import { barrierLog, type StructureChoice } from './structure.js';
import type { VariantComparison } from './variants.js';

export interface SideFit {
  sel: Selection;
  model: TreeEnsemble;
  cal: PlattCalibration;
  base: SideBaselines;
  y: Float64Array;
  structure: StructureChoice;
}

const iso = (t: number): string => new Date(t).toISOString();

/** Series of the majors only (the event table stays readable); scores from the served path. */
export function seriesFor(
  ds: Dataset,
  scores: { pDown: Float64Array; pUp: Float64Array },
  th: ModelCard['regime']['thresholds'],
  h: ModelCard['regime']['hysteresis'],
  heldOut: Set<string>,
  fitEnd: number,
): SymbolSeries[] {
  const bySym = new Map<string, number[]>();
  ds.symbol.forEach((s, i) => {
    if (!TIERS.major.includes(toVenueSymbol(s))) return;
    const a = bySym.get(s) ?? [];
    a.push(i);
    bySym.set(s, a);
  });
  return [...bySym.entries()].map(([symbol, idx]) => {
    const pDown = Float64Array.from(idx, (i) => scores.pDown[i] as number);
    const pUp = Float64Array.from(idx, (i) => scores.pUp[i] as number);
    let st: RegimeState | undefined;
    const regime: Regime[] = Array.from(pDown, (p, k) => {
      const q = Math.max(p, pUp[k] as number);
      if (!Number.isFinite(q)) return 'unknown' as Regime;
      return (st = nextRegime(st, q, th, h)).regime;
    });
    return {
      symbol,
      barMs: ds.barMs,
      t: Float64Array.from(idx, (i) => ds.t[i] as number),
      close: Float64Array.from(idx, (i) => ds.close[i] as number),
      pDown: pDown.map((v) => (Number.isFinite(v) ? v : 0)),
      pUp: pUp.map((v) => (Number.isFinite(v) ? v : 0)),
      regime,
      down: Float64Array.from(idx, (i) => ds.down[i] as number),
      up: Float64Array.from(idx, (i) => ds.up[i] as number),
      inSample: (t: number) => !heldOut.has(symbol) && t < fitEnd,
    };
  });
}

/** Share of labelled fitting rows that are positive for several (threshold, horizon) pairs. */
function labelBaseRates(
  ds: Dataset,
  fitSymbols: ReadonlySet<string>,
  fitEnd: number,
): Record<string, { down: number; up: number }> {
  const out: Record<string, { down: number; up: number }> = {};
  const bySym = new Map<string, number[]>();
  for (let i = 0; i < ds.t.length; i++) {
    if (!fitSymbols.has(ds.symbol[i] as string) || (ds.t[i] as number) >= fitEnd) continue;
    const a = bySym.get(ds.symbol[i] as string) ?? [];
    a.push(i);
    bySym.set(ds.symbol[i] as string, a);
  }
  for (const x of [2, 3, 5, 10])
    for (const hh of [1, 4, 8, 24]) {
      let n = 0;
      let d = 0;
      let u = 0;
      for (const idx of bySym.values()) {
        const col = (a: Float64Array): Float64Array => Float64Array.from(idx, (i) => a[i] as number);
        const l = adverseMoveLabels(
          {
            openTime: Float64Array.from(idx, (i) => (ds.t[i] as number) - ds.barMs),
            intervalMs: ds.barMs,
            high: col(ds.high),
            low: col(ds.low),
            close: col(ds.close),
          },
          hh,
          x / 100,
        );
        for (let k = 0; k < idx.length; k++)
          if (Number.isFinite(l.down[k] as number)) {
            n++;
            d += l.down[k] as number;
            u += l.up[k] as number;
          }
      }
      out[`x${x}_h${hh}`] = { down: round(d / Math.max(1, n), 4), up: round(u / Math.max(1, n), 4) };
    }
  return out;
}

export interface CardInput {
  o: TrainOptions;
  id: string;
  sha256: string;
  names: readonly string[];
  ds: Dataset;
  fitIdx: number[];
  folds: readonly Fold[];
  sides: Record<Side, SideFit>;
  th: ModelCard['regime']['thresholds'];
  hysteresis: ModelCard['regime']['hysteresis'];
  perSymbol: Record<string, Record<Side, SideReport | null>>;
  pooled: Record<string, Record<Side, SideReport | null>>;
  events: ReturnType<typeof eventReports>;
  firstWeek: readonly FirstWeekRow[];
  structureComparison: VariantComparison | null;
}

export function buildCard(c: CardInput): ModelCard {
  const { o, ds, fitIdx } = c;
  const fitT = fitIdx.map((i) => ds.t[i] as number);
  const hBars = Math.round((o.label.horizonHours * 3_600_000) / ds.barMs);
  const side = (s: Side): Record<string, unknown> => ({
    trainingBaseRate: round(c.sides[s].base.baseRate, 6),
    selected: c.sides[s].sel.params,
    folds: c.sides[s].sel.folds,
    grid: c.sides[s].sel.grid,
    trees: c.sides[s].model.trees.length,
    bias: c.sides[s].model.bias,
    structure: {
      touchBase: c.sides[s].model.base
        ? {
            sigmaFeature: c.sides[s].structure.touchFeature,
            ...c.sides[s].model.base,
            barrierLog: round(barrierLog(s, o.label.thresholdPct), 6),
            horizonBars: hBars,
            foldValidLogLoss: Object.fromEntries(
              Object.entries(c.sides[s].structure.touchValidLogLoss).map(([k, v]) => [k, round(v, 6)]),
            ),
          }
        : null,
      monotoneUp: c.sides[s].structure.monotoneUp,
    },
    baselineModels: { signals: c.sides[s].base.signals, logistic: logisticToJson(c.sides[s].base.logistic) },
  });
  const minT = fitT.reduce((m, v) => Math.min(m, v), Infinity);
  const maxT = fitT.reduce((m, v) => Math.max(m, v), -Infinity);
  return {
    schemaVersion: 1,
    id: c.id,
    onnx: {
      file: `${c.id}.onnx`,
      sha256: c.sha256,
      inputName: INPUT_NAME,
      outputs: ['p_down', 'p_up'],
      irVersion: 8,
      opsets: { '': 13, 'ai.onnx.ml': 3 },
    },
    features: {
      names: c.names,
      barMs: ds.barMs,
      source: 'src/market FeatureEngine (defaultFeatureConfig for the bar length), sampled at each bar close',
    },
    label: {
      kind: 'adverse-move',
      thresholdPct: o.label.thresholdPct,
      horizonHours: o.label.horizonHours,
      horizonBars: hBars,
      description:
        `p_down: P(min low of the next ${hBars} bars <= close * (1 - ` +
        `${o.label.thresholdPct / 100})), the move that liquidates a long opened at the close with ` +
        `~${Math.round(100 / o.label.thresholdPct)}x leverage (less after maintenance margin); ` +
        `p_up: the mirror for shorts (max high >= close * (1 + ${o.label.thresholdPct / 100})).`,
    },
    calibration: {
      down: { method: 'platt', a: c.sides.down.cal.a, b: c.sides.down.cal.b },
      up: { method: 'platt', a: c.sides.up.cal.a, b: c.sides.up.cal.b },
    },
    regime: {
      thresholds: c.th,
      hysteresis: c.hysteresis,
      probability: 'max(p_down, p_up)',
      basis:
        'stressed/fragile/critical = 80th/95th/99th percentile of the calibrated out-of-fold probability on the fitting folds; escalate at once, de-escalate after deescalateAfterBars consecutive updates below threshold - margin',
    },
    serving: { maxMissingFraction: o.maxMissingFraction, topContributions: 5 },
    training: {
      createdFrom:
        `data up to ${iso(ds.t.reduce((m, v) => Math.max(m, v), -Infinity))} (no wall clock: the ` +
        `card is a pure function of data, options and seed)`,
      seed: o.seed,
      klines: o.klineFolder,
      heldOutSymbols: [...o.heldOut],
      fitSymbols: [...new Set(fitIdx.map((i) => ds.symbol[i]))],
      fitSpan: { from: iso(minT), to: iso(maxT) },
      fitRows: fitIdx.length,
      fitStride: o.fitStride,
      fitEnd: iso(o.fitEnd),
      testStart: iso(o.fitEnd),
      embargoHours: o.selection.embargoMs / 3_600_000,
      blanking: o.blank ?? null,
      folds: c.folds.map((f) => ({
        name: f.name,
        start: iso(f.start),
        end: iso(f.end),
        train: f.train.length,
        valid: f.valid.length,
      })),
      labelBaseRates: labelBaseRates(ds, new Set(fitIdx.map((i) => ds.symbol[i] as string)), o.fitEnd),
      down: side('down'),
      up: side('up'),
    },
    evaluation: {
      protocol:
        `every symbol on ${iso(o.evalStart)} → ${iso(o.evalEnd)} (after every fitted label window), ` +
        `pooled, by tier (majors / mid caps / small caps) and for the held-out symbols (never fitted) ` +
        `also over their whole span; scores through onnxruntime (the served path), rows the gateway ` +
        `would answer unknown are left out; nothing here was used for fitting, selection, calibration ` +
        `or thresholds`,
      tiers: TIERS,
      heldOut: [...o.heldOut],
      bootstrap: { replicates: o.replicates, block: 'UTC day', interval: '95% percentile' },
      brierSkillReference: "the evaluated rows' own base rate",
      acceptance: {
        ...ACCEPTANCE,
        against:
          'the best single-signal baseline on each metric (bar range, drawdown/rally, realized volatility, rv percentile, volume z, last return, funding z)',
      },
      pooled: c.pooled,
      perSymbol: c.perSymbol,
      firstWeek: c.firstWeek,
      structureComparison: c.structureComparison,
      events: c.events,
    },
  };
}
