/** Open-interest and liquidation series → events.
 * Values describe a whole sampling bucket [t, t + step), so each event is stamped at the bucket
 * END (t + step): it is known then, never earlier (no look-ahead in features). */
import type { LiquidationEvent, OpenInterestEvent } from '../../core/types.js';
import { dataError, epochMs, findColumn, inferStepMs, optNum, parseCsv, type CsvTable } from './csv.js';

export interface SeriesOptions {
  readonly symbol: string;
  readonly file: string;
  /** Bucket length; inferred from the time step when absent. */
  readonly stepMs?: number;
}

const TIME = ['timestamp_ms', 'timestamp', 'open_time', 'openTime', 'time', 'ts'];

function timeAndStep(t: CsvTable, opts: SeriesOptions): { times: number[]; step: number; col: number } {
  if (!t.header) throw dataError(opts.file, 1, undefined, 'series file needs a header row');
  const col = findColumn(t.header, TIME);
  if (col < 0)
    throw dataError(
      opts.file,
      1,
      undefined,
      `no time column (one of ${TIME.join('/')}); header is ${t.header.join(',')}`,
    );
  const times = t.rows.map((r) => epochMs(t, r, col, 'timestamp'));
  for (let i = 1; i < times.length; i++) {
    if (times[i]! <= times[i - 1]!)
      throw dataError(
        opts.file,
        t.rows[i]!.line,
        col + 1,
        `timestamp ${times[i]} is not after the previous ${times[i - 1]}`,
      );
  }
  const step = opts.stepMs ?? inferStepMs(times);
  if (!(step > 0))
    throw dataError(opts.file, t.rows[0]?.line ?? 1, undefined, 'cannot infer the sampling step; pass stepMs');
  return { times, step, col };
}

const OI_USD = [
  'open_interest_usd_ffill',
  'oi_close',
  'open_interest_usd',
  'open_interest_value',
  'sum_open_interest_value',
  'sumOpenInterestValue',
];
const OI_BASE = ['open_interest', 'sum_open_interest', 'sumOpenInterest', 'oi_base'];

/** data/binance_btcusdt_5m_snapshot (`open_interest_usd_ffill`), data/coinglass_btc_agg regime_* (`oi_close`)
 * and generic files with an open-interest value (USD) and/or base column. Empty cells are skipped. */
export function parseOpenInterest(text: string, opts: SeriesOptions): OpenInterestEvent[] {
  const t = parseCsv(text, opts.file);
  const { times, step } = timeAndStep(t, opts);
  const h = t.header!;
  const cUsd = findColumn(h, OI_USD);
  const cBase = findColumn(h, OI_BASE);
  if (cUsd < 0 && cBase < 0)
    throw dataError(
      opts.file,
      1,
      undefined,
      `no open-interest column (one of ${[...OI_USD, ...OI_BASE].join('/')}); header is ${h.join(',')}`,
    );
  const out: OpenInterestEvent[] = [];
  t.rows.forEach((r, i) => {
    const usd = cUsd >= 0 ? optNum(t, r, cUsd, h[cUsd]!) : NaN;
    const base = cBase >= 0 ? optNum(t, r, cBase, h[cBase]!) : NaN;
    if (Number.isNaN(usd) && Number.isNaN(base)) return;
    const e: { -readonly [K in keyof OpenInterestEvent]: OpenInterestEvent[K] } = {
      type: 'openInterest',
      symbol: opts.symbol,
      ts: times[i]! + step,
    };
    if (!Number.isNaN(usd)) e.openInterestValue = usd;
    if (!Number.isNaN(base)) e.openInterest = base;
    out.push(e);
  });
  return out;
}

const LONG = ['long_liq_usd', 'liquidation_long_usd', 'long_liquidation_usd', 'long_usd'];
const SHORT = ['short_liq_usd', 'liquidation_short_usd', 'short_liquidation_usd', 'short_usd'];

/** CoinGlass liquidation_1h / liquidation_30m / regime_* (long/short USD per bucket) → two
 * aggregated LiquidationEvents per row: side 'sell' (longs liquidated) and 'buy' (shorts).
 * Zero rows are kept: they say the feed reported no liquidations, which differs from silence.
 * An aggregate has no price or quantity: both are NaN (missing), notional is the USD total. */
export function parseLiquidations(text: string, opts: SeriesOptions): LiquidationEvent[] {
  const t = parseCsv(text, opts.file);
  const { times, step } = timeAndStep(t, opts);
  const h = t.header!;
  const cL = findColumn(h, LONG);
  const cS = findColumn(h, SHORT);
  if (cL < 0 || cS < 0)
    throw dataError(
      opts.file,
      1,
      undefined,
      `liquidation file needs long and short USD columns (${LONG[0]}, ${SHORT[0]}); header is ${h.join(',')}`,
    );
  const out: LiquidationEvent[] = [];
  t.rows.forEach((r, i) => {
    const ts = times[i]! + step;
    const long = optNum(t, r, cL, h[cL]!);
    const short = optNum(t, r, cS, h[cS]!);
    for (const [side, v, c] of [
      ['sell', long, cL],
      ['buy', short, cS],
    ] as const) {
      if (Number.isNaN(v)) continue;
      if (v < 0) throw dataError(opts.file, r.line, c + 1, `liquidation notional must be >= 0, got ${v}`);
      out.push({
        type: 'liquidation',
        symbol: opts.symbol,
        ts,
        side,
        price: NaN,
        quantity: NaN,
        notional: v,
        aggregatedMs: step,
      });
    }
  });
  return out;
}
