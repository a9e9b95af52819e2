import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { BarEvent, FundingEvent } from '../../../src/core/types.js';

const DATA = fileURLToPath(new URL('../../../data/', import.meta.url));

/** Real Binance USD-M hourly bars (data/binance_um_klines_1h) with openTime in [from, to). */
export function loadBars(venueSymbol: string, symbol: string, from: number, to: number): BarEvent[] {
  const text = gunzipSync(readFileSync(`${DATA}binance_um_klines_1h/${venueSymbol}_1h.csv.gz`)).toString('utf8');
  const out: BarEvent[] = [];
  for (const line of text.split('\n').slice(1)) {
    const c = line.split(',');
    const openTime = Number(c[0]);
    if (!(openTime >= from && openTime < to)) continue;
    out.push({
      type: 'bar',
      symbol,
      openTime,
      ts: openTime + 3_600_000,
      intervalMs: 3_600_000,
      open: Number(c[1]),
      high: Number(c[2]),
      low: Number(c[3]),
      close: Number(c[4]),
      volume: Number(c[5]),
    });
  }
  return out;
}

/** Real funding settlements (data/binance_um_funding) with settlement time in [from, to). */
export function loadFunding(venueSymbol: string, symbol: string, from: number, to: number): FundingEvent[] {
  const text = gunzipSync(readFileSync(`${DATA}binance_um_funding/funding_all.csv.gz`)).toString('utf8');
  const out: FundingEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${venueSymbol},`)) continue;
    const c = line.split(',');
    const ts = Number(c[1]);
    if (ts >= from && ts < to)
      out.push({ type: 'funding', symbol, ts, intervalHours: Number(c[2]), rate: Number(c[3]) });
  }
  return out;
}
