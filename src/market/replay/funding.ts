/** Funding CSVs → FundingEvents. Two layouts:
 * - long: symbol,calc_time,funding_interval_hours,last_funding_rate (many symbols; data/binance_um_funding)
 * - Binance monthly archive: calc_time,funding_interval_hours,last_funding_rate (one symbol per file,
 *   named e.g. BTCUSDT-fundingRate-2024-01.csv; pass `symbol` or let it be read from the file name). */
import type { FundingEvent } from '../../core/types.js';
import { toUnifiedSymbol, toVenueSymbol } from '../symbols.js';
import { dataError, epochMs, findColumn, num, parseCsv } from './csv.js';

export interface FundingOptions {
  readonly file: string;
  /** Keep only these symbols (unified or venue form). All when absent. */
  readonly symbols?: readonly string[];
  /** Symbol of a single-symbol file; inferred from a Binance archive file name when absent. */
  readonly symbol?: string;
}

export function parseFunding(text: string, opts: FundingOptions): FundingEvent[] {
  const venueWanted = opts.symbols ? new Set(opts.symbols.map((s) => toUnifiedSymbol(s))) : undefined;
  // cheap pre-filter for the 220k-row long file: the symbol is the first field
  const prefixes = opts.symbols ? opts.symbols.map((s) => `${toVenueSymbol(toUnifiedSymbol(s))},`) : undefined;
  const keep = prefixes
    ? (line: string) => prefixes.some((p) => line.startsWith(p)) || !/^[A-Z]/.test(line)
    : undefined;
  const t = parseCsv(text, opts.file, keep);
  if (!t.header)
    throw dataError(
      opts.file,
      1,
      undefined,
      'funding file needs a header: symbol,calc_time,funding_interval_hours,last_funding_rate or calc_time,funding_interval_hours,last_funding_rate',
    );
  const cSym = findColumn(t.header, ['symbol']);
  const cTime = findColumn(t.header, ['calc_time', 'fundingTime', 'funding_time', 'timestamp', 'timestamp_ms']);
  const cInt = findColumn(t.header, ['funding_interval_hours', 'interval_hours']);
  const cRate = findColumn(t.header, ['last_funding_rate', 'funding_rate', 'fundingRate', 'rate']);
  const absent = [cTime < 0 && 'calc_time', cRate < 0 && 'last_funding_rate'].filter(Boolean);
  if (absent.length)
    throw dataError(
      opts.file,
      1,
      undefined,
      `funding header lacks ${absent.join(', ')}; header is ${t.header.join(',')}`,
    );
  let fixed: string | undefined;
  if (cSym < 0) {
    const fromName = /([A-Z0-9]+)-fundingRate-/.exec(opts.file)?.[1];
    const s = opts.symbol ?? fromName;
    if (!s)
      throw dataError(
        opts.file,
        1,
        undefined,
        'funding file has no symbol column: pass `symbol` or name the file <SYMBOL>-fundingRate-YYYY-MM.csv',
      );
    fixed = toUnifiedSymbol(s);
  }
  const last = new Map<string, number>();
  const out: FundingEvent[] = [];
  for (const r of t.rows) {
    let symbol = fixed;
    if (symbol === undefined) {
      const raw = (r.fields[cSym] ?? '').trim();
      try {
        symbol = toUnifiedSymbol(raw);
      } catch (e) {
        throw dataError(opts.file, r.line, cSym + 1, (e as Error).message);
      }
    }
    if (venueWanted && !venueWanted.has(symbol)) continue;
    const ts = epochMs(t, r, cTime, 'calc_time');
    const prev = last.get(symbol);
    if (prev !== undefined && ts <= prev)
      throw dataError(opts.file, r.line, cTime + 1, `calc_time ${ts} of ${symbol} is not after the previous ${prev}`);
    last.set(symbol, ts);
    const intervalHours = cInt >= 0 ? num(t, r, cInt, 'funding_interval_hours') : 8;
    if (!(intervalHours > 0))
      throw dataError(opts.file, r.line, cInt + 1, `funding_interval_hours must be > 0, got ${intervalHours}`);
    out.push({ type: 'funding', symbol, ts, rate: num(t, r, cRate, 'last_funding_rate'), intervalHours });
  }
  return out;
}
