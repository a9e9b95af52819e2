/** Binance kline CSVs → BarEvents. Accepts the 12-column archive layout without header and
 * header-named variants (openTime / open_time / timestamp / timestamp_ms / open_time_ms,
 * takerBuyBase / taker_buy_volume, ...). Times in s, ms or µs. Bar ts = openTime + interval. */
import type { BarEvent } from '../../core/types.js';
import { dataError, epochMs, findColumn, inferStepMs, num, optNum, parseCsv, type CsvTable } from './csv.js';

export interface KlineOptions {
  readonly symbol: string; // stamped on every event (ccxt unified)
  readonly file: string; // for error messages
  /** Bar length; inferred from close_time or the time step when absent. */
  readonly intervalMs?: number;
  /** Files without a volume column (e.g. the 5m snapshot) give bars with volume NaN (missing). */
  readonly volumeOptional?: boolean;
}

const ALIASES = {
  openTime: ['open_time', 'openTime', 'open_time_ms', 'timestamp', 'timestamp_ms', 'time', 'ts', 'date_ms'],
  open: ['open', 'o', 'price_open'],
  high: ['high', 'h', 'price_high'],
  low: ['low', 'l', 'price_low'],
  close: ['close', 'c', 'price_close'],
  volume: ['volume', 'vol', 'v', 'base_volume'],
  closeTime: ['close_time', 'closeTime', 'close_time_ms'],
  quoteVolume: ['quote_volume', 'quoteVolume', 'quote_asset_volume', 'qv'],
  trades: ['count', 'trades', 'number_of_trades', 'num_trades', 'trade_count'],
  takerBuyVolume: [
    'taker_buy_volume',
    'takerBuyBase',
    'taker_buy_base',
    'taker_buy_base_asset_volume',
    'takerBuyVolume',
  ],
} as const;
type Col = keyof typeof ALIASES;
/** Binance archive layout (no header). */
const ARCHIVE: Record<Col, number> = {
  openTime: 0,
  open: 1,
  high: 2,
  low: 3,
  close: 4,
  volume: 5,
  closeTime: 6,
  quoteVolume: 7,
  trades: 8,
  takerBuyVolume: 9,
};

function columns(t: CsvTable, volumeOptional: boolean): Record<Col, number> {
  if (!t.header) {
    const width = t.rows[0]?.fields.length ?? 0;
    if (width === 12) return ARCHIVE;
    if (width >= 6 && width < 12) {
      const c = { ...ARCHIVE };
      for (const k of Object.keys(c) as Col[]) if (c[k] >= width) c[k] = -1;
      return c;
    }
    throw dataError(
      t.file,
      t.rows[0]?.line ?? 1,
      undefined,
      `kline file without header must have the 12-column Binance archive layout (open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore), found ${width} columns`,
    );
  }
  const h = t.header;
  const c = {} as Record<Col, number>;
  for (const k of Object.keys(ALIASES) as Col[]) c[k] = findColumn(h, ALIASES[k]);
  const required: Col[] = [
    'openTime',
    'open',
    'high',
    'low',
    'close',
    ...(volumeOptional ? [] : (['volume'] as Col[])),
  ];
  const absent = required.filter((k) => c[k] < 0);
  if (absent.length) {
    throw dataError(
      t.file,
      1,
      undefined,
      `kline header lacks ${absent.map((k) => `${k} (one of ${ALIASES[k].join('/')})`).join('; ')}; header is ${h.join(',')}`,
    );
  }
  return c;
}

export function parseKlines(text: string, opts: KlineOptions): BarEvent[] {
  const t = parseCsv(text, opts.file);
  if (t.rows.length === 0) throw dataError(opts.file, 1, undefined, 'kline file has no data rows');
  const c = columns(t, opts.volumeOptional === true);
  const opens = t.rows.map((r) => epochMs(t, r, c.openTime, 'open time'));
  let interval = opts.intervalMs;
  if (interval === undefined && c.closeTime >= 0) {
    const r0 = t.rows[0]!;
    interval = epochMs(t, r0, c.closeTime, 'close time') + 1 - opens[0]!;
  }
  if (interval === undefined) interval = inferStepMs(opens);
  if (!(Number.isFinite(interval) && interval > 0)) {
    throw dataError(
      opts.file,
      t.rows[0]!.line,
      undefined,
      'cannot infer the bar interval (single row and no close_time); pass intervalMs',
    );
  }
  const out: BarEvent[] = [];
  for (let i = 0; i < t.rows.length; i++) {
    const r = t.rows[i]!;
    const openTime = opens[i]!;
    if (i > 0 && openTime <= opens[i - 1]!) {
      throw dataError(
        opts.file,
        r.line,
        c.openTime + 1,
        `open time ${openTime} is not after the previous row's ${opens[i - 1]} (rows must be strictly ` +
          `increasing, no duplicates)`,
      );
    }
    const e: { -readonly [K in keyof BarEvent]: BarEvent[K] } = {
      type: 'bar',
      symbol: opts.symbol,
      ts: openTime + interval,
      openTime,
      intervalMs: interval,
      open: num(t, r, c.open, 'open'),
      high: num(t, r, c.high, 'high'),
      low: num(t, r, c.low, 'low'),
      close: num(t, r, c.close, 'close'),
      volume: c.volume >= 0 ? num(t, r, c.volume, 'volume') : NaN,
    };
    if (c.quoteVolume >= 0) e.quoteVolume = optNum(t, r, c.quoteVolume, 'quote volume');
    if (c.takerBuyVolume >= 0) e.takerBuyVolume = optNum(t, r, c.takerBuyVolume, 'taker buy volume');
    if (c.trades >= 0) e.trades = optNum(t, r, c.trades, 'trade count');
    for (const k of ['quoteVolume', 'takerBuyVolume', 'trades'] as const) if (Number.isNaN(e[k])) delete e[k];
    out.push(e);
  }
  return out;
}
