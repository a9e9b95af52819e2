/** Dataset assembly: bars (+ funding) per symbol -> feature rows from the market FeatureEngine,
 * liquidation labels, and the raw scores of the single-signal baselines. Pure over its inputs;
 * file reading lives in data-files.ts. */
import type { BarEvent, MarketEvent } from '../core/types.js';
import { computeFeatureRows } from './features.js';
import { adverseMoveLabels } from './labels.js';

export interface LabelSpec {
  readonly thresholdPct: number;
  readonly horizonHours: number;
}

export interface SymbolData {
  readonly symbol: string;
  readonly bars: readonly BarEvent[];
  readonly side: readonly MarketEvent[];
}

export interface Dataset {
  readonly names: readonly string[];
  readonly cols: number;
  readonly data: Float64Array; // rows x cols, all engine features
  readonly symbol: readonly string[];
  readonly t: Float64Array; // decision time: the bar close
  readonly down: Float64Array;
  readonly up: Float64Array;
  readonly labelEnd: Float64Array;
  /** (high - low) / close of the bar: the bar-range baseline (not a model feature). */
  readonly barRange: Float64Array;
  readonly close: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly barMs: number;
}

export function buildSymbolDataset(sd: SymbolData, label: LabelSpec): Dataset {
  const bars = sd.bars;
  const barMs = bars[0]?.intervalMs ?? 3_600_000;
  const hBars = Math.round((label.horizonHours * 3_600_000) / barMs);
  if (hBars < 1) throw new RangeError(`horizon ${label.horizonHours} h is shorter than one ${barMs} ms bar`);
  const f = computeFeatureRows(sd.symbol, bars, sd.side);
  const l = adverseMoveLabels(
    {
      openTime: bars.map((b) => b.openTime),
      intervalMs: barMs,
      high: bars.map((b) => b.high),
      low: bars.map((b) => b.low),
      close: bars.map((b) => b.close),
    },
    hBars,
    label.thresholdPct / 100,
  );
  return {
    names: f.names,
    cols: f.names.length,
    data: f.data,
    symbol: bars.map(() => sd.symbol),
    t: Float64Array.from(bars, (b) => b.ts),
    down: l.down,
    up: l.up,
    labelEnd: l.labelEnd,
    barRange: Float64Array.from(bars, (b) => (b.high - b.low) / b.close),
    close: Float64Array.from(bars, (b) => b.close),
    high: Float64Array.from(bars, (b) => b.high),
    low: Float64Array.from(bars, (b) => b.low),
    barMs,
  };
}

export function concatDatasets(parts: readonly Dataset[]): Dataset {
  const first = parts[0];
  if (!first) throw new Error('no data');
  for (const p of parts)
    if (p.names.join() !== first.names.join() || p.barMs !== first.barMs)
      throw new Error('datasets differ in features or bar length');
  const cat = (k: 't' | 'down' | 'up' | 'labelEnd' | 'barRange' | 'close' | 'high' | 'low'): Float64Array => {
    const out = new Float64Array(parts.reduce((s, p) => s + p[k].length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p[k], o);
      o += p[k].length;
    }
    return out;
  };
  const data = new Float64Array(parts.reduce((s, p) => s + p.data.length, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p.data, o);
    o += p.data.length;
  }
  return {
    names: first.names,
    cols: first.cols,
    data,
    symbol: parts.flatMap((p) => p.symbol),
    t: cat('t'),
    down: cat('down'),
    up: cat('up'),
    labelEnd: cat('labelEnd'),
    barRange: cat('barRange'),
    close: cat('close'),
    high: cat('high'),
    low: cat('low'),
    barMs: first.barMs,
  };
}

/** The columns `names` of rows `idx`, as a model input matrix. */
export function selectMatrix(
  ds: Dataset,
  idx: ArrayLike<number>,
  names: readonly string[],
): { rows: number; cols: number; data: Float64Array } {
  const cols = names.map((n) => {
    const j = ds.names.indexOf(n);
    if (j < 0) throw new Error(`feature ${n} is not produced by the feature engine`);
    return j;
  });
  const data = new Float64Array(idx.length * cols.length);
  for (let k = 0; k < idx.length; k++) {
    const base = (idx[k] as number) * ds.cols;
    for (let c = 0; c < cols.length; c++) data[k * cols.length + c] = ds.data[base + (cols[c] as number)] as number;
  }
  return { rows: idx.length, cols: cols.length, data };
}

export function column(ds: Dataset, name: string, idx: ArrayLike<number>): Float64Array {
  const j = ds.names.indexOf(name);
  if (j < 0) return new Float64Array(idx.length).fill(NaN);
  return Float64Array.from({ length: idx.length }, (_, k) => ds.data[(idx[k] as number) * ds.cols + j] as number);
}

/** `ds` with extra feature columns appended (same rows). */
export function withColumns(ds: Dataset, extra: Record<string, Float64Array>): Dataset {
  const names = [...ds.names, ...Object.keys(extra)];
  const cols = names.length;
  const rows = ds.t.length;
  const data = new Float64Array(rows * cols);
  const ex = Object.values(extra);
  for (let i = 0; i < rows; i++) {
    data.set(ds.data.subarray(i * ds.cols, (i + 1) * ds.cols), i * cols);
    ex.forEach((c, k) => (data[i * cols + ds.cols + k] = c[i] as number));
  }
  return { ...ds, names, cols, data };
}
